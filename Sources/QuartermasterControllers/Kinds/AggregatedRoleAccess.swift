/// Whether the aggregated `quartermaster-admin`, `-editor` and `-viewer` ClusterRoles (labelled
/// to aggregate into the built-in `admin`, `edit` and `view`) cover a kind.
public enum AggregatedRoleAccess: Sendable, Equatable {
    /// Covered: admin may do everything (`deletecollection` included), editor everything but
    /// `deletecollection`, viewer may read; `status` is read-only to all three; the `scale`
    /// subresource (when the CRD has one) is `get`/`update`/`patch` for admin and editor and
    /// `get` for viewer.
    case workload
    /// Left out; `reason` is written into the generated file's header.
    case withheld(reason: String)
}
