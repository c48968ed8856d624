import Foundation
import SourceBuild

/// Everything ``AppDeploymentSourcePlan`` reads, gathered by the reconciler from the spec, the
/// stored status, the namespace's Tenant and the build caches. No I/O happens past this point.
public struct AppDeploymentSourcePlanInput: Sendable {
    /// The git reference the spec names (one type with the build objects': its
    /// ``AppDeploymentBuildInput/Reference/statusText`` is `status.source.ref`).
    public typealias Ref = AppDeploymentBuildInput.Reference

    /// Where the build Jobs run.
    public enum BuildNamespace: Sendable, Equatable {
        /// The Tenant's `status.buildNamespace`.
        case ready(String)
        /// No Tenant, builds disabled, or not created yet: why (`Stalled` `NoBuildNamespace`).
        case unavailable(String)
    }

    /// Which source step a Job runs (its `quartermaster.dev/build-step` label).
    public enum Step: String, Sendable, Equatable, CaseIterable {
        case analyze, build, poll
    }

    /// One Job of this app in the build namespace, condensed from the Job and its pod's
    /// termination message.
    public struct ObservedJob: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            /// Created; no pod has started.
            case pending
            /// A pod runs.
            case running
            /// An analyse or poll step finished: its report.
            case reported(SourceReport)
            /// The build finished: `sha256:<64 hex>`.
            case built(digest: String)
            /// It failed: the reason (`AnalysisFailed`, `CloneFailed`, `BuildFailed`, `PushFailed`,
            /// `DeadlineExceeded`, `DigestMissing`) and a message (≤ 1024 chars, no credentials).
            case failed(reason: String, message: String)

            /// No pod will run any more.
            public var isFinished: Bool {
                switch self {
                case .pending, .running: false
                case .reported, .built, .failed: true
                }
            }
        }

        public var name: String
        public var step: Step
        public var outcome: Outcome
        /// `metadata.creationTimestamp`; orders Jobs of one step (oldest first when missing).
        public var created: Date?
        /// The Job's `status.startTime` / `completionTime`, RFC3339.
        public var startTime: String?
        public var completionTime: String?

        public init(
            name: String, step: Step, outcome: Outcome, created: Date? = nil, startTime: String? = nil,
            completionTime: String? = nil
        ) {
            self.name = name
            self.step = step
            self.outcome = outcome
            self.created = created
            self.startTime = startTime
            self.completionTime = completionTime
        }
    }

    /// The Job names of the steps (``AppDeploymentBuildObjects``' names, which hash what the
    /// step depends on: a different Job is a different name).
    public struct StepNames: Sendable {
        /// The analyse Job for a target commit (`nil`: the ref as the remote resolves it).
        public var analyze: @Sendable (_ targetCommit: String?) -> String
        /// The poll Job of a time slot (`unix time / interval`).
        public var poll: @Sendable (_ slot: Int64) -> String
        /// The build Job of a commit with its analysis.
        public var build: @Sendable (_ commit: String, _ analysis: SourceAnalysis?) -> String

        public init(
            analyze: @escaping @Sendable (String?) -> String, poll: @escaping @Sendable (Int64) -> String,
            build: @escaping @Sendable (String, SourceAnalysis?) -> String
        ) {
            self.analyze = analyze
            self.poll = poll
            self.build = build
        }
    }

    /// `spec.source.git.url`.
    public var url: String
    public var ref: Ref
    /// `status.source.ref` for the spec's ref (compared with the stored one: another ref starts
    /// over). Default ``Ref/text``.
    public var refText: String
    /// `spec.source.git.subPath` ("" for the repository's root): another sub-path starts over,
    /// as another url or ref does.
    public var subPath: String = ""
    /// `spec.source.follow.intervalSeconds` when following (only meaningful for a moving ref).
    public var followInterval: Int?
    /// The output repository (``AppDeploymentSourcePlan/repository(output:prefix:name:)``);
    /// `nil`: none configured (`Stalled` `InvalidSpec`).
    public var repository: String?
    public var buildNamespace: BuildNamespace
    /// The stored `status.source`, `status.analysis`, `status.build`.
    public var storedSource: AppDeploymentSourceStatus?
    public var storedAnalysis: SourceAnalysis?
    public var storedBuild: AppDeploymentBuildStatus?
    /// A revision is served (`status.revision` with its history entry): failures and new
    /// commits then leave the phase to the serving revision.
    public var serving: Bool
    /// This app's Jobs in the build namespace (every step, every spec).
    public var jobs: [ObservedJob]
    public var names: StepNames
    public var now: Date

    public init(
        url: String, ref: Ref, refText: String? = nil, followInterval: Int? = nil, repository: String?, buildNamespace: BuildNamespace,
        storedSource: AppDeploymentSourceStatus? = nil, storedAnalysis: SourceAnalysis? = nil,
        storedBuild: AppDeploymentBuildStatus? = nil, serving: Bool = false, jobs: [ObservedJob] = [],
        names: StepNames, now: Date
    ) {
        self.url = url
        self.ref = ref
        self.refText = refText ?? ref.statusText
        self.followInterval = followInterval
        self.repository = repository
        self.buildNamespace = buildNamespace
        self.storedSource = storedSource
        self.storedAnalysis = storedAnalysis
        self.storedBuild = storedBuild
        self.serving = serving
        self.jobs = jobs
        self.names = names
        self.now = now
    }

    /// The observed Job named `name`.
    func job(_ name: String) -> ObservedJob? { jobs.first { $0.name == name } }
}
