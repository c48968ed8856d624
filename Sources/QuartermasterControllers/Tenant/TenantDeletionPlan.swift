import Foundation
import KubeCore

/// What to do for a Tenant that is being deleted (it has a `deletionTimestamp` and still
/// carries `Tenant.finalizer`). Pure: decided from what was read directly from the API server.
///
/// | namespace | holds data | `spec.deletionPolicy` | plan |
/// | --- | --- | --- | --- |
/// | gone, or not this Tenant's | any | any | `removeFinalizer` |
/// | this Tenant's, active | yes | `Retain` (default) | `blocked` |
/// | this Tenant's, terminating | yes | `Retain` (default) | `blocked` |
/// | this Tenant's, active | yes | `DeleteData` | `deleteNamespace` |
/// | this Tenant's, active | no | any | `deleteNamespace` |
/// | this Tenant's, terminating | no, or `DeleteData` | any | `waitForNamespace` |
public enum TenantDeletionPlan: Hashable, Sendable {
    /// The namespace still holds data (Resources, IPFSClusters, PersistentVolumeClaims) and the
    /// policy is `Retain`: delete nothing, report `Stalled`, reason `NotEmpty`, and wait for
    /// them to go or for `spec.deletionPolicy: DeleteData`.
    case blocked(TenantNamespaceContents)
    /// Nothing left, or `DeleteData`, and the namespace exists: delete the namespace
    /// (preconditioned on its UID) with whatever it holds.
    case deleteNamespace(uid: String?)
    /// The namespace is terminating: wait for it to disappear.
    case waitForNamespace
    /// The namespace is gone, or was never this Tenant's (`TenantNamespaceClaim.foreign`):
    /// remove the finalizer and leave any such namespace alone.
    case removeFinalizer

    /// Decides from the namespace as read (`nil` when gone), what it holds, and the Tenant (its
    /// `spec.deletionPolicy`; a namespace without this Tenant's marker is never deleted).
    public init(namespace: Namespace?, contents: TenantNamespaceContents, tenant: Tenant) {
        guard let namespace, TenantNamespaceClaim(observed: namespace, tenant: tenant) == .owned else {
            self = .removeFinalizer
            return
        }
        let keepsData = tenant.spec.effectiveDeletionPolicy == .retain
        if keepsData, !contents.isEmpty {
            self = .blocked(contents)
        } else if namespace.metadata.deletionTimestamp != nil || namespace.status?.phase == "Terminating" {
            self = .waitForNamespace
        } else {
            self = .deleteNamespace(uid: namespace.metadata.uid)
        }
    }
}
