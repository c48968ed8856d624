import Foundation
import KubeCore
import SourceBuild

/// From repository to image (pure; docs/source-builds.md is the user's side of it): which source Job to create next, which old ones to delete, what
/// `status.source`, `status.analysis` and `status.build` say, and the image to deploy once built.
///
/// Steps, each a Job in the build namespace (names from ``AppDeploymentSourcePlanInput/names``;
/// a Job is never changed: a different one is a different name):
/// 1. The spec's source (url, ref, sub-path) has no commit in `status.source` (first time, or the spec
///    names another source): the analyse Job (target: the spec's commit, else the ref). Its
///    report gives `status.source.commit`, `status.analysis`, and `polledAt` = now.
/// 2. Following a branch (or the default branch), `spec.source.follow`: time is cut into slots of
///    the interval (`unix time / interval`); when `now` is in a later slot than `polledAt`, the
///    poll Job of the current slot runs; its result sets `polledAt` = now. A commit other than
///    `status.source.commit` (read from the poll Job of `polledAt`'s slot) is analysed by an
///    analyse Job targeting that commit; its report moves `status.source.commit` and
///    `status.analysis` to it. A failed poll waits for the next slot.
/// 3. The build Job of (`status.source.commit`, analysis, build settings): its digest gives
///    `status.build.digest` and the image to deploy, `<repository>:<commit>` pinned to the digest
///    (``image``). A stored build of the same commit and Job with a digest is kept as is.
///
/// Failures (analyse or build Job failed): `status.build` phase `Failed` with the Job's reason
/// and message, `Built` False with that reason; phase `Failed` when nothing is served
/// (``AppDeploymentSourcePlanInput/serving``), else the served revision goes on and the phase is
/// the deploy flow's. A failed step is not retried until what it depends on changes (a new spec,
/// a new commit). While analysing or building with nothing served, the phase is `Analyzing` /
/// `Building`; with a revision served, the deploy flow's.
///
/// Old Jobs: finished Jobs beyond the newest ``keptJobsPerStep`` of each step are deleted (never
/// one the plan reads now); Jobs of older specs are left to finish and go the same way.
public struct AppDeploymentSourcePlan: Sendable {
    /// A Job to create (with its ConfigMap and Secret copies, rendered by
    /// ``AppDeploymentBuildObjects``).
    public enum Creation: Sendable, Equatable {
        /// Analyse at `targetCommit` (`nil`: what the ref resolves to).
        case analyze(name: String, targetCommit: String?)
        /// Resolve the ref (`--resolve-only`).
        case poll(name: String, slot: Int64)
        /// Build `commit` with its analysis.
        case build(name: String, commit: String, analysis: SourceAnalysis?)

        public var name: String {
            switch self {
            case .analyze(let name, _), .poll(let name, _), .build(let name, _, _): name
            }
        }
    }

    /// The built image: `<repository>:<commit>` and its digest.
    public struct Image: Sendable, Equatable {
        /// `<repository>:<commit>` (the history entry's `image`).
        public var reference: String
        public var digest: String
        public var commit: String
        /// `<repository>@<digest>`: what the pods run.
        public var pinned: String
    }

    /// The `Built` condition.
    public struct Built: Sendable, Equatable {
        public var status: Bool
        public var reason: String
        public var message: String
    }

    /// Why the plan cannot go on (`Stalled`): no build namespace, no output repository.
    public var problem: AppDeploymentProblem?
    /// The Jobs to create now (create-only POST), in order.
    public var create: [Creation] = []
    /// Why the last poll failed (the next slot retries); `nil` otherwise.
    public var pollFailure: String?
    /// Finished Jobs to delete (keep-newest rule).
    public var delete: [String] = []
    public var source: AppDeploymentSourceStatus?
    public var analysis: SourceAnalysis?
    public var build: AppDeploymentBuildStatus?
    /// The image to deploy; `nil` until the spec's commit is built (the served revision goes on).
    public var image: Image?
    /// `Analyzing`, `Building` or `Failed` while nothing is served; `nil`: the deploy flow's.
    public var phase: AppDeploymentStatus.Phase?
    public var built: Built?
    /// When the next poll is due (follow); `nil` without follow.
    public var nextPoll: Date?

