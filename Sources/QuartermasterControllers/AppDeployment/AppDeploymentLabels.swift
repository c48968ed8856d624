import KubeCore

/// The labels of a Deployment's objects (the contract's):
///
/// - everything: `app.kubernetes.io/name: <name>`, `app.kubernetes.io/managed-by: quartermaster`
///   (``QuartermasterLabels/managedByValue``), `quartermaster.dev/deployment: <name>`;
/// - the pods: the same (the first and last are the selector, which never changes), plus
///   `quartermaster.dev/ipfs-client: <cluster>` while bound to an IPFSCluster, which that
///   cluster's NetworkPolicy admits on its API port.
public enum AppDeploymentLabels {
    /// `quartermaster.dev/deployment`.
    public static let deployment = "quartermaster.dev/deployment"
    /// `quartermaster.dev/ipfs-client`: on the pods of an app bound to IPFSCluster `<value>`.
    public static let ipfsClient = "quartermaster.dev/ipfs-client"

    /// The stable pod selector of `instance`'s apps/v1 Deployment (immutable once created).
    public static func selector(instance: String) -> [String: String] {
        [QuartermasterLabels.nameKey: instance, deployment: instance]
    }

    /// The labels of every object of `instance`.
    public static func labels(instance: String) -> [String: String] {
        selector(instance: instance).merging([QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue]) {
            a, _ in a
        }
    }

    /// Every object the operator makes for `instance`, as a selector (for caches).
    public static func ownedSelector(instance: String) -> [String: String] {
        [deployment: instance, QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue]
    }
}
