import Foundation
import KubeCore
import KubeRuntime

/// The caches ``ResourceReconciler`` reads: the kinds ``ResourceController`` declares, as its
/// `ControllerBuilder` returned them (the Resources themselves come with each reconcile's
/// context).
public struct ResourceCaches: Sendable {
    /// Every object of each kind offered as a Resource in the watched namespaces (the
    /// Resources' children and any other), one cache per kind
    /// (`ResourceOffering.cacheChildren(in:options:)`).
    public var children: [ResourceChildCache]
    /// Tenant namespaces (label `quartermaster.dev/tenant`); `nil` when the controller watches
    /// only some namespaces and does not declare them.
    public var namespaces: Store<Namespace>?
    /// Every Tenant, for the policy of the namespace's Tenant (``TenantEnforcement``); `nil`
    /// only in tests that build the reconciler without it (no policy).
    public var tenants: Store<Tenant>?

    public init(
        children: [ResourceChildCache], namespaces: Store<Namespace>?,
        tenants: Store<Tenant>? = nil
    ) {
        self.children = children
        self.namespaces = namespaces
        self.tenants = tenants
    }
}
