import Foundation
import KubeCore

/// Where a child kind's object shows what its Resource reports, as JSON pointers into the
/// whole object (`/status/...`, `/spec/...`). Part of a ``ResourceOffering``.
public struct ResourceChildStatusPaths: Hashable, Sendable {
    /// Candidates for the endpoint, tried in order: the first string found is the endpoint.
    public var endpoints: [JSONPointer]
    /// The name of the Secret holding the credentials; `nil` when the kind has none.
    public var credentialsSecretName: JSONPointer?
    /// How far along the child is; `nil` when the kind does not say.
    public var progress: Progress?

    /// `ready`/`desired` counts, shown as `<ready>/<desired> <unit> ready` (`2/3 nodes ready`);
    /// a missing count reads as 0.
    public struct Progress: Hashable, Sendable {
        public var ready: JSONPointer
        public var desired: JSONPointer
        /// `nodes`, `instances`, ...
        public var unit: String
        /// How many of its pods exist (ready or not), as its controller last reported; `nil`
        /// when the kind does not say. The quota reservation (``QuotaReservation``) counts
        /// the pods still to be created from it.
        public var created: JSONPointer?

        public init(ready: JSONPointer, desired: JSONPointer, unit: String, created: JSONPointer? = nil) {
            self.ready = ready
            self.desired = desired
            self.unit = unit
            self.created = created
        }
    }

    public init(endpoints: [JSONPointer], credentialsSecretName: JSONPointer?, progress: Progress?) {
        self.endpoints = endpoints
        self.credentialsSecretName = credentialsSecretName
        self.progress = progress
    }
}
