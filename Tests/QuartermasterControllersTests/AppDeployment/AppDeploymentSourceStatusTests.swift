import Foundation
import KubeCore
import SourceBuild
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentStatusComputation` for source builds: the source plan's phase, `Built`,
/// `status.source`/`analysis`/`build`, and the built image with its commit in the history.
@Suite struct AppDeploymentSourceStatusTests {
    typealias Input = AppDeploymentSourcePlanInput
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let commit = String(repeating: "c", count: 40)
    static let digest = "sha256:" + String(repeating: "d", count: 64)
    static let repo = "registry.example.com/acme/web"
    static let names = Input.StepNames(
        analyze: { _ in "web-analyze" }, poll: { "web-poll-\($0)" }, build: { _, _ in "web-build" })

    static func app(status: AppDeploymentStatus? = nil) -> AppDeployment {
        var spec = AppDeploymentSpec()
        spec.source = AppDeploymentSpec.Source(git: AppDeploymentSpec.Git(url: "https://git.example.com/web.git", branch: "main"))
        var app = AppDeployment(metadata: ObjectMeta(name: "web", namespace: "acme"), spec: spec, status: status)
        app.metadata.generation = 2
        return app
    }

    static func plan(_ jobs: [Input.ObservedJob], source: AppDeploymentSourceStatus? = nil) -> AppDeploymentSourcePlan {
        AppDeploymentSourcePlan.plan(
            Input(
                url: "https://git.example.com/web.git", ref: .branch("main"), repository: repo, buildNamespace: .ready("acme-build"),
                storedSource: source, storedAnalysis: source == nil ? nil : SourceAnalysis(language: .go), jobs: jobs,
                names: names, now: now))
    }

    static func condition(_ status: AppDeploymentStatus, _ type: String) -> String? {
        status.conditions?.first { $0.type == type }.map { "\($0.status.rawValue) \($0.reason ?? "")" }
    }

    @Test func analysingIsAnalyzingWithBuiltFalse() {
        let source = Self.plan([])
        let status = AppDeploymentStatusComputation.compute(
            AppDeploymentStatusInput(deployment: Self.app(), source: source), now: Self.now)
        #expect(status.phase == .analyzing)
        #expect(Self.condition(status, "Built") == "False Analyzing")
        #expect(Self.condition(status, "Ready") == "False Analyzing")
        #expect(Self.condition(status, "Reconciling") == "True Analyzing")
        #expect(status.image == nil)
        #expect(status.source == nil)
    }

    @Test func buildingShowsTheSourceAnalysisAndBuild() {
        let source = Self.plan(
            [.init(name: "web-analyze", step: .analyze, outcome: .reported(SourceReport(commit: Self.commit, analysis: .init(language: .go))))])
        let status = AppDeploymentStatusComputation.compute(
            AppDeploymentStatusInput(deployment: Self.app(), source: source), now: Self.now)
        #expect(status.phase == .building)
        #expect(status.source?.commit == Self.commit)
        #expect(status.source?.ref == "branch main")
        #expect(status.analysis?.language == .go)
        #expect(status.build?.phase == .pending)
        #expect(status.build?.job == "web-build")
        #expect(status.build?.namespace == "acme-build")
        #expect(status.build?.image == "\(Self.repo):\(Self.commit)")
    }

    @Test func aFailedBuildIsFailedWithItsReason() {
        let resolved = AppDeploymentSourceStatus(
            url: "https://git.example.com/web.git", ref: "branch main", commit: Self.commit, polledAt: APITimestamp.time(Self.now))
        let source = Self.plan(
            [.init(name: "web-build", step: .build, outcome: .failed(reason: "BuildFailed", message: "exit status 1"))], source: resolved)
        let status = AppDeploymentStatusComputation.compute(
            AppDeploymentStatusInput(deployment: Self.app(), source: source), now: Self.now)
        #expect(status.phase == .failed)
        #expect(status.build?.reason == .buildFailed)
        #expect(status.build?.message == "exit status 1")
        #expect(Self.condition(status, "Built") == "False BuildFailed")
        #expect(Self.condition(status, "Reconciling") == "False Failed")
        #expect(Self.condition(status, "Stalled") == "False NoProblems")
    }

    @Test func aBuiltImageIsTheReferenceWithItsDigest() {
        let resolved = AppDeploymentSourceStatus(
            url: "https://git.example.com/web.git", ref: "branch main", commit: Self.commit, polledAt: APITimestamp.time(Self.now))
        let source = Self.plan([.init(name: "web-build", step: .build, outcome: .built(digest: Self.digest))], source: resolved)
        let status = AppDeploymentStatusComputation.compute(
            AppDeploymentStatusInput(
                deployment: Self.app(), digest: Self.digest, imageReference: source.image?.reference, source: source),
            now: Self.now)
        #expect(status.image == AppDeploymentStatus.Image(reference: "\(Self.repo):\(Self.commit)", digest: Self.digest))
        #expect(status.build?.digest == Self.digest)
        #expect(Self.condition(status, "Built") == "True Succeeded")
        #expect(status.phase == .queued, "no revision plan yet: the deploy flow's phase")
    }

    @Test func noBuildNamespaceIsStalled() {
        let source = AppDeploymentSourcePlan.plan(
            Input(
                url: "https://git.example.com/web.git", ref: .branch("main"), repository: Self.repo,
                buildNamespace: .unavailable("no Tenant owns namespace acme"), names: Self.names, now: Self.now))
        let problem = try? #require(source.problem)
        let status = AppDeploymentStatusComputation.compute(
            AppDeploymentStatusInput(deployment: Self.app(), problems: problem.map { [$0] } ?? [], source: source), now: Self.now)
        #expect(Self.condition(status, "Stalled") == "True NoBuildNamespace")
        #expect(Self.condition(status, "Built") == nil)
    }

    @Test func anImageDeployHasNoBuiltCondition() {
        var app = Self.app()
        app.spec.source = nil
        app.spec.image = "ghcr.io/acme/web@\(Self.digest)"
        app.status = AppDeploymentStatus(conditions: [Condition(type: "Built", status: .true, reason: "Succeeded", message: "")])
        let status = AppDeploymentStatusComputation.compute(AppDeploymentStatusInput(deployment: app, digest: Self.digest), now: Self.now)
        #expect(Self.condition(status, "Built") == nil)
        #expect(status.image?.reference == "ghcr.io/acme/web@\(Self.digest)")
    }

    @Test func aSourceRevisionRecordsItsCommit() {
        let plan = AppDeploymentRevisionPlan.plan(
            spec: Self.app().spec, status: nil, image: "\(Self.repo):\(Self.commit)", commit: Self.commit, digest: Self.digest,
            templateHash: "1111111111111111", rollout: nil, now: Self.now)
        #expect(plan.history.last?.commit == Self.commit)
        #expect(plan.history.last?.image == "\(Self.repo):\(Self.commit)")
        #expect(plan.image == "\(Self.repo)@\(Self.digest)")
    }
}
