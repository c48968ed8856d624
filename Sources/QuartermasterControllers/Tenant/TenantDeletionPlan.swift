import Foundation
import KubeCore

/// What to do for a Tenant that is being deleted (it has a `deletionTimestamp` and still
/// carries `Tenant.finalizer`). Pure: decided from what was read directly from the API server.
public enum TenantDeletionPlan: Hashable, Sendable {
    /// The namespace still holds objects that hold data (Resources, IPFSClusters): delete
    /// nothing, report `Stalled`, reason `NotEmpty`, and wait for them to go.
    case blocked(TenantNamespaceContents)
    /// Nothing left and the namespace exists: delete the namespace (preconditioned on its UID).
    case deleteNamespace(uid: String?)
    /// The namespace is terminating: wait for it to disappear.
    case waitForNamespace
    /// The namespace is gone, or was never this Tenant's (`TenantNamespaceClaim.foreign`):
    /// remove the finalizer and leave any such namespace alone.
    case removeFinalizer

    /// Decides from the namespace as read (`nil` when gone), what it holds, and the Tenant (a
    /// namespace without this Tenant's marker is never deleted).
    public init(namespace: Namespace?, contents: TenantNamespaceContents, tenant: Tenant) {
        guard let namespace, TenantNamespaceClaim(observed: namespace, tenant: tenant) == .owned else {
            self = .removeFinalizer
            return
        }
        if !contents.isEmpty {
            self = .blocked(contents)
        } else if namespace.metadata.deletionTimestamp != nil || namespace.status?.phase == "Terminating" {
            self = .waitForNamespace
        } else {
            self = .deleteNamespace(uid: namespace.metadata.uid)
        }
    }
}

/// What a tenant's namespace holds that keeps the Tenant from being deleted, by kind, as listed
/// from the API server (never from a cache).
public struct TenantNamespaceContents: Hashable, Sendable, CustomStringConvertible {
    /// Kind → how many objects of it the namespace holds; kinds with none are left out.
    public var counts: [String: Int]

    public init(counts: [String: Int] = [:]) { self.counts = counts.filter { $0.value > 0 } }

    public var isEmpty: Bool { counts.isEmpty }
    public var total: Int { counts.values.reduce(0, +) }

    /// `2 Resources and 1 IPFSCluster`, kinds in name order.
    public var description: String {
        let parts = counts.sorted { $0.key < $1.key }.map { kind, n in "\(n) \(kind)\(n == 1 ? "" : "s")" }
        switch parts.count {
        case 0: return "nothing"
        case 1: return parts[0]
        default: return parts.dropLast().joined(separator: ", ") + " and " + (parts.last ?? "")
        }
    }
}
