import Foundation
import KubeCore
import SourceBuild
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentSourcePlan`: the analyse → build → deploy steps, failures, following a branch
/// and the keep-newest rule, as tables of stored status + observed Jobs.
@Suite struct AppDeploymentSourcePlanTests {
    typealias Input = AppDeploymentSourcePlanInput
    typealias Job = Input.ObservedJob
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // slot 6_000_000 of 300 s
    static let c1 = String(repeating: "1", count: 40), c2 = String(repeating: "2", count: 40)
    static let digest1 = "sha256:" + String(repeating: "a", count: 64)
    static let digest2 = "sha256:" + String(repeating: "b", count: 64)
    static let url = "https://git.example.com/acme/web.git"
    static let repo = "registry.example.com/acme/web"
    static let node = SourceAnalysis(language: .node, startCommand: "node server.js", port: 3000)
    static let names = Input.StepNames(
        analyze: { "web-analyze-\($0.map { String($0.prefix(4)) } ?? "ref")" },
        poll: { "web-poll-\($0)" },
        build: { commit, analysis in "web-build-\(commit.prefix(4))-\(analysis?.port ?? 0)" })

    static func input(
        ref: Input.Ref = .branch("main"), follow: Int? = nil, source: AppDeploymentSourceStatus? = nil,
        analysis: SourceAnalysis? = nil, build: AppDeploymentBuildStatus? = nil, serving: Bool = false,
        jobs: [Job] = [], now: Date = now, namespace: Input.BuildNamespace = .ready("acme-build"),
        repository: String? = repo
    ) -> Input {
        Input(
            url: url, ref: ref, followInterval: follow, repository: repository, buildNamespace: namespace,
            storedSource: source, storedAnalysis: analysis, storedBuild: build, serving: serving, jobs: jobs,
            names: names, now: now)
    }

    static func resolved(_ commit: String = c1, polledAt: Date = now, ref: String = "branch main") -> AppDeploymentSourceStatus {
        AppDeploymentSourceStatus(url: url, ref: ref, commit: commit, polledAt: APITimestamp.time(polledAt))
    }

    static func built(_ commit: String = c1, digest: String = digest1) -> AppDeploymentBuildStatus {
        AppDeploymentBuildStatus(
            commit: commit, image: "\(repo):\(commit)", digest: digest, namespace: "acme-build",
            job: "web-build-\(commit.prefix(4))-3000", phase: .succeeded)
    }

    static func job(_ name: String, _ step: Input.Step, _ outcome: Job.Outcome, age: Double = 0) -> Job {
        Job(name: name, step: step, outcome: outcome, created: now.addingTimeInterval(-age))
    }

    // MARK: - Preconditions

    @Test func withoutABuildNamespaceTheAppIsStalledAndNothingIsCreated() {
        let plan = AppDeploymentSourcePlan.plan(Self.input(namespace: .unavailable("no Tenant owns namespace acme")))
        #expect(plan.problem?.reason == .noBuildNamespace)
        #expect(plan.problem?.message == "no Tenant owns namespace acme")
        #expect(plan.create.isEmpty)
        #expect(plan.image == nil)
    }

    @Test func withoutAnOutputRepositoryTheSpecIsInvalid() {
        let plan = AppDeploymentSourcePlan.plan(Self.input(repository: nil))
        #expect(plan.problem?.reason == .invalidSpec)
        #expect(plan.create.isEmpty)
    }

    @Test(arguments: [
        (nil as String?, "acme.example/team" as String?, "acme.example/team/web" as String?),
        ("r.example/x", "acme.example/team", "r.example/x"),
        (nil, "acme.example/team/", "acme.example/team/web"),
        (nil, nil, nil),
        ("", "", nil),
    ])
    func theRepositoryIsTheOutputElseThePrefixAndName(output: String?, prefix: String?, expected: String?) {
        #expect(AppDeploymentSourcePlan.repository(output: output, prefix: prefix, name: "web") == expected)
    }

    // MARK: - Analyse

    @Test func aNewSourceIsAnalysedFirst() {
        let plan = AppDeploymentSourcePlan.plan(Self.input())
        #expect(plan.create == [.analyze(name: "web-analyze-ref", targetCommit: nil)])
        #expect(plan.phase == .analyzing)
        #expect(plan.built?.status == false && plan.built?.reason == "Analyzing")
        #expect(plan.source == nil && plan.image == nil)
    }

    @Test func aCommitRefIsAnalysedAtThatCommit() {
        let plan = AppDeploymentSourcePlan.plan(Self.input(ref: .commit(Self.c2)))
        #expect(plan.create == [.analyze(name: "web-analyze-2222", targetCommit: Self.c2)])
    }

    @Test func aRunningAnalysisCreatesNothing() {
        let plan = AppDeploymentSourcePlan.plan(Self.input(jobs: [Self.job("web-analyze-ref", .analyze, .running)]))
        #expect(plan.create.isEmpty)
        #expect(plan.phase == .analyzing)
    }

    @Test func theAnalysisReportGivesTheCommitAndAnalysisAndTheBuildStarts() {
        let report = SourceReport(commit: Self.c1, analysis: Self.node)
        let plan = AppDeploymentSourcePlan.plan(Self.input(jobs: [Self.job("web-analyze-ref", .analyze, .reported(report))]))
        #expect(plan.source == Self.resolved())
        #expect(plan.analysis == Self.node)
        #expect(plan.create == [.build(name: "web-build-1111-3000", commit: Self.c1, analysis: Self.node)])
        #expect(plan.build?.phase == .pending)
        #expect(plan.build?.image == "\(Self.repo):\(Self.c1)")
        #expect(plan.build?.namespace == "acme-build")
        #expect(plan.phase == .building)
        #expect(plan.image == nil)
    }

    @Test(arguments: ["AnalysisFailed", "CloneFailed", "DeadlineExceeded"])
    func aFailedAnalysisIsFailedWithItsReasonWhenNothingIsServed(reason: String) {
        let failed = Self.job("web-analyze-ref", .analyze, .failed(reason: reason, message: "fatal: repository not found"))
        let plan = AppDeploymentSourcePlan.plan(Self.input(jobs: [failed]))
        #expect(plan.phase == .failed)
        #expect(plan.build?.phase == .failed)
        #expect(plan.build?.reason == reason)
        #expect(plan.build?.message == "fatal: repository not found")
        #expect(plan.build?.job == "web-analyze-ref")
        #expect(plan.built == .init(status: false, reason: reason, message: "fatal: repository not found"))
        #expect(plan.create.isEmpty, "a failed step is not retried until what it depends on changes")
    }

    @Test func aSourceChangedInTheSpecStartsOver() {
        let stored = Self.resolved(ref: "branch old")
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(source: stored, analysis: Self.node, build: Self.built(), serving: true))
        #expect(plan.create == [.analyze(name: "web-analyze-ref", targetCommit: nil)])
        #expect(plan.image == nil)
        #expect(plan.phase == nil, "a served revision goes on: the phase is the deploy flow's")
        #expect(plan.built?.reason == "Analyzing")
    }

    @Test func anotherSubPathStartsOverAndTheAnalysisRecordsIt() {
        var input = Self.input(source: Self.resolved(), analysis: Self.node, build: Self.built(), serving: true)
        input.subPath = "apps/web"
        let plan = AppDeploymentSourcePlan.plan(input)
        #expect(plan.create == [.analyze(name: "web-analyze-ref", targetCommit: nil)], "the root's analysis says nothing of apps/web")
        #expect(plan.image == nil)

        let report = SourceReport(commit: Self.c1, analysis: Self.node)
        input.jobs = [Job(name: "web-analyze-ref", step: .analyze, outcome: .reported(report))]
        let analysed = AppDeploymentSourcePlan.plan(input)
        #expect(analysed.source?.subPath == "apps/web")
        input.storedSource = analysed.source
        input.jobs = []
        #expect(AppDeploymentSourcePlan.plan(input).create.allSatisfy { if case .analyze = $0 { false } else { true } })
    }

    // MARK: - Build

    @Test func aRunningBuildIsBuilding() {
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(
                source: Self.resolved(), analysis: Self.node,
                jobs: [Job(name: "web-build-1111-3000", step: .build, outcome: .running, startTime: "2027-01-15T08:00:00Z")]))
        #expect(plan.create.isEmpty)
        #expect(plan.build?.phase == .running)
        #expect(plan.build?.startTime == "2027-01-15T08:00:00Z")
        #expect(plan.phase == .building)
    }

    @Test func theBuiltDigestIsTheImageToDeploy() {
        let done = Job(
            name: "web-build-1111-3000", step: .build, outcome: .built(digest: Self.digest1),
            startTime: "2027-01-15T08:00:00Z", completionTime: "2027-01-15T08:03:00Z")
        let plan = AppDeploymentSourcePlan.plan(Self.input(source: Self.resolved(), analysis: Self.node, jobs: [done]))
        #expect(plan.image?.reference == "\(Self.repo):\(Self.c1)")
        #expect(plan.image?.pinned == "\(Self.repo)@\(Self.digest1)")
        #expect(plan.image?.commit == Self.c1)
        #expect(plan.build?.phase == .succeeded)
        #expect(plan.build?.digest == Self.digest1)
        #expect(plan.build?.completionTime == "2027-01-15T08:03:00Z")
        #expect(plan.built?.status == true && plan.built?.reason == "Succeeded")
        #expect(plan.phase == nil)
        #expect(plan.create.isEmpty)
    }

    @Test func aStoredBuildIsKeptWithoutItsJob() {
        let plan = AppDeploymentSourcePlan.plan(Self.input(source: Self.resolved(), analysis: Self.node, build: Self.built()))
        #expect(plan.create.isEmpty)
        #expect(plan.build == Self.built())
        #expect(plan.image?.digest == Self.digest1)
        #expect(plan.source == Self.resolved())
    }

    @Test func otherBuildSettingsAreANewBuild() {
        // The stored build is of another Job (another Dockerfile, builder or image): built again.
        var stored = Self.built()
        stored.job = "web-build-1111-other"
        let plan = AppDeploymentSourcePlan.plan(Self.input(source: Self.resolved(), analysis: Self.node, build: stored))
        #expect(plan.create == [.build(name: "web-build-1111-3000", commit: Self.c1, analysis: Self.node)])
        #expect(plan.image == nil)
    }

    @Test func aFailedBuildWithNothingServedIsFailed() {
        let failed = Self.job("web-build-1111-3000", .build, .failed(reason: "BuildFailed", message: "npm ERR! missing script: build"))
        let plan = AppDeploymentSourcePlan.plan(Self.input(source: Self.resolved(), analysis: Self.node, jobs: [failed]))
        #expect(plan.phase == .failed)
        #expect(plan.build?.phase == .failed && plan.build?.reason == "BuildFailed")
        #expect(plan.build?.commit == Self.c1)
        #expect(plan.built?.status == false && plan.built?.reason == "BuildFailed")
        #expect(plan.create.isEmpty)
        #expect(plan.image == nil)
    }

    @Test func aFailedBuildWithARevisionServedLeavesThePhaseToIt() {
        let failed = Self.job("web-build-1111-3000", .build, .failed(reason: "PushFailed", message: "UNAUTHORIZED"))
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(source: Self.resolved(), analysis: Self.node, serving: true, jobs: [failed]))
        #expect(plan.phase == nil)
        #expect(plan.built?.reason == "PushFailed")
        #expect(plan.image == nil)
    }

    // MARK: - Follow

    @Test func aPollIsDueInALaterSlot() {
        let interval = 300
        let earlier = Self.now.addingTimeInterval(-Double(interval))
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(follow: interval, source: Self.resolved(polledAt: earlier), analysis: Self.node, build: Self.built()))
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: interval)
        #expect(plan.create == [.poll(name: "web-poll-\(slot)", slot: slot)])
        #expect(plan.image?.digest == Self.digest1, "the built image stays deployed while polling")
    }

    @Test func noPollInTheSameSlotAndTheNextIsAtTheSlotsEnd() {
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(follow: 300, source: Self.resolved(), analysis: Self.node, build: Self.built()))
        #expect(plan.create.isEmpty)
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        #expect(plan.nextPoll == Date(timeIntervalSince1970: Double(slot + 1) * 300))
        #expect(plan.source == Self.resolved())
    }

    @Test(arguments: [Input.Ref.tag("v1"), .commit(c1)])
    func fixedRefsAreNeverPolled(ref: Input.Ref) {
        let source = Self.resolved(polledAt: Self.now.addingTimeInterval(-10_000), ref: ref.statusText)
        let plan = AppDeploymentSourcePlan.plan(Self.input(ref: ref, follow: 300, source: source, analysis: Self.node, build: Self.built()))
        #expect(plan.create.isEmpty)
        #expect(plan.nextPoll == nil)
    }

    @Test func theSameCommitOnlyMovesPolledAt() {
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        let poll = Self.job("web-poll-\(slot)", .poll, .reported(SourceReport(commit: Self.c1)))
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(
                follow: 300, source: Self.resolved(polledAt: Self.now.addingTimeInterval(-300)), analysis: Self.node,
                build: Self.built(), jobs: [poll]))
        #expect(plan.source?.polledAt == APITimestamp.time(Self.now))
        #expect(plan.source?.commit == Self.c1)
        #expect(plan.create.isEmpty)
        #expect(plan.image?.digest == Self.digest1)
    }

    @Test func aNewCommitIsAnalysedWhileTheBuiltOneStaysDeployed() {
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        let poll = Self.job("web-poll-\(slot)", .poll, .reported(SourceReport(commit: Self.c2)))
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(
                follow: 300, source: Self.resolved(polledAt: Self.now.addingTimeInterval(-300)), analysis: Self.node,
                build: Self.built(), serving: true, jobs: [poll]))
        #expect(plan.create == [.analyze(name: "web-analyze-2222", targetCommit: Self.c2)])
        #expect(plan.source?.commit == Self.c1)
        #expect(plan.source?.polledAt == APITimestamp.time(Self.now))
        #expect(plan.image?.commit == Self.c1)
    }

    @Test func theNewCommitsPollIsReadAgainInItsSlotUntilAnalysed() {
        // polledAt is in the poll's slot: the poll of that slot still names the new commit.
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        let poll = Self.job("web-poll-\(slot)", .poll, .reported(SourceReport(commit: Self.c2)))
        let analysing = Self.job("web-analyze-2222", .analyze, .running)
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(
                follow: 300, source: Self.resolved(), analysis: Self.node, build: Self.built(), serving: true,
                jobs: [poll, analysing]))
        #expect(plan.create.isEmpty)
        #expect(plan.image?.commit == Self.c1)
        #expect(plan.phase == nil)
    }

    @Test func theNewCommitsAnalysisMovesTheSourceAndBuildsIt() {
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        let analysis2 = SourceAnalysis(language: .node, startCommand: "node app.js", port: 4000)
        let jobs = [
            Self.job("web-poll-\(slot)", .poll, .reported(SourceReport(commit: Self.c2))),
            Self.job("web-analyze-2222", .analyze, .reported(SourceReport(commit: Self.c2, analysis: analysis2))),
        ]
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(follow: 300, source: Self.resolved(), analysis: Self.node, build: Self.built(), serving: true, jobs: jobs))
        #expect(plan.source?.commit == Self.c2)
        #expect(plan.analysis == analysis2)
        #expect(plan.create == [.build(name: "web-build-2222-4000", commit: Self.c2, analysis: analysis2)])
        #expect(plan.image == nil, "the served revision goes on until the new commit is built")
        #expect(plan.phase == nil)
        #expect(plan.built?.reason == "Building")

        // Built: the new image.
        let done = jobs + [Self.job("web-build-2222-4000", .build, .built(digest: Self.digest2))]
        let next = AppDeploymentSourcePlan.plan(
            Self.input(follow: 300, source: plan.source, analysis: plan.analysis, build: plan.build, serving: true, jobs: done))
        #expect(next.image?.commit == Self.c2)
        #expect(next.image?.pinned == "\(Self.repo)@\(Self.digest2)")
        #expect(next.create.isEmpty)
    }

    @Test func aFailedAnalysisOfANewCommitKeepsTheServedOne() {
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        let jobs = [
            Self.job("web-poll-\(slot)", .poll, .reported(SourceReport(commit: Self.c2))),
            Self.job("web-analyze-2222", .analyze, .failed(reason: "AnalysisFailed", message: "no package.json")),
        ]
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(follow: 300, source: Self.resolved(), analysis: Self.node, build: Self.built(), serving: true, jobs: jobs))
        #expect(plan.source?.commit == Self.c1)
        #expect(plan.build?.phase == .failed && plan.build?.commit == Self.c2)
        #expect(plan.phase == nil)
        #expect(plan.image == nil)
        #expect(plan.create.isEmpty)
    }

    @Test func aFailedPollWaitsForTheNextSlot() {
        let slot = AppDeploymentSourcePlan.slot(Self.now, interval: 300)
        let poll = Self.job("web-poll-\(slot)", .poll, .failed(reason: "CloneFailed", message: "could not resolve host"))
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(
                follow: 300, source: Self.resolved(polledAt: Self.now.addingTimeInterval(-300)), analysis: Self.node,
                build: Self.built(), jobs: [poll]))
        #expect(plan.pollFailure == "could not resolve host")
        #expect(plan.source?.polledAt == APITimestamp.time(Self.now))
        #expect(plan.create.isEmpty)
        #expect(plan.image?.digest == Self.digest1)
    }

    // MARK: - Old Jobs

    @Test func finishedJobsBeyondTheNewestThreePerStepAreDeleted() {
        let done = Job.Outcome.reported(SourceReport(commit: Self.c1))
        let jobs = [
            Self.job("web-poll-1", .poll, done, age: 500), Self.job("web-poll-2", .poll, done, age: 400),
            Self.job("web-poll-3", .poll, done, age: 300), Self.job("web-poll-4", .poll, done, age: 200),
            Self.job("web-poll-5", .poll, .running, age: 600),
            Self.job("web-build-old1", .build, .failed(reason: "BuildFailed", message: ""), age: 900),
            Self.job("web-build-old2", .build, .failed(reason: "BuildFailed", message: ""), age: 800),
            Self.job("web-build-old3", .build, .failed(reason: "BuildFailed", message: ""), age: 700),
            Self.job("web-build-1111-3000", .build, .built(digest: Self.digest1), age: 1000),
        ]
        let plan = AppDeploymentSourcePlan.plan(
            Self.input(source: Self.resolved(), analysis: Self.node, build: Self.built(), jobs: jobs))
        #expect(plan.delete == ["web-poll-1"], "running Jobs and the Job read now are kept")
    }

    @Test func aConvergedAppPlansNothing() {
        let input = Self.input(source: Self.resolved(), analysis: Self.node, build: Self.built(), serving: true)
        let plan = AppDeploymentSourcePlan.plan(input)
        #expect(plan.create.isEmpty && plan.delete.isEmpty)
        #expect(plan.source == Self.resolved() && plan.analysis == Self.node && plan.build == Self.built())
    }
}
