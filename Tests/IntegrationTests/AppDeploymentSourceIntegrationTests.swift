import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Synchronization
import Testing

/// Source builds (`spec.source`) against a real API server and controller manager (envtest,
/// v1.20), whose Job controller makes the source Jobs' pods. No kubelet runs them: the test runs
/// each analyse and poll Job's rendered command itself, with the built binary in place of
/// `/tools/quartermaster`, against a `file://` repository it made (the operator runs with
/// `--allow-file-sources`), and gives the command's real output to
/// `/work/shared/envtest/mark-pod-finished.sh` as the pod's termination message. The build pod
/// (no registry here) is played with a digest.
///
/// The Tenant and its build namespace are made by the Tenant controller itself (started beside
/// the Deployment controller, as `TenantResourceIntegrationTests` runs it): a Tenant written by
/// hand would be rewritten by the Tenant controllers other suites run on the same API server.
@Suite("Deployment from source on envtest", .serialized)
struct AppDeploymentSourceIntegrationTests {
    typealias Base = AppDeploymentIntegrationTests
    /// Bounds a wait that only a hang would exceed.
    static let hangGuard = Duration.seconds(240)
    static let binary = IPFSClusterEnv.repositoryRoot + "/.build/debug/quartermaster"
    static let markFinished = "/work/shared/envtest/mark-pod-finished.sh"
    static let repository = "registry.example.com/acme/web"
    static let digest1 = "sha256:" + String(repeating: "1a", count: 32)
    static let digest2 = "sha256:" + String(repeating: "2b", count: 32)
    /// The follow interval of the test's app: an hour, so the operator's own requeue for the next
    /// poll never comes during the test; the test moves the operator's clock instead.
    static let followInterval = 3600

    /// The operator's wall clock: the system's plus what the test added (the poll interval is
    /// passed by moving it, not by waiting).
    ///
    /// It starts one second into a slot of the follow interval (the hour), so the slots the
    /// operator polls in change only when the test moves the clock: a run that crossed the hour
    /// saw its poll Job's slot end before the result was read, and the operator started the
    /// next slot's poll instead, which nothing in the test runs.
    final class ShiftedClock: Sendable {
        let offset: Mutex<TimeInterval>
        init(interval: Int = AppDeploymentSourceIntegrationTests.followInterval) {
            let now = Date().timeIntervalSince1970, slot = Double(interval)
            offset = Mutex(((now / slot).rounded(.down) + 1) * slot + 1 - now)
        }
        func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
        func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `executable` with `arguments`; returns status and output.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (o, e) = await (stdout, stderr)
        try await eventually("\(executable) exits", timeout: hangGuard) { !process.isRunning }
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func git(_ arguments: [String], in directory: String) async throws {
        let result = try await run(
            "/usr/bin/git", arguments,
            environment: [
                "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "test",
                "GIT_COMMITTER_EMAIL": "test@example.com",
            ], in: directory)
        guard result.status == 0 else { throw Failure(description: "git \(arguments): \(result.stderr)") }
    }

