import Foundation
import KubeCore
import KubeRuntime

/// The caches ``ResourceReconciler`` reads: the kinds ``ResourceController`` declares, as its
/// `ControllerBuilder` returned them (the Resources themselves come with each reconcile's
/// context).
public struct ResourceCaches: Sendable {
    /// The IPFSClusters the operator made (the Resources' children).
    public var children: Store<IPFSCluster>
    /// Every ResourceQuota in the watched namespaces.
    public var quotas: Store<ResourceQuota>
    /// Tenant namespaces (label `quartermaster.dev/tenant`); `nil` when the controller watches
    /// only some namespaces and does not declare them.
    public var namespaces: Store<Namespace>?

    public init(children: Store<IPFSCluster>, quotas: Store<ResourceQuota>, namespaces: Store<Namespace>?) {
        self.children = children
        self.quotas = quotas
        self.namespaces = namespaces
    }
}
