import KubeClient
import KubeCore
import KubeRuntime

/// Everything the operator and its install need to know about one of its kinds, declared once
/// (in the kind's folder) and listed in ``QuartermasterKinds/all``. Every generated manifest
/// (`quartermaster manifests`, see ``GeneratedManifests``) and every test that covers all
/// kinds reads the kinds from that list.
public struct KindDeclaration: Sendable {
    /// Builds the kind's controller; `nil` when it cannot run with these settings (e.g. a
    /// cluster-scoped kind while only some namespaces are watched).
    public typealias ControllerFactory = @Sendable (InformerCache, ControllerSettings) -> (any Runnable)?

    /// The Swift type of the objects.
    public var objectType: any KubeResource.Type
    /// The CRD: schema, names, printer columns, subresources. Its `resource` is `objectType`'s.
    public var crd: CustomResourceDefinitionModel
    /// What the kind's controller needs beyond its own kind, each with its reason, for the
    /// manager's ClusterRole. Every kind's controller also gets ``ManagerRole/ownKindRules(_:)``.
    public var managerRules: [DocumentedPolicyRule]
    /// What the aggregated `quartermaster-admin`/`-editor`/`-viewer` roles grant on the kind.
    public var aggregatedRoles: AggregatedRoleAccess
    /// What a Tenant's owners may do with the kind in their namespace.
    public var tenantOwners: TenantOwnerAccess
    /// The kind's controller.
    public var makeController: ControllerFactory

    public init(
        objectType: any KubeResource.Type, crd: CustomResourceDefinitionModel, managerRules: [DocumentedPolicyRule],
        aggregatedRoles: AggregatedRoleAccess, tenantOwners: TenantOwnerAccess,
        makeController: @escaping ControllerFactory
    ) {
        self.objectType = objectType
        self.crd = crd
        self.managerRules = managerRules
        self.aggregatedRoles = aggregatedRoles
        self.tenantOwners = tenantOwners
        self.makeController = makeController
    }

    /// The kind's API location (`objectType.resource`).
    public var resource: ResourceDescriptor { objectType.resource }

    /// How Argo CD and Flux read the kind's health, from its CRD's schema.
    public var health: KindHealth { KindHealth(crd: crd) }
}
