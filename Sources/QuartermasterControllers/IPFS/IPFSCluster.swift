import KubeCore

/// The `IPFSCluster` custom resource (`quartermaster.dev/v1alpha1`, plural `ipfsclusters`,
/// namespaced). A missing `spec` means every default (`IPFSClusterSpec()`); see
/// ``CustomResource`` for decoding and encoding.
public typealias IPFSCluster = CustomResource<IPFSClusterSpec, IPFSClusterStatus>

extension IPFSClusterSpec: DefaultedCustomResourceSpec {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "IPFSCluster", plural: "ipfsclusters", namespaced: true)

    /// Every field at its default (the memberwise initialiser with no arguments).
    public init() { self.init(replicas: Self.defaultReplicas) }
}
