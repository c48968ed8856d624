import Foundation

/// What deleting a Tenant does with the data left in its namespace (`Tenant.spec.deletionPolicy`).
///
/// Schema: string, enum `Retain`, `DeleteData`, default `Retain`; description "What deleting the
/// tenant does with data left in its namespace: Retain waits until Resources, IPFSClusters and
/// PersistentVolumeClaims are gone; DeleteData deletes the namespace with everything in it."
///
/// A value this operator does not know (stored under a looser schema) is read as `Retain`: data
/// is deleted only when the Tenant says `DeleteData` explicitly.
public enum TenantDeletionPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// The default: the namespace is deleted only once it holds no Resources, IPFSClusters or
    /// PersistentVolumeClaims; until then the Tenant is `Stalled`, reason `NotEmpty`.
    case retain = "Retain"
    /// The namespace is deleted with everything in it, data included, as soon as the Tenant is
    /// deleted. Set it before or after `kubectl delete`; it is the only way data goes with the
    /// Tenant.
    case deleteData = "DeleteData"
}
