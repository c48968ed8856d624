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
    /// Builds the kind's state metrics (read from the informer its controller shares); `nil`
    /// when its controller does not run with these settings.
    public typealias StateMetricsFactory = @Sendable (InformerCache, ControllerSettings) -> (any StateMetricsSource)?

    /// The Swift type of the objects.
    public var objectType: any KubeResource.Type
    /// The CRD: schema, names, printer columns, subresources. Its `resource` is `objectType`'s.
    public var crd: CustomResourceDefinitionModel
    /// What the kind's controller needs beyond its own kind, each with its reason, for the
    /// manager's ClusterRole. Every kind's controller also gets ``ManagerRole/ownKindRules(_:)``,
    /// and the rules ``offeringRules`` derives from the kinds offered as Resources.
    public var managerRules: [DocumentedPolicyRule]
    /// What the kind's controller needs because of the kinds offered as Resources (the
    /// ``resourceOffering`` of every kind in the list the manifests are generated from), for
    /// the manager's ClusterRole, before ``managerRules``. Default: nothing (only the Resource
    /// kind builds offered kinds: ``ResourceOffering/managerRules(for:)``).
    public var offeringRules: @Sendable (_ offerings: [ResourceOffering]) -> [DocumentedPolicyRule]
    /// How the kind is offered as a Resource (what templates may build), or `nil` when it is
    /// not. ``ResourceOffering/all`` is read from these. Default `nil`.
    public var resourceOffering: ResourceOffering?
    /// What the aggregated `quartermaster-admin`/`-editor`/`-viewer` roles grant on the kind.
    public var aggregatedRoles: AggregatedRoleAccess
    /// What a Tenant's owners may do with the kind in their namespace.
    public var tenantOwners: TenantOwnerAccess
    /// The kind's controller.
    public var makeController: ControllerFactory
    /// How to read an object of the kind that holds a host claim (``HostClaim``), when its
    /// objects ask for hosts; `nil` (the default) when they do not. The manager role then
    /// grants `get` on the kind (``ManagerRole/hostClaimHolderRules(_:)``).
    public var hostClaims: HostClaimHolderKind?
    /// What the admission webhook checks on CREATE and UPDATE of the kind, or `nil` for no
    /// webhook entry. Default `nil`.
    public var admission: KindAdmission?
    /// The kind's `/metrics` families computed at each scrape (``KindStateMetrics``), or `nil`
    /// for none. Default `nil`.
    public var stateMetrics: StateMetricsFactory?

    public init(
        objectType: any KubeResource.Type, crd: CustomResourceDefinitionModel, managerRules: [DocumentedPolicyRule],
        offeringRules: @escaping @Sendable (_ offerings: [ResourceOffering]) -> [DocumentedPolicyRule] = { _ in [] },
        aggregatedRoles: AggregatedRoleAccess, tenantOwners: TenantOwnerAccess, resourceOffering: ResourceOffering? = nil,
        hostClaims: HostClaimHolderKind? = nil, admission: KindAdmission? = nil,
        stateMetrics: StateMetricsFactory? = nil, makeController: @escaping ControllerFactory
    ) {
        self.stateMetrics = stateMetrics
        self.hostClaims = hostClaims
        self.admission = admission
        self.objectType = objectType
        self.crd = crd
        self.managerRules = managerRules
        self.offeringRules = offeringRules
        self.resourceOffering = resourceOffering
        self.aggregatedRoles = aggregatedRoles
        self.tenantOwners = tenantOwners
        self.makeController = makeController
    }

    /// Every rule the kind's controller needs beyond its own kind when `offerings` are the kinds
    /// offered as Resources: ``offeringRules`` then ``managerRules``.
    public func managerRules(offerings: [ResourceOffering]) -> [DocumentedPolicyRule] {
        offeringRules(offerings) + managerRules
    }

    /// The kind's API location (`objectType.resource`).
    public var resource: ResourceDescriptor { objectType.resource }

    /// How Argo CD and Flux read the kind's health, from its CRD's schema.
    public var health: KindHealth { KindHealth(crd: crd) }
}
