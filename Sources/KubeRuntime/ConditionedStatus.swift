import KubeCore

/// A custom resource status that reports `meta/v1` conditions: what ``StatusWriter`` needs to
/// tell a status that changed from one that did not, and to find the transitions worth an Event.
public protocol ConditionedStatus: Codable, Sendable, Equatable {
    /// `status.conditions`; `nil` when none are set.
    var conditions: [Condition]? { get }
}
