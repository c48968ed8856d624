import Foundation
import KubeCore
import KubeRuntime

/// The caches ``TenantReconciler`` reads: the kinds ``TenantController`` declares, as its
/// `ControllerBuilder` returned them (the Tenants themselves come with each reconcile's context).
public struct TenantCaches: Sendable {
    /// Namespaces labelled `quartermaster.dev/tenant` (any value): every tenant namespace, and
    /// any other namespace someone gave that label, so a namespace found here is the Tenant's
    /// only when it carries its marker (``TenantNamespaceClaim``).
    public var namespaces: Store<Namespace>
    /// Every ResourceQuota, the tenants' and their users' alike: a Tenant's own is the one
    /// named `TenantDesiredState.quotaName` with a controller reference to it.
    public var quotas: Store<ResourceQuota>
    /// LimitRanges labelled `app.kubernetes.io/managed-by=quartermaster`.
    public var limitRanges: Store<LimitRange>
    /// NetworkPolicies labelled `app.kubernetes.io/managed-by=quartermaster`.
    public var networkPolicies: Store<NetworkPolicy>
    /// RoleBindings labelled `app.kubernetes.io/managed-by=quartermaster`.
    public var roleBindings: Store<RoleBinding>
    /// Every Resource.
    public var resources: Store<Resource>
    /// Every PersistentVolumeClaim: the tenant's are the ones in its namespace, named in
    /// `status.persistentVolumeClaims`.
    public var claims: Store<PersistentVolumeClaim>

    public init(
        namespaces: Store<Namespace>, quotas: Store<ResourceQuota>, limitRanges: Store<LimitRange>,
        networkPolicies: Store<NetworkPolicy>, roleBindings: Store<RoleBinding>, resources: Store<Resource>,
        claims: Store<PersistentVolumeClaim>
    ) {
        self.namespaces = namespaces
        self.quotas = quotas
        self.limitRanges = limitRanges
        self.networkPolicies = networkPolicies
        self.roleBindings = roleBindings
        self.resources = resources
        self.claims = claims
    }
}
