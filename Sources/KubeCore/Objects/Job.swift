import Foundation

/// A Job (`batch/v1`): pods run to completion. Its spec is immutable after creation except for
/// a few fields (`parallelism`, `activeDeadlineSeconds`, `suspend`, `ttlSecondsAfterFinished`):
/// a different Job is a new object.
public struct Job: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)

    /// Always encoded; defaults to `batch/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Job`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: JobSpec?
    /// Written by the Job controller.
    public var status: JobStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: JobSpec? = nil, status: JobStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(JobSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(JobStatus.self, forKey: .status)
    }
}

public struct JobSpec: Codable, Hashable, Sendable {
    /// The pod template; `restartPolicy` must be `Never` or `OnFailure`. The server adds the
    /// `controller-uid`/`job-name` labels and, unless `manualSelector`, the selector.
    public var template: PodTemplateSpec
    /// Retries before the Job is marked failed. Server default 6.
    public var backoffLimit: Int?
    /// Seconds from the Job's start after which its pods are killed and it fails with reason
    /// `DeadlineExceeded`. Unset: no deadline.
    public var activeDeadlineSeconds: Int64?
    /// Successful pods needed. Server default 1.
    public var completions: Int?
    /// Pods run at once. Server default 1.
    public var parallelism: Int?
    /// Seconds after the Job finishes before the server deletes it (and its pods). Unset: kept.
    public var ttlSecondsAfterFinished: Int?
    /// Server-generated unless `manualSelector` is `true`.
    public var selector: LabelSelector?
    public var manualSelector: Bool?
    public var suspend: Bool?
    /// `NonIndexed` (default) or `Indexed`.
    public var completionMode: String?

    public init(
        template: PodTemplateSpec, backoffLimit: Int? = nil, activeDeadlineSeconds: Int64? = nil,
        completions: Int? = nil, parallelism: Int? = nil, ttlSecondsAfterFinished: Int? = nil,
        selector: LabelSelector? = nil, manualSelector: Bool? = nil, suspend: Bool? = nil,
        completionMode: String? = nil
    ) {
        self.template = template
        self.backoffLimit = backoffLimit
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.completions = completions
        self.parallelism = parallelism
        self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
        self.selector = selector
        self.manualSelector = manualSelector
        self.suspend = suspend
        self.completionMode = completionMode
    }
}

/// What the Job controller reports.
public struct JobStatus: Codable, Hashable, Sendable {
    /// Pods running (or pending).
    public var active: Int?
    public var succeeded: Int?
    public var failed: Int?
    /// RFC 3339; when the Job controller started working on the Job.
    public var startTime: String?
    /// RFC 3339; set only when the Job succeeded.
    public var completionTime: String?
    /// `Complete`, `Failed` (reasons `BackoffLimitExceeded`, `DeadlineExceeded`, ...),
    /// `Suspended`, `FailureTarget`, `SuccessCriteriaMet`.
    public var conditions: [JobCondition]?

    public init(
        active: Int? = nil, succeeded: Int? = nil, failed: Int? = nil, startTime: String? = nil,
        completionTime: String? = nil, conditions: [JobCondition]? = nil
    ) {
        self.active = active
        self.succeeded = succeeded
        self.failed = failed
        self.startTime = startTime
        self.completionTime = completionTime
        self.conditions = conditions
    }

    /// The condition of `type` when its status is `True`.
    public func trueCondition(_ type: String) -> JobCondition? {
        conditions?.first { $0.type == type && $0.status == "True" }
    }

    /// `true` when the `Complete` condition is `True`.
    public var isComplete: Bool { trueCondition("Complete") != nil }
    /// `true` when the `Failed` condition is `True`.
    public var isFailed: Bool { trueCondition("Failed") != nil }
    /// Complete or failed: the Job runs no more pods.
    public var isFinished: Bool { isComplete || isFailed }
}

/// A Job condition (`Complete`, `Failed`, `Suspended`, ...): the same shape as a pod's
/// (`type`, `status`, `lastProbeTime`, `lastTransitionTime`, `reason`, `message`).
public typealias JobCondition = PodCondition
