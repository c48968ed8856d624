import KubeCore

/// The `Deployment` custom resource (`quartermaster.dev/v1alpha1`, plural `deployments`,
/// short name `qdeploy`, namespaced): an image run, exposed, with revisions and rollback.
/// Called `AppDeployment` in Swift, as KubeCore's `Deployment` is apps/v1's. A missing `spec`
/// decodes as every default (`AppDeploymentSpec()`, whose empty `image` validation refuses);
/// see ``CustomResource`` for decoding and encoding.
public typealias AppDeployment = CustomResource<AppDeploymentSpec, AppDeploymentStatus>

extension AppDeploymentSpec: DefaultedCustomResourceSpec {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Deployment", plural: "deployments", namespaced: true)

    /// Every field at its default (the memberwise initialiser with no arguments; `image` empty).
    public init() { self.init(image: "") }
}
