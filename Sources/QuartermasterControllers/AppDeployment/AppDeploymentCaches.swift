import Foundation
import KubeCore
import KubeRuntime

/// The caches ``AppDeploymentReconciler`` reads: the kinds ``AppDeploymentController``
/// declares, as its `ControllerBuilder` returned them. Owned kinds hold only objects labelled
/// `app.kubernetes.io/managed-by=quartermaster` (shared with the other controllers), except
/// Resources and IPFSClusters, cached whole (the informers of their own controllers).
public struct AppDeploymentCaches: Sendable {
    /// The primary kind.
    public var apps: Store<AppDeployment>
    /// apps/v1 Deployments.
    public var deployments: Store<Deployment>
    public var services: Store<Service>
    public var ingresses: Store<Ingress>
    public var networkPolicies: Store<NetworkPolicy>
    /// Empty while the server does not serve `autoscaling/v2`.
    public var horizontalPodAutoscalers: Store<HorizontalPodAutoscaler>
    /// Empty while the server does not serve `policy/v1`.
    public var podDisruptionBudgets: Store<PodDisruptionBudget>
    public var claims: Store<PersistentVolumeClaim>
    /// Every Resource of the watched namespaces (the database `<name>-db`, and a name another
    /// Resource holds).
    public var resources: Store<Resource>
    /// Every IPFSCluster of the watched namespaces (the `spec.ipfs` binding).
    public var ipfsClusters: Store<IPFSCluster>
    /// Every ResourceQuota of the watched namespaces (the quota fit before the first creation).
    public var quotas: Store<ResourceQuota>
    /// Every Tenant (``TenantEnforcement``); `nil` in tests without policy.
    public var tenants: Store<Tenant>?
    /// The host claims (``HostClaim``) in the operator's namespace: a hint (conflicts are
    /// decided from the API server).
    public var hostClaims: Store<Lease>
    /// The source steps' Jobs, in every namespace, labelled `quartermaster.dev/build-step`
    /// (``AppDeploymentBuildLabels``): the build namespaces'.
    public var buildJobs: Store<Job>
    /// Their pods (same label): the termination messages.
    public var buildPods: Store<Pod>

    public init(
        apps: Store<AppDeployment>, deployments: Store<Deployment> = Store(), services: Store<Service> = Store(),
        ingresses: Store<Ingress> = Store(), networkPolicies: Store<NetworkPolicy> = Store(),
        horizontalPodAutoscalers: Store<HorizontalPodAutoscaler> = Store(),
        podDisruptionBudgets: Store<PodDisruptionBudget> = Store(), claims: Store<PersistentVolumeClaim> = Store(),
        resources: Store<Resource> = Store(), ipfsClusters: Store<IPFSCluster> = Store(),
        quotas: Store<ResourceQuota> = Store(), tenants: Store<Tenant>? = nil, hostClaims: Store<Lease> = Store(),
        buildJobs: Store<Job> = Store(), buildPods: Store<Pod> = Store()
    ) {
        self.buildJobs = buildJobs
        self.buildPods = buildPods
        self.apps = apps
        self.deployments = deployments
        self.services = services
        self.ingresses = ingresses
        self.networkPolicies = networkPolicies
        self.horizontalPodAutoscalers = horizontalPodAutoscalers
        self.podDisruptionBudgets = podDisruptionBudgets
        self.claims = claims
        self.resources = resources
        self.ipfsClusters = ipfsClusters
        self.quotas = quotas
        self.tenants = tenants
        self.hostClaims = hostClaims
    }
}