    /// A Node/Express repository on branch `main`, one commit.
    static func makeRepository() async throws -> (url: String, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("src-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"{"name": "web", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4.19.0"}, "engines": {"node": "20"}}"#
            .write(toFile: directory + "/package.json", atomically: true, encoding: .utf8)
        try """
            const express = require('express');
            const app = express();
            app.get('/', (req, res) => res.send(process.env.GREETING || 'hello'));
            app.listen(process.env.PORT || 3000);
            """.write(toFile: directory + "/server.js", atomically: true, encoding: .utf8)
        try await git(["init", "-q", "-b", "main"], in: directory)
        try await git(["add", "."], in: directory)
        try await git(["commit", "-q", "-m", "first"], in: directory)
        return ("file://\(directory)", directory)
    }

    static func manifest(name: String, namespace: String, url: String) -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          source:
            git: {url: "\(url)", branch: main}
            follow: {intervalSeconds: \(followInterval)}
          build:
            output: {repository: \(repository)}
          port: 3000
        """
    }

    /// The Jobs of `app` in `buildNamespace` for `step`.
    static func jobs(_ client: KubeClient, app: String, namespace: String, buildNamespace: String, step: String) async throws -> [Job] {
        let selector = [
            "\(AppDeploymentBuildLabels.deployment)=\(app)", "\(AppDeploymentBuildLabels.deploymentNamespace)=\(namespace)",
            "\(AppDeploymentBuildLabels.buildStep)=\(step)",
        ].joined(separator: ",")
        return try await client.list(Job.self, namespace: buildNamespace, options: ListOptions(labelSelector: selector)).items
    }

    /// Waits for the Job of `step` whose name is not in `seen`.
    static func newJob(
        _ client: KubeClient, app: String, namespace: String, buildNamespace: String, step: String, seen: Set<String> = []
    ) async throws -> Job {
        var found: Job?
        do {
            try await eventually("a new \(step) Job of \(app)", timeout: hangGuard) {
                found = try await jobs(client, app: app, namespace: namespace, buildNamespace: buildNamespace, step: step)
                    .first { !seen.contains($0.metadata.name ?? "") }
                return found != nil
            }
        } catch {
            // Say what the app reports instead.
            let current = try await client.getIfExists(AppDeployment.self, name: app, namespace: namespace)
            let conditions = (current?.status?.conditions ?? []).map { "\($0.type)=\($0.status.rawValue) \($0.reason ?? ""): \($0.message ?? "")" }
            throw Failure(description: "no new \(step) Job; phase \(current?.status?.phase?.rawValue ?? "none"), \(conditions)")
        }
        return try #require(found)
    }

    /// Runs `job`'s main container command here: the built binary for `/tools/quartermaster`,
    /// a temporary work directory and termination log. Returns its standard output.
    static func runLocally(_ job: Job, step: AppDeploymentBuildLabels.Step) async throws -> String {
        let container = try #require(
            job.spec?.template.spec?.containers.first { $0.name == AppDeploymentBuildObjects.containerName(step) })
        var words = (container.command ?? []) + (container.args ?? [])
        try #require(words.first == AppDeploymentBuildObjects.toolsBinary, "the Job runs \(words)")
        words.removeFirst()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("work-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        if let i = words.firstIndex(of: "--workdir"), i + 1 < words.count { words[i + 1] = work } else { words += ["--workdir", work] }
        words += ["--termination-log", work + "/termination-log"]
        let result = try await run(binary, words, environment: ["HOME": work])
        try #require(result.status == 0, "analyze \(words) failed: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Plays the kubelet: `job`'s pod terminated with `code` and `message`.
    static func finish(_ env: EnvTest, _ client: KubeClient, _ job: Job, code: Int, message: String) async throws {
        let name = try #require(job.metadata.name)
        let namespace = try #require(job.metadata.namespace)
        var pod: Pod?
        try await eventually("the pod of Job \(name)", timeout: hangGuard) {
            pod = try await client.list(Pod.self, namespace: namespace, options: ListOptions(labelSelector: "job-name=\(name)"))
                .items.first
            return pod != nil
        }
        let podName = try #require(pod?.metadata.name)
        let result = try await run(
            markFinished, [podName, namespace, String(code), message], environment: ["KUBECONFIG": env.kubeconfigPath()])
        try #require(result.status == 0, "mark-pod-finished.sh: \(result.stderr)")
    }

    /// A Tenant `<prefix>-<random>` allowing the output registry, made by a running Tenant
    /// controller: its namespace and its build namespace (`status.buildNamespace`, waited for).
    /// The caller stops the returned operator.
    static func makeTenant(
        _ env: EnvTest, _ client: KubeClient, prefix: String
    ) async throws -> (namespace: String, buildNamespace: String, tenants: TenantResourceOperator) {
        let name = "\(prefix)-\(TenantResourceIntegrationTests.suffix())"
        let (_, tenants) = try await TenantResourceIntegrationTests.start(env, tenantNamespaces: ["\(name)-unwatched"])
        _ = try await client.create(
            Tenant(metadata: ObjectMeta(name: name), spec: TenantSpec(policy: TenantPolicy(registries: ["registry.example.com"]))))
        let built = await TenantResourceIntegrationTests.eventually(timeout: hangGuard) {
            try await client.get(Tenant.self, name: name).status?.buildNamespace != nil
        }
        guard built, let buildNamespace = try await client.get(Tenant.self, name: name).status?.buildNamespace else {
            await tenants.stop()
            throw EnvTestError.system("Tenant \(name) never reported its build namespace")
        }
        return (name, buildNamespace, tenants)
    }

    func app(_ client: KubeClient, _ name: String, _ ns: String) async throws -> AppDeployment? {
        try await client.getIfExists(AppDeployment.self, name: name, namespace: ns)
    }

    @Test(
        "analyse → build → Deployment pinned to the digest → Exposed; a failed build; a new commit is a new revision",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func fromSource() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager: its Job controller makes the pods")
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: \(Self.binary)")
        try await Base.installCRDs(env)
        let client = try IPFSClusterEnv.adminClient(env)
        let (ns, buildNs, tenants) = try await Self.makeTenant(env, client, prefix: "src")
        let clock = ShiftedClock()
        var op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns, otherNamespaces: [buildNs]) { settings in
            settings.allowFileSources = true
            settings.now = { clock.now() }
        }
        let (url, directory) = try await Self.makeRepository()

        try await env.kubectlChecked(["apply", "-f", "-"], stdin: Self.manifest(name: "web", namespace: ns, url: url))

        // The analyse Job: run here, its real report to the pod.
        let analyze = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "analyze")
        try await eventually("Analyzing", timeout: Self.hangGuard) { try await app(client, "web", ns)?.status?.phase == .analyzing }
        let report = try await Self.runLocally(analyze, step: .analyze)
        try await Self.finish(env, client, analyze, code: 0, message: report)

        // The build Job, with the generated Dockerfile in its ConfigMap.
        let build = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "build")
        let buildName = try #require(build.metadata.name)
        let dockerfile = try #require(try await client.getIfExists(ConfigMap.self, name: buildName, namespace: buildNs))
        #expect(dockerfile.data?[AppDeploymentBuildObjects.dockerfileKey]?.contains("node:20") == true)
        // The build Job can appear before the reconcile that made it has written the status
        // (one full run read the status in between): wait for the analysis to show.
        try await eventually("the analysed commit in the status", timeout: Self.hangGuard) {
            try await app(client, "web", ns)?.status?.source?.commit != nil
        }
        let analysed = try #require(try await app(client, "web", ns))
        let commit1 = try #require(analysed.status?.source?.commit)
        #expect(analysed.status?.analysis?.language == .node)
        #expect(analysed.status?.phase == .building)
        #expect(build.metadata.annotations?[AppDeploymentBuildLabels.imageAnnotation] == "\(Self.repository):\(commit1)")

        // The build pod pushed: the Deployment runs <repository>@<digest>; pods ready → Exposed.
        try await Self.finish(env, client, build, code: 0, message: Self.digest1)
        let image1 = "\(Self.repository)@\(Self.digest1)"
        try await Base().drive(env, client, "web", ns, image: image1, to: .exposed)
        let exposed = try #require(try await app(client, "web", ns))
        #expect(exposed.status?.build?.digest == Self.digest1)
        #expect(exposed.status?.build?.phase == .succeeded)
        #expect(exposed.status?.image?.reference == "\(Self.repository):\(commit1)")
        #expect(exposed.status?.history?.last?.commit == commit1)
        #expect(exposed.status?.conditions?.first { $0.type == "Built" }?.status == .true)
        #expect(exposed.metadata.finalizers?.contains(AppDeploymentReconciler.buildCleanupFinalizer) == true)

        // Converged: a restarted operator sends no write.
        await op.stop()
        op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns, otherNamespaces: [buildNs]) { settings in
            settings.allowFileSources = true
            settings.now = { clock.now() }
        }
        try await op.waitUntilSynced()
        try await Task.sleep(for: Base.settle)
        #expect(op.writes.isEmpty, "a converged operator wrote: \(op.writes)")

        // A new commit on the followed branch; the next interval's poll finds it.
        try "<!-- v2 -->\n".write(toFile: directory + "/NOTES.md", atomically: true, encoding: .utf8)
        try await Self.git(["add", "."], in: directory)
        try await Self.git(["commit", "-q", "-m", "second"], in: directory)
        clock.advance(by: TimeInterval(Self.followInterval))
        // Any event reconciles; the poll is due by the operator's clock.
        try await env.kubectlChecked(["-n", ns, "annotate", "deployments.quartermaster.dev", "web", "test/poke=1"])
        let poll = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "poll")
        let resolved = try await Self.runLocally(poll, step: .poll)
        try await Self.finish(env, client, poll, code: 0, message: resolved)
        let analyze2 = try await Self.newJob(
            client, app: "web", namespace: ns, buildNamespace: buildNs, step: "analyze", seen: [analyze.metadata.name ?? ""])
        try await Self.finish(env, client, analyze2, code: 0, message: try await Self.runLocally(analyze2, step: .analyze))
        let build2 = try await Self.newJob(
            client, app: "web", namespace: ns, buildNamespace: buildNs, step: "build", seen: [buildName])
        // The reconcile that made the build Job writes the new commit to the status after it.
        try await eventually("status.source.commit names the second commit", timeout: Self.hangGuard) {
            try await app(client, "web", ns)?.status?.source?.commit != commit1
        }
        let commit2 = try #require(try await app(client, "web", ns)?.status?.source?.commit)
        #expect(commit2 != commit1)
        #expect(try await app(client, "web", ns)?.status?.phase == .exposed, "revision 1 is served while building")

        // The new build fails: revision 1 goes on, Built False with the reason.
        try await Self.finish(env, client, build2, code: 1, message: "error building image: npm ERR! missing script: build")
        try await eventually("Built False BuildFailed", timeout: Self.hangGuard) {
            let current = try await app(client, "web", ns)
            return current?.status?.build?.reason == .buildFailed
        }
        let failed = try #require(try await app(client, "web", ns))
        #expect(failed.status?.build?.phase == .failed)
        #expect(failed.status?.build?.message?.contains("missing script") == true)
        #expect(failed.status?.phase == .exposed)
        #expect(failed.status?.conditions?.first { $0.type == "Built" }?.reason == "BuildFailed")

        // A third commit builds: a new revision with its commit.
        try "<!-- v3 -->\n".write(toFile: directory + "/NOTES.md", atomically: true, encoding: .utf8)
        try await Self.git(["commit", "-q", "-am", "third"], in: directory)
        clock.advance(by: TimeInterval(Self.followInterval))
        try await env.kubectlChecked(["-n", ns, "annotate", "--overwrite", "deployments.quartermaster.dev", "web", "test/poke=2"])
        let poll2 = try await Self.newJob(
            client, app: "web", namespace: ns, buildNamespace: buildNs, step: "poll", seen: [poll.metadata.name ?? ""])
        try await Self.finish(env, client, poll2, code: 0, message: try await Self.runLocally(poll2, step: .poll))
        let analyze3 = try await Self.newJob(
            client, app: "web", namespace: ns, buildNamespace: buildNs, step: "analyze",
            seen: [analyze.metadata.name ?? "", analyze2.metadata.name ?? ""])
        try await Self.finish(env, client, analyze3, code: 0, message: try await Self.runLocally(analyze3, step: .analyze))
        let build3 = try await Self.newJob(
            client, app: "web", namespace: ns, buildNamespace: buildNs, step: "build",
            seen: [buildName, build2.metadata.name ?? ""])
        try await Self.finish(env, client, build3, code: 0, message: Self.digest2)
        let image2 = "\(Self.repository)@\(Self.digest2)"
        try await Base().drive(env, client, "web", ns, image: image2, to: .exposed)
        // Exposed held from revision 1 all along: wait for the status to name revision 2.
        try await eventually("revision 2 Exposed", timeout: Self.hangGuard) {
            try await Base().markPodsReady(env, client, "web", ns, image: image2)
            let current = try await app(client, "web", ns)
            return current?.status?.revision == 2 && current?.status?.phase == .exposed
        }
        let second = try #require(try await app(client, "web", ns))
        let commit3 = try #require(second.status?.source?.commit)
        #expect(commit3 != commit2 && commit3 != commit1)
        #expect(second.status?.revision == 2)
        #expect(second.status?.history?.map(\.commit) == [commit1, commit3])
        #expect(second.status?.conditions?.first { $0.type == "Built" }?.status == .true)

        // Deleted: its build objects go with it.
        try await env.kubectlChecked(["-n", ns, "delete", "deployments.quartermaster.dev", "web", "--wait=false"])
        try await eventually("the build Jobs deleted", timeout: Self.hangGuard) {
            let left = try await client.list(Job.self, namespace: buildNs).items.filter { $0.metadata.deletionTimestamp == nil }
            let gone = try await app(client, "web", ns) == nil
            return left.isEmpty && gone
        }
        await op.stop()
        await tenants.stop()
    }

    @Test(
        "a failed build with nothing served is Failed with the reason",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func failedBuild() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager: its Job controller makes the pods")
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: \(Self.binary)")
        try await Base.installCRDs(env)
        let client = try IPFSClusterEnv.adminClient(env)
        let (ns, buildNs, tenants) = try await Self.makeTenant(env, client, prefix: "src-fail")
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns, otherNamespaces: [buildNs]) { settings in
            settings.allowFileSources = true
        }
        let (url, _) = try await Self.makeRepository()
        try await env.kubectlChecked(["apply", "-f", "-"], stdin: Self.manifest(name: "web", namespace: ns, url: url))
        let analyze = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "analyze")
        try await Self.finish(env, client, analyze, code: 0, message: try await Self.runLocally(analyze, step: .analyze))
        let build = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "build")
        try await Self.finish(env, client, build, code: 1, message: "error pushing image: UNAUTHORIZED: authentication required")
        try await eventually("Failed", timeout: Self.hangGuard) { try await app(client, "web", ns)?.status?.phase == .failed }
        let failed = try #require(try await app(client, "web", ns))
        #expect(failed.status?.build?.phase == .failed)
        #expect(failed.status?.build?.reason == .pushFailed, "a refused push is told apart from a failed build")
        #expect(failed.status?.build?.message?.contains("UNAUTHORIZED") == true)
        #expect(failed.status?.conditions?.first { $0.type == "Ready" }?.status == .false)
        #expect(try await client.getIfExists(Deployment.self, name: "web", namespace: ns) == nil, "nothing is deployed unbuilt")
        await op.stop()
        await tenants.stop()
    }

    @Test(
        "quartermaster deploy REPO_URL end to end: the operator analyses, builds and deploys; the command follows it to the URL",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func deployCommandEndToEnd() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager: its Job controller makes the pods")
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: \(Self.binary)")
        try await Base.installCRDs(env)
        let client = try IPFSClusterEnv.adminClient(env)
        let (ns, buildNs, tenants) = try await Self.makeTenant(env, client, prefix: "src-cli")
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns, otherNamespaces: [buildNs]) { settings in
            settings.allowFileSources = true
        }
        let (url, _) = try await Self.makeRepository()

        // Off a terminal (pipes), as a script or CI job runs it; nothing in the test writes the
        // status: every line comes from what the operator reports.
        let running = try AppDeploymentDeployCommandTests.Running(
            ["deploy", url, "--name", "web", "-n", ns, "--kubeconfig", env.kubeconfigPath(for: .admin), "--branch", "main",
             "--repository", Self.repository, "--port", "3000"])
        defer { if running.process.isRunning { running.process.terminate() } }

        let analyze = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "analyze")
        try await running.waitFor("Analyzing")
        try await Self.finish(env, client, analyze, code: 0, message: try await Self.runLocally(analyze, step: .analyze))
        let build = try await Self.newJob(client, app: "web", namespace: ns, buildNamespace: buildNs, step: "build")
        try await running.waitFor("Building")
        try await Self.finish(env, client, build, code: 0, message: Self.digest1)
        try await Base().drive(env, client, "web", ns, image: "\(Self.repository)@\(Self.digest1)", to: .exposed)

        #expect(try await running.exitStatus() == 0, "stdout: \(running.stdout) stderr: \(running.stderr)")
        print("AppDeploymentSourceIntegrationTests: deploy end to end:\n\(running.stdout)\(running.stderr)")
        let exposed = try #require(try await app(client, "web", ns))
        let exposedAt = try #require(exposed.status?.url)
        let lines = running.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "deployment.quartermaster.dev \(ns)/web created")
        #expect(lines.last == "deployment.quartermaster.dev \(ns)/web is exposed at \(exposedAt)")
        // One line per change, in the order of the stages (a stage the operator passed between
        // two watch events may be missing; the waits above make Analyzing and Building seen).
        let order = ["Pending", "Analyzing", "Building", "Deploying", "Healthy", "Exposed"]
        let phases = lines.dropFirst().dropLast().compactMap { $0.split(separator: " ").first.map(String.init) }
        let ranks = phases.compactMap { order.firstIndex(of: $0) }
        #expect(ranks.count == phases.count && ranks == ranks.sorted(), "stages in order: \(phases)")
        #expect(phases.contains("Analyzing") && phases.contains("Building") && phases.last == "Exposed", "\(phases)")
        #expect(lines.contains { $0.hasPrefix("Building") && $0.contains(String(exposed.status?.source?.commit?.prefix(7) ?? "?")) })
        await op.stop()
        await tenants.stop()
    }
}
