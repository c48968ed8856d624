import Foundation
import KubeCore
import SourceBuild
import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentBuildMessagesTests {
    typealias S = AppDeploymentBuildSamples
    typealias M = AppDeploymentBuildMessages

    static let analysis = SourceAnalysis(
        language: .node, framework: "express", version: "20", packageManager: "npm", installCommand: "npm ci",
        startCommand: "node server.js", port: 3000, env: ["DATABASE_URL", "PORT"])

    // MARK: - Fixtures: Jobs and pods as the Job controller and kubelet report them

    func makeJob(
        _ step: AppDeploymentBuildLabels.Step, conditions: [JobCondition]? = nil, start: String? = "2026-12-03T10:00:00Z",
        completion: String? = nil
    ) -> Job {
        let input = S.input()
        var job: Job =
            switch step {
            case .analyze: AppDeploymentBuildObjects.analyzeJob(input)
            case .poll: AppDeploymentBuildObjects.pollJob(input, now: Date(timeIntervalSince1970: 0), intervalSeconds: 300)
            case .build: AppDeploymentBuildObjects.buildJob(input, commit: S.commitA, dockerfile: .repository(path: "Dockerfile"))
            }
        job.metadata.uid = "job-uid-\(step.rawValue)"
        job.status = JobStatus(startTime: start, completionTime: completion, conditions: conditions)
        return job
    }

    static let complete = [JobCondition(type: "Complete", status: "True", lastTransitionTime: "2026-12-03T10:02:00Z")]
    static func failed(_ reason: String, _ message: String = "") -> [JobCondition] {
        [JobCondition(type: "Failed", status: "True", lastTransitionTime: "2026-12-03T10:05:00Z", reason: reason, message: message)]
    }

    static func terminated(_ name: String, _ exitCode: Int, _ message: String? = nil, reason: String? = nil) -> ContainerStatus {
        ContainerStatus(
            name: name, ready: false,
            state: .object(["terminated": ContainerStateTerminated(exitCode: exitCode, reason: reason ?? (exitCode == 0 ? "Completed" : "Error"), message: message).jsonValue]))
    }
    static func running(_ name: String) -> ContainerStatus {
        ContainerStatus(name: name, ready: true, state: .object(["running": .object(["startedAt": "2026-12-03T10:00:05Z"])]))
    }
    static func waiting(_ name: String) -> ContainerStatus {
        ContainerStatus(name: name, ready: false, state: .object(["waiting": .object(["reason": "PodInitializing"])]))
    }

    func makePod(
        of job: Job, phase: String, initStatuses: [ContainerStatus] = [], statuses: [ContainerStatus] = [],
        reason: String? = nil, message: String? = nil
    ) -> Pod {
        Pod(
            metadata: ObjectMeta(
                name: "\(job.metadata.name ?? "")-x7k2p", namespace: job.metadata.namespace,
                labels: ["job-name": job.metadata.name ?? "", "controller-uid": job.metadata.uid ?? ""]),
            status: PodStatus(
                phase: phase, containerStatuses: statuses, initContainerStatuses: initStatuses, reason: reason, message: message))
    }

    func report(_ commit: String = S.commitA, analysis: SourceAnalysis? = analysis) throws -> String {
        String(decoding: try SourceReport(commit: commit, analysis: analysis).encoded(), as: UTF8.self)
    }

    // MARK: - Source reports

    @Test func aCompleteAnalyzeJobGivesItsReport() throws {
        let job = makeJob(.analyze, conditions: Self.complete, completion: "2026-12-03T10:02:00Z")
        let pod = makePod(
            of: job, phase: "Succeeded", initStatuses: [Self.terminated("install", 0)],
            statuses: [Self.terminated("analyze", 0, try report())])
        let outcome = M.sourceOutcome(step: .analyze, job: job, pods: [pod])
        #expect(outcome == .succeeded(SourceReport(commit: S.commitA, analysis: Self.analysis)))
        #expect(outcome.phase == "Succeeded")
        #expect(M.times(job: job) == ("2026-12-03T10:00:00Z", "2026-12-03T10:02:00Z"))
    }

    @Test func sourceReportsTable() throws {
        struct Row {
            var step: AppDeploymentBuildLabels.Step
            var message: String
            var expected: AppDeploymentBuildOutcome<SourceReport>?
            var reason: AppDeploymentBuildFailureReason?
            var messageContains: String?
        }
        let oversize = #"{"commit":"\#(S.commitA)","analysis":{"language":"node","env":["\#(String(repeating: "A", count: 5000))"]}}"#
        let rows = [
            Row(step: .poll, message: try report(analysis: nil), expected: .succeeded(SourceReport(commit: S.commitA))),
            Row(step: .poll, message: "\n" + (try report(S.commitB, analysis: nil)) + "\n", expected: .succeeded(SourceReport(commit: S.commitB))),
            Row(step: .analyze, message: try report(analysis: nil), reason: .analysisFailed, messageContains: "has no analysis"),
            Row(step: .analyze, message: oversize, reason: .analysisFailed, messageContains: "more than 4096"),
            Row(step: .analyze, message: "Cloning into '/workspace/src'...\nnot json at all", reason: .analysisFailed, messageContains: "not a source report"),
            Row(step: .poll, message: "", reason: .cloneFailed, messageContains: "not a source report"),
            Row(step: .poll, message: #"{"commit":"HEAD"}"#, reason: .cloneFailed, messageContains: "not 40 lowercase hex"),
        ]
        for row in rows {
            let job = makeJob(row.step, conditions: Self.complete)
            let pod = makePod(of: job, phase: "Succeeded", statuses: [Self.terminated(AppDeploymentBuildObjects.containerName(row.step), 0, row.message)])
            let outcome = M.sourceOutcome(step: row.step, job: job, pods: [pod])
            if let expected = row.expected { #expect(outcome == expected, "\(row.message.prefix(80))") }
            if let reason = row.reason {
                let failure = try #require(outcome.failure, "\(row.message.prefix(80))")
                #expect(failure.reason == reason)
                #expect(failure.message.contains(row.messageContains ?? ""), "\(failure.message)")
                #expect(failure.message.count <= 1024)
                #expect(!failure.message.contains(String(repeating: "A", count: 1100)), "the oversize text is not echoed")
            }
        }
    }

    // MARK: - Digests

    @Test func digestForms() {
        let hex = String(repeating: "c", count: 64)
        let rows: [(String, String?)] = [
            ("sha256:\(hex)", "sha256:\(hex)"),
            ("sha256:\(hex)\n", "sha256:\(hex)"),
            ("  registry.example.com/acme/web@sha256:\(hex)  ", "sha256:\(hex)"),
            ("registry.example.com:5000/acme/web:\(S.commitA)@sha256:\(hex)", "sha256:\(hex)"),
            ("sha256:\(hex.uppercased())", nil),
            ("sha256:\(hex.dropLast())", nil),
            ("sha512:\(hex)\(hex)", nil),
            ("@sha256:\(hex)", nil),
            ("error pushing image@sha256:\(hex)", nil),
            ("", nil),
            ("INFO[0003] Pushed registry.example.com/acme/web@sha256:\(hex)", nil),
        ]
        for (message, expected) in rows { #expect(M.digest(from: message) == expected, "\(message)") }
    }

    @Test func aCompleteBuildGivesTheDigestOrDigestMissing() throws {
        let job = makeJob(.build, conditions: Self.complete, completion: "2026-12-03T10:09:00Z")
        func outcome(_ message: String?) -> AppDeploymentBuildOutcome<String> {
            M.buildOutcome(job: job, pods: [
                makePod(
                    of: job, phase: "Succeeded", initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 0, try? report(analysis: nil))],
                    statuses: [Self.terminated("builder", 0, message)])
            ])
        }
        #expect(outcome(S.digest) == .succeeded(S.digest))
        #expect(outcome("registry.example.com/acme/web@\(S.digest)") == .succeeded(S.digest))
        for message in [nil, "", "done"] as [String?] {
            #expect(outcome(message).failure?.reason == .digestMissing, "\(message ?? "nil")")
        }
    }

    // MARK: - Failures

    @Test func deadlineExceededComesFromTheJobCondition() throws {
        for step in AppDeploymentBuildLabels.Step.allCases {
            let job = makeJob(step, conditions: Self.failed("DeadlineExceeded", "Job was active longer than specified deadline"))
            // The killed container's exit code must not win over the Job's reason.
            let pod = makePod(of: job, phase: "Failed", statuses: [Self.terminated(AppDeploymentBuildObjects.containerName(step), 137)])
            let failure: AppDeploymentBuildFailure? =
                step == .build
                ? M.buildOutcome(job: job, pods: [pod]).failure : M.sourceOutcome(step: step, job: job, pods: [pod]).failure
            #expect(failure?.reason == .deadlineExceeded, "\(step)")
            let seconds = step == .build ? 1800 : 300
            #expect(failure?.message == "the \(step.rawValue) Job ran longer than its deadline of \(seconds) seconds")
            #expect(M.times(job: job) == ("2026-12-03T10:00:00Z", "2026-12-03T10:05:00Z"))
        }
    }

    @Test func exitCodesGiveTheStepsReason() throws {
        struct Row {
            var step: AppDeploymentBuildLabels.Step
            var initStatuses: [ContainerStatus] = []
            var statuses: [ContainerStatus] = []
            var reason: AppDeploymentBuildFailureReason
            var message: String
        }
        let cloneLine = "analyze: git clone exited with 128: fatal: repository 'https://github.com/acme/web.git/' not found"
        let rows = [
            Row(step: .analyze, initStatuses: [Self.terminated("install", 0)], statuses: [Self.terminated("analyze", 1, cloneLine)],
                reason: .analysisFailed, message: cloneLine),
            Row(step: .poll, initStatuses: [Self.terminated("install", 0)], statuses: [Self.terminated("poll", 1, cloneLine)],
                reason: .cloneFailed, message: cloneLine),
            Row(step: .analyze, initStatuses: [Self.terminated("install", 1, "no space left on device")], statuses: [Self.waiting("analyze")],
                reason: .analysisFailed, message: "no space left on device"),
            Row(step: .build, initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 1, cloneLine)],
                statuses: [Self.waiting("builder")], reason: .cloneFailed, message: cloneLine),
            Row(step: .build, initStatuses: [Self.terminated("install", 2)], statuses: [Self.waiting("builder")],
                reason: .buildFailed, message: "container install exited with code 2 (Error)"),
            Row(step: .build, initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 0)],
                statuses: [Self.terminated("builder", 1, "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1")],
                reason: .buildFailed, message: "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1"),
            Row(step: .build, initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 0)],
                statuses: [Self.terminated("builder", 1, "INFO[0010] Taking snapshot\nerror pushing image: failed to push to destination registry.example.com/acme/web:x: UNAUTHORIZED")],
                reason: .pushFailed, message: "INFO[0010] Taking snapshot\nerror pushing image: failed to push to destination registry.example.com/acme/web:x: UNAUTHORIZED"),
            Row(step: .build, initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 0)],
                statuses: [Self.terminated("builder", 1, "error checking push permissions -- make sure you entered the correct tag name")],
                reason: .pushFailed, message: "error checking push permissions -- make sure you entered the correct tag name"),
            Row(step: .build, initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 0)],
                statuses: [Self.terminated("builder", 1, "DigestMissing: no containerimage.digest in the build metadata")],
                reason: .digestMissing, message: "DigestMissing: no containerimage.digest in the build metadata"),
            Row(step: .build, initStatuses: [Self.terminated("install", 0), Self.terminated("checkout", 0)],
                statuses: [Self.terminated("builder", 137, nil, reason: "OOMKilled")],
                reason: .buildFailed, message: "container builder exited with code 137 (OOMKilled)"),
        ]
        for row in rows {
            let job = makeJob(row.step, conditions: Self.failed("BackoffLimitExceeded", "Job has reached the specified backoff limit"))
            let pod = makePod(of: job, phase: "Failed", initStatuses: row.initStatuses, statuses: row.statuses)
            let failure =
                row.step == .build
                ? M.buildOutcome(job: job, pods: [pod]).failure : M.sourceOutcome(step: row.step, job: job, pods: [pod]).failure
            #expect(failure == AppDeploymentBuildFailure(reason: row.reason, message: row.message), "\(row.step) \(row.message)")
        }
    }

    @Test func aFailedJobWithoutItsPodSaysWhatTheJobSays() {
        let job = makeJob(.build, conditions: Self.failed("BackoffLimitExceeded", "Job has reached the specified backoff limit"))
        #expect(M.buildOutcome(job: job, pods: []).failure == AppDeploymentBuildFailure(
            reason: .buildFailed, message: "the build Job failed (BackoffLimitExceeded: Job has reached the specified backoff limit)"))
        let evicted = makePod(of: job, phase: "Failed", reason: "Evicted", message: "The node was low on resource: ephemeral-storage.")
        #expect(M.buildOutcome(job: job, pods: [evicted]).failure == AppDeploymentBuildFailure(
            reason: .buildFailed, message: "the build pod failed (Evicted: The node was low on resource: ephemeral-storage.)"))
    }

    @Test func failureMessagesLoseUserinfoAndStayWithin1024() throws {
        let secretURL = "https://deploy:ghp_s3cr3tT0ken@github.com/acme/web.git"
        let long = (1...200).map { "Step \($0): RUN npm ci fetching \(secretURL)" }.joined(separator: "\n") + "\nerror building image: exit status 1"
        let job = makeJob(.build, conditions: Self.failed("BackoffLimitExceeded"))
        let pod = makePod(of: job, phase: "Failed", statuses: [Self.terminated("builder", 1, long)])
        let failure = try #require(M.buildOutcome(job: job, pods: [pod]).failure)
        #expect(failure.message.count == 1024)
        #expect(!failure.message.contains("s3cr3t") && !failure.message.contains("deploy:"))
        #expect(failure.message.hasSuffix("error building image: exit status 1"), "the log's end is kept")
        #expect(failure.message.hasPrefix("…"))

        let rows: [(String, String)] = [
            ("fatal: unable to access 'https://user:pass@host.example/x.git/': 403", "fatal: unable to access 'https://host.example/x.git/': 403"),
            ("ssh://git@github.com:22/acme/web.git and https://tok@ghe.example?x=1", "ssh://github.com:22/acme/web.git and https://ghe.example?x=1"),
            ("no url here, user@host.example:acme/web.git", "no url here, user@host.example:acme/web.git"),
            ("a\u{1B}[31mred\u{1B}[0m\tb\r\n", "a [31mred [0m\tb"),
            ("https://a:b@c@host/x", "https://host/x"),
        ]
        for (text, expected) in rows { #expect(M.sanitized(text) == expected, "\(text)") }
    }

    // MARK: - Pending and running

    @Test func unfinishedJobsArePendingOrRunning() throws {
        let job = makeJob(.build, start: nil)
        #expect(M.buildOutcome(job: job, pods: []) == .pending)
        let scheduled = makePod(of: job, phase: "Pending", initStatuses: [Self.waiting("install")], statuses: [Self.waiting("builder")])
        #expect(M.buildOutcome(job: job, pods: [scheduled]) == .pending)
        let cloning = makePod(of: job, phase: "Pending", initStatuses: [Self.terminated("install", 0), Self.running("checkout")],
                          statuses: [Self.waiting("builder")])
        #expect(M.buildOutcome(job: job, pods: [cloning]) == .running)
        let building = makePod(of: job, phase: "Running", statuses: [Self.running("builder")])
        #expect(M.buildOutcome(job: job, pods: [building]).phase == "Running")
        #expect(M.times(job: job) == (nil, nil))
        // Complete, but the pod's final status not observed yet: still running, not a failure.
        let complete = makeJob(.build, conditions: Self.complete)
        #expect(M.buildOutcome(job: complete, pods: [makePod(of: complete, phase: "Running", statuses: [Self.running("builder")])]) == .running)
        #expect(M.buildOutcome(job: complete, pods: []) == .running)
    }

    @Test func podsOfOtherJobsAreIgnored() throws {
        let analyze = makeJob(.analyze, conditions: Self.complete)
        var other = makeJob(.analyze, conditions: Self.complete)
        other.metadata.name = "web-analyze-00000000"
        other.metadata.uid = "other-uid"
        let foreign = makePod(of: other, phase: "Succeeded", statuses: [Self.terminated("analyze", 0, try report(S.commitB))])
        #expect(M.sourceOutcome(step: .analyze, job: analyze, pods: [foreign]) == .running)
        let own = makePod(of: analyze, phase: "Succeeded", statuses: [Self.terminated("analyze", 0, try report())])
        #expect(M.sourceOutcome(step: .analyze, job: analyze, pods: [foreign, own]).value?.commit == S.commitA)
        // Owner reference alone (no job-name label) also ties a pod to its Job.
        var owned = own
        owned.metadata.labels = nil
        owned.metadata.ownerReferences = [OwnerReference(apiVersion: "batch/v1", kind: "Job", name: analyze.metadata.name ?? "", uid: "job-uid-analyze")]
        #expect(M.sourceOutcome(step: .analyze, job: analyze, pods: [owned]).value?.commit == S.commitA)
    }
}
