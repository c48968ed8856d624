import Foundation
import KubeCore
import KubeRuntime

/// The caches ``IPFSClusterReconciler`` reads: the kinds ``IPFSClusterController`` declares,
/// as its `ControllerBuilder` returned them.
public struct IPFSClusterCaches: Sendable {
    /// The primary kind.
    public var clusters: Store<IPFSCluster>
    public var secrets: Store<Secret>
    public var configMaps: Store<ConfigMap>
    public var services: Store<Service>
    public var statefulSets: Store<StatefulSet>
    public var networkPolicies: Store<NetworkPolicy>
    public var ingresses: Store<Ingress>
    /// Empty while the server does not serve `policy/v1`.
    public var podDisruptionBudgets: Store<PodDisruptionBudget>
    /// Every StorageClass of the cluster.
    public var storageClasses: Store<StorageClass>
    /// Every Tenant (cluster-scoped), for the policy and suspension of the namespace's Tenant
    /// (``TenantEnforcement``); `nil` only in tests that build the reconciler without it (no
    /// policy). ``IPFSClusterController`` always declares it.
    public var tenants: Store<Tenant>?
    /// The host claims (``HostClaim``) in the operator's namespace, of every holder: a hint of
    /// which hosts this cluster holds (conflicts are decided from the API server).
    public var hostClaims: Store<Lease>
    /// The StatefulSet controller's Events about StatefulSets
    /// (``StatefulSetQuotaFailure/eventFieldSelector``), for pods it cannot create for quota.
    public var statefulSetEvents: Store<Event>?

    public init(
        clusters: Store<IPFSCluster>, secrets: Store<Secret>, configMaps: Store<ConfigMap>, services: Store<Service>,
        statefulSets: Store<StatefulSet>, networkPolicies: Store<NetworkPolicy>, ingresses: Store<Ingress>,
        podDisruptionBudgets: Store<PodDisruptionBudget>, storageClasses: Store<StorageClass>,
        tenants: Store<Tenant>? = nil,
        hostClaims: Store<Lease> = Store(),
        statefulSetEvents: Store<Event>? = nil
    ) {
        self.hostClaims = hostClaims
        self.statefulSetEvents = statefulSetEvents
        self.clusters = clusters
        self.secrets = secrets
        self.configMaps = configMaps
        self.services = services
        self.statefulSets = statefulSets
        self.networkPolicies = networkPolicies
        self.ingresses = ingresses
        self.podDisruptionBudgets = podDisruptionBudgets
        self.storageClasses = storageClasses
        self.tenants = tenants
    }
}
