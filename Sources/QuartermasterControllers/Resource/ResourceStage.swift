import Foundation

/// One provisioning stage as reported in `Resource.status.stages`.
///
/// Schema: object, required `name`, `state`; description "One provisioning stage."
public struct ResourceStage: Codable, Hashable, Sendable {
    /// Schema: string, enum of `ResourceStageName`; description "Stage name."
    public var name: ResourceStageName
    /// Schema: string, enum `Pending`, `InProgress`, `Done`, `Failed`; description "Stage state."
    public var state: ResourceStageState
    /// Schema: string, format date-time; description "When the stage last started."
    public var startedAt: String?
    /// Schema: string, format date-time; description "When the stage finished (Done or Failed)."
    public var finishedAt: String?
    /// Schema: string; description "What the stage did or is waiting for."
    public var message: String?

    public init(
        name: ResourceStageName, state: ResourceStageState, startedAt: String? = nil, finishedAt: String? = nil,
        message: String? = nil
    ) {
        self.name = name
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.message = message
    }
}

/// The six stages, in order, with the progress each stands for.
public enum ResourceStageName: String, Codable, Hashable, Sendable, CaseIterable {
    /// 0%: request accepted, template resolved.
    case initialising = "Initialising"
    /// 20%: the child's name free (not held by an object the Resource does not control), quota
    /// headroom checked, namespace ready.
    case allocating = "Allocating"
    /// 40%: secrets and configuration generated.
    case configuring = "Configuring"
    /// 60%: workloads applied.
    case provisioning = "Provisioning"
    /// 80%: waiting for workloads to become ready.
    case verifying = "Verifying"
    /// 100%: ready; endpoint and credentials published.
    case complete = "Complete"

    /// 0, 20, 40, 60, 80, 100.
    public var percent: Int {
        switch self {
        case .initialising: return 0
        case .allocating: return 20
        case .configuring: return 40
        case .provisioning: return 60
        case .verifying: return 80
        case .complete: return 100
        }
    }
}

/// Schema: string, enum `Pending`, `InProgress`, `Done`, `Failed`.
public enum ResourceStageState: String, Codable, Hashable, Sendable, CaseIterable {
    case pending = "Pending"
    case inProgress = "InProgress"
    case done = "Done"
    case failed = "Failed"
}
