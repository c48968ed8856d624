/// What a Tenant's owners may do with a kind in their namespace, through the
/// `quartermaster-tenant-owner` ClusterRole (see ``TenantOwnerRole``).
public enum TenantOwnerAccess: Sendable, Equatable {
    /// Owners manage the objects: every verb but `deletecollection`, `status` read-only, and
    /// `kubectl scale` when the CRD has a scale subresource.
    case manage
    /// Owners get nothing on the kind.
    case none
}