    /// Finished Jobs kept per step: 3.
    public static let keptJobsPerStep = 3

    /// The output repository: `spec.build.output.repository`, else the Tenant's
    /// `builds.repositoryPrefix` + `/` + the app's name; `nil` when neither is set.
    public static func repository(output: String?, prefix: String?, name: String) -> String? {
        if let output, !output.isEmpty { return output }
        guard let prefix, !prefix.isEmpty else { return nil }
        return (prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix) + "/" + name
    }

    /// The container port of a source build: `spec.build.port`, else the analysis's port, else
    /// `spec.port`. The generated Dockerfile (`ENV PORT`, `EXPOSE`) and the pods, probes and
    /// Service use the same.
    public static func port(build: Int?, analysis: SourceAnalysis?, spec: Int) -> Int {
        build ?? analysis?.port ?? spec
    }

    /// The slot of `date` for `interval` seconds: `floor(unix time / interval)`.
    public static func slot(_ date: Date, interval: Int) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(max(interval, 1))).rounded(.down))
    }

    public static func plan(_ input: AppDeploymentSourcePlanInput) -> AppDeploymentSourcePlan {
        var plan = AppDeploymentSourcePlan()
        var inUse: Set<String> = []
        steps(input, into: &plan, inUse: &inUse)
        if plan.problem == nil { plan.delete = expired(input.jobs, keeping: inUse) }
        return plan
    }

    /// The steps; `inUse` collects the Jobs read or wanted now (never deleted).
    private static func steps(
        _ input: AppDeploymentSourcePlanInput, into plan: inout AppDeploymentSourcePlan, inUse: inout Set<String>
    ) {
        let namespace: String
        switch input.buildNamespace {
        case .unavailable(let why):
            plan.problem = AppDeploymentProblem(reason: .noBuildNamespace, message: why)
            return
        case .ready(let name):
            namespace = name
        }
        guard let repository = input.repository else {
            plan.problem = AppDeploymentProblem(
                reason: .invalidSpec,
                message: "spec.build.output.repository is not set and the Tenant has no spec.builds.repositoryPrefix")
            return
        }
        let now = input.now
        let stamp = APITimestamp.time(now)

        func fail(_ job: AppDeploymentSourcePlanInput.ObservedJob, commit: String?, reason: String, message: String) {
            plan.build = AppDeploymentBuildStatus(
                commit: commit, image: commit.map { "\(repository):\($0)" }, namespace: namespace, job: job.name,
                phase: .failed, startTime: job.startTime, completionTime: job.completionTime, reason: reason,
                message: message)
            plan.built = Built(status: false, reason: reason, message: message)
            plan.phase = input.serving ? nil : .failed
        }
        func waiting(_ phase: AppDeploymentStatus.Phase, reason: String, message: String) {
            plan.built = Built(status: false, reason: reason, message: message)
            plan.phase = input.serving ? nil : phase
        }

        // 1. The commit of the spec's source.
        var source = input.storedSource.flatMap {
            $0.url == input.url && $0.ref == input.refText && ($0.subPath ?? "") == input.subPath ? $0 : nil
        }
        var analysis = source?.commit == nil ? nil : input.storedAnalysis
        plan.build = source == nil ? nil : input.storedBuild
        if source?.commit == nil {
            let target: String? = if case .commit(let c) = input.ref { c } else { nil }
            let name = input.names.analyze(target)
            inUse.insert(name)
            let described = "\(input.url) (\(input.refText))"
            switch input.job(name)?.outcome {
            case nil:
                plan.create.append(.analyze(name: name, targetCommit: target))
                waiting(.analyzing, reason: "Analyzing", message: "analysing \(described)")
                return
            case .pending, .running, .built:
                waiting(.analyzing, reason: "Analyzing", message: "analysing \(described)")
                return
            case .failed(let reason, let message):
                if let job = input.job(name) { fail(job, commit: target, reason: reason, message: message) }
                return
            case .reported(let report):
                source = AppDeploymentSourceStatus(
                    url: input.url, ref: input.refText, subPath: input.subPath.isEmpty ? nil : input.subPath,
                    commit: report.commit, polledAt: stamp)
                analysis = report.analysis
            }
        }
        guard var current = source, var commit = current.commit else { return }

        // 2. Following: the poll of the current slot; a new commit is analysed.
        if let interval = input.followInterval, input.ref.isMoving {
            let polledAt = current.polledAt.flatMap(APITimestamp.parse) ?? .distantPast
            let polledSlot = Self.slot(polledAt, interval: interval)
            let nowSlot = Self.slot(now, interval: interval)
            var newCommit: String?
            if nowSlot > polledSlot {
                let name = input.names.poll(nowSlot)
                inUse.insert(name)
                switch input.job(name)?.outcome {
                case nil:
                    plan.create.append(.poll(name: name, slot: nowSlot))
                case .pending, .running, .built:
                    break
                case .reported(let report):
                    current.polledAt = stamp
                    if report.commit != commit { newCommit = report.commit }
                case .failed(_, let message):
                    current.polledAt = stamp
                    plan.pollFailure = message
                }
            } else {
                let name = input.names.poll(polledSlot)
                if case .reported(let report)? = input.job(name)?.outcome, report.commit != commit {
                    inUse.insert(name)
                    newCommit = report.commit
                }
            }
            let nextSlot = Self.slot(current.polledAt.flatMap(APITimestamp.parse) ?? now, interval: interval) + 1
            plan.nextPoll = Date(timeIntervalSince1970: Double(nextSlot) * Double(interval))

            if let newCommit {
                let name = input.names.analyze(newCommit)
                inUse.insert(name)
                switch input.job(name)?.outcome {
                case nil:
                    plan.create.append(.analyze(name: name, targetCommit: newCommit))
                case .pending, .running, .built:
                    break
                case .failed(let reason, let message):
                    plan.source = current
                    plan.analysis = analysis
                    if let job = input.job(name) { fail(job, commit: newCommit, reason: reason, message: message) }
                    return
                case .reported(let report):
                    commit = report.commit
                    current.commit = report.commit
                    analysis = report.analysis
                }
            }
        }
        plan.source = current
        plan.analysis = analysis

        // 3. The build of the commit.
        let name = input.names.build(commit, analysis)
        inUse.insert(name)
        let reference = "\(repository):\(commit)"
        func image(_ digest: String) -> Image {
            Image(reference: reference, digest: digest, commit: commit, pinned: "\(repository)@\(digest)")
        }
        if let stored = plan.build, stored.commit == commit, stored.job == name, stored.phase == .succeeded,
            let digest = stored.digest
        {
            plan.image = image(digest)
            plan.built = Built(status: true, reason: "Succeeded", message: "built \(reference) (\(digest))")
            return
        }
        let job = input.job(name)
        var build = AppDeploymentBuildStatus(
            commit: commit, image: reference, namespace: namespace, job: name, phase: .pending,
            startTime: job?.startTime, completionTime: job?.completionTime)
        switch job?.outcome {
        case nil:
            plan.create.append(.build(name: name, commit: commit, analysis: analysis))
            plan.build = build
            waiting(.building, reason: "Building", message: "building \(reference)")
        case .pending, .reported:
            plan.build = build
            waiting(.building, reason: "Building", message: "building \(reference)")
        case .running:
            build.phase = .running
            plan.build = build
            waiting(.building, reason: "Building", message: "building \(reference)")
        case .built(let digest):
            build.phase = .succeeded
            build.digest = digest
            plan.build = build
            plan.image = image(digest)
            plan.built = Built(status: true, reason: "Succeeded", message: "built \(reference) (\(digest))")
        case .failed(let reason, let message):
            if let job { fail(job, commit: commit, reason: reason, message: message) }
        }
        return
    }

    /// Finished Jobs past the newest ``keptJobsPerStep`` of their step, except those in `keeping`.
    static func expired(_ jobs: [AppDeploymentSourcePlanInput.ObservedJob], keeping: Set<String>) -> [String] {
        var out: [String] = []
        for step in AppDeploymentSourcePlanInput.Step.allCases {
            let finished = jobs.filter { $0.step == step && $0.outcome.isFinished }
                .sorted { ($0.created ?? .distantPast, $0.name) > ($1.created ?? .distantPast, $1.name) }
            out += finished.dropFirst(keptJobsPerStep).map(\.name).filter { !keeping.contains($0) }
        }
        return out.sorted()
    }
}
