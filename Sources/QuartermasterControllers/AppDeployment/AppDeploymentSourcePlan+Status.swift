// The plan's own view of `status.source` and `status.build`: every field optional, so a step that
// failed before any commit was known (the first analysis) can be described.
// ``AppDeploymentStatusComputation`` turns them into ``AppDeploymentStatus/SourceStatus`` and
// ``AppDeploymentStatus/BuildStatus`` (whose schema requires a commit, image, namespace and job;
// a build without them leaves `status.build` as it was and the `Built` condition says why).

/// `status.source`: the plan reads and writes the status type itself.
public typealias AppDeploymentSourceStatus = AppDeploymentStatus.SourceStatus

/// `status.build`: the latest analyse or build step and its outcome.
public struct AppDeploymentBuildStatus: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable, CaseIterable {
        case pending = "Pending", running = "Running", succeeded = "Succeeded", failed = "Failed"
    }
    public var commit: String?
    public var image: String?
    public var digest: String?
    public var namespace: String?
    public var job: String?
    public var phase: Phase?
    public var startTime: String?
    public var completionTime: String?
    public var reason: String?
    public var message: String?
    public init(
        commit: String? = nil, image: String? = nil, digest: String? = nil, namespace: String? = nil, job: String? = nil,
        phase: Phase? = nil, startTime: String? = nil, completionTime: String? = nil, reason: String? = nil,
        message: String? = nil
    ) {
        self.commit = commit
        self.image = image
        self.digest = digest
        self.namespace = namespace
        self.job = job
        self.phase = phase
        self.startTime = startTime
        self.completionTime = completionTime
        self.reason = reason
        self.message = message
    }
}
