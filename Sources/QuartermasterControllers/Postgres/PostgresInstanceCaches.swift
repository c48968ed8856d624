import KubeCore
import KubeRuntime

/// The caches ``PostgresInstanceReconciler`` reads: the kinds ``PostgresInstanceController``
/// declares, as its `ControllerBuilder` returned them. Owned kinds hold only objects labelled
/// `app.kubernetes.io/managed-by=quartermaster` (shared with the other controllers).
public struct PostgresInstanceCaches: Sendable {
    /// The primary kind.
    public var instances: Store<PostgresInstance>
    public var pods: Store<Pod>
    public var claims: Store<PersistentVolumeClaim>
    public var services: Store<Service>
    /// The instance's Secrets and their copies in other namespaces: a hint only (every Secret
    /// is read from the API server before anything is generated or written over).
    public var secrets: Store<Secret>
    public var serviceAccounts: Store<ServiceAccount>
    public var roles: Store<Role>
    public var roleBindings: Store<RoleBinding>
    public var networkPolicies: Store<NetworkPolicy>
    public var deployments: Store<Deployment>
    /// Empty while the server does not serve `policy/v1`.
    public var podDisruptionBudgets: Store<PodDisruptionBudget>
    /// Tenant namespaces, for their `quartermaster.dev/accept-secrets-from` annotation; `nil`
    /// while only some namespaces are watched. A namespace it does not hold is read from the API
    /// server.
    public var namespaces: Store<Namespace>?
    /// Every Tenant (cluster-scoped), for the policy and suspension of the namespace's Tenant
    /// (``TenantEnforcement``); `nil` in tests that build the reconciler without it (no policy).
    public var tenants: Store<Tenant>?
    /// StorageClasses (cluster-scoped), for `allowVolumeExpansion` before a full claim grows;
    /// `nil`: every class counts as not expandable.
    public var storageClasses: Store<StorageClass>? = nil
    /// PostgresBackups (issue 12): this instance's (status, retention) and a recovery source's;
    /// `nil` in tests without backups.
    public var backups: Store<PostgresBackup>?

    public init(
        instances: Store<PostgresInstance>, pods: Store<Pod> = Store(), claims: Store<PersistentVolumeClaim> = Store(),
        services: Store<Service> = Store(), secrets: Store<Secret> = Store(),
        serviceAccounts: Store<ServiceAccount> = Store(), roles: Store<Role> = Store(),
        roleBindings: Store<RoleBinding> = Store(), networkPolicies: Store<NetworkPolicy> = Store(),
        deployments: Store<Deployment> = Store(), podDisruptionBudgets: Store<PodDisruptionBudget> = Store(),
        namespaces: Store<Namespace>? = nil, tenants: Store<Tenant>? = nil, backups: Store<PostgresBackup>? = nil
    ) {
        self.backups = backups
        self.tenants = tenants
        self.instances = instances
        self.pods = pods
        self.claims = claims
        self.services = services
        self.secrets = secrets
        self.serviceAccounts = serviceAccounts
        self.roles = roles
        self.roleBindings = roleBindings
        self.networkPolicies = networkPolicies
        self.deployments = deployments
        self.podDisruptionBudgets = podDisruptionBudgets
        self.namespaces = namespaces
    }
}
