import Foundation
import KubeCore

/// What to do for a Tenant that is being deleted (it has a `deletionTimestamp` and still
/// carries `Tenant.finalizer`). Pure: decided from what was observed.
public enum TenantDeletionPlan: Hashable, Sendable {
    /// The namespace still holds Resources: delete nothing, report `Stalled`, reason
    /// `NotEmpty`, and wait for them to go.
    case blocked(resources: Int)
    /// No Resources left and the namespace exists: delete the namespace.
    case deleteNamespace
    /// The namespace is terminating: wait for it to disappear.
    case waitForNamespace
    /// The namespace is gone, or was never this tenant's (`TenantNamespaceClaim.foreign`):
    /// remove the finalizer and leave any such namespace alone.
    case removeFinalizer

    /// Decides from the observed namespace (`nil` when gone), the number of Resources in it,
    /// and the tenant's name (a namespace without this tenant's label is never deleted).
    public init(namespace: Namespace?, resourceCount: Int, tenant: String) {
        guard let namespace, TenantNamespaceClaim(observed: namespace, tenant: tenant) == .owned else {
            self = .removeFinalizer
            return
        }
        if resourceCount > 0 {
            self = .blocked(resources: resourceCount)
        } else if namespace.metadata.deletionTimestamp != nil || namespace.status?.phase == "Terminating" {
            self = .waitForNamespace
        } else {
            self = .deleteNamespace
        }
    }
}
