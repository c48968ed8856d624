import Foundation
import KubeCore
import KubeRuntime

/// The caches ``TenantReconciler`` reads: the kinds ``TenantController`` declares, as its
/// `ControllerBuilder` returned them (the Tenants themselves come with each reconcile's context).
public struct TenantCaches: Sendable {
    /// Namespaces labelled `app.kubernetes.io/managed-by=quartermaster`.
    public var namespaces: Store<Namespace>
    public var quotas: Store<ResourceQuota>
    public var limitRanges: Store<LimitRange>
    public var networkPolicies: Store<NetworkPolicy>
    public var roleBindings: Store<RoleBinding>
    /// Every Resource.
    public var resources: Store<Resource>

    public init(
        namespaces: Store<Namespace>, quotas: Store<ResourceQuota>, limitRanges: Store<LimitRange>,
        networkPolicies: Store<NetworkPolicy>, roleBindings: Store<RoleBinding>, resources: Store<Resource>
    ) {
        self.namespaces = namespaces
        self.quotas = quotas
        self.limitRanges = limitRanges
        self.networkPolicies = networkPolicies
        self.roleBindings = roleBindings
        self.resources = resources
    }
}
