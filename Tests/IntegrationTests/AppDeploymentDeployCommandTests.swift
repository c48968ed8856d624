import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Synchronization
import Testing

/// `quartermaster deploy REPO_URL` (the built binary) against a real API server (envtest),
/// without an operator: the test plays the controller, writing the status through the status
/// subresource (Analyzing → Building → Deploying → Exposed, or → Failed) each time the
/// command has shown the previous step. Off a terminal (pipes: one plain line per change) and
/// on one (a tmux pane: one line redrawn in place, the phase in colour).
@Suite("quartermaster deploy on envtest", .serialized)
struct AppDeploymentDeployCommandTests {
    /// Bounds every wait for the command or the pane: only a hang reaches it.
    static let hangGuard = Duration.seconds(120)
    static let cli = AppDeploymentCommandLineTests()
    static let commit = "3f2c1a9b0c1d2e3f405162738495a6b7c8d9e0f1"

    /// A real repository with one commit on `main`, as `file://` URL.
    static func repository() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qm-deploy-\(UUID().uuidString.prefix(8))")
            .appendingPathComponent("node-web")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try #"{"name":"node-web","scripts":{"start":"node server.js"}}"#.write(
            to: dir.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        for arguments in [
            ["init", "-q", "-b", "main"], ["add", "."],
            ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first"],
        ] {
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            git.arguments = ["git", "-C", dir.path] + arguments
            try git.run()
            git.waitUntilExit()
            try #require(git.terminationStatus == 0, "git \(arguments)")
        }
        return "file://" + dir.path
    }

    /// The status of each played step (merge patches of the status subresource).
    static func status(_ phase: String, progress: Int, generation: Int64, extra: [String: JSONValue] = [:]) -> JSONValue {
        let ready: JSONValue = [
            "type": "Ready", "status": phase == "Exposed" ? "True" : "False",
            "lastTransitionTime": "2026-12-03T17:00:00Z", "observedGeneration": .int(generation),
            "reason": .string(phase == "Failed" ? "BuildFailed" : phase),
            "message": .string(phase == "Failed" ? "kaniko: npm ci exited with code 1" : "step \(phase)"),
        ]
        var status: [String: JSONValue] = [
            "observedGeneration": .int(generation), "phase": .string(phase), "progress": .int(Int64(progress)),
            "conditions": [ready],
        ]
        status.merge(extra) { _, new in new }
        return ["status": .object(status)]
    }

    func play(_ client: KubeClient, _ name: String, _ ns: String, _ patch: JSONValue) async throws {
        _ = try await client.send(
            APIRequests.patch(
                AppDeployment.resource, namespace: ns, name: name, type: .merge, body: KubeJSON.encode(patch),
                subresource: "status"))
    }

    func raw(_ client: KubeClient, _ name: String, _ ns: String) async throws -> DynamicObject {
        let r = try await client.send(APIRequests.get(AppDeployment.resource, namespace: ns, name: name))
        return try KubeJSON.decode(DynamicObject.self, from: r.body)
    }

    /// The steps of a build that succeeds, each with what the command shows for it.
    static func steps(generation: Int64) -> [(status: JSONValue, shows: String)] {
        [
            (status("Analyzing", progress: 10, generation: generation), "Analyzing      10%"),
            (
                status(
                    "Building", progress: 30, generation: generation,
                    extra: [
                        "build": [
                            "commit": .string(commit), "phase": "Running", "namespace": "x-build", "job": "web-build-1",
                            "image": .string("registry.example.com/acme/web:\(commit)"),
                        ]
                    ]),
                "Building       30%"
            ),
            (status("Deploying", progress: 75, generation: generation, extra: ["revision": 1]), "Deploying      75%"),
            (
                status("Exposed", progress: 100, generation: generation, extra: ["url": "https://web.apps.example.com"]),
                "Exposed       100%"
            ),
        ]
    }

    /// The built binary running off a terminal, its output collected as it comes.
    final class Running: Sendable {
        let process: Process
        /// Bytes read from one pipe.
        final class Buffer: Sendable {
            let data = Mutex(Data())
        }
        private let out = Buffer()
        private let err = Buffer()
        /// How many of the two pipes reached their end.
        private let ended = Buffer()

        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: AppDeploymentCommandLineTests.binary)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = nil
            environment["TERM"] = "xterm-256color"
            process.environment = environment
            let o = Pipe()
            let e = Pipe()
            process.standardOutput = o
            process.standardError = e
            process.standardInput = FileHandle.nullDevice
            for (pipe, buffer) in [(o, out), (e, err)] {
                pipe.fileHandleForReading.readabilityHandler = { [ended] (h: FileHandle) in
                    let d = h.availableData
                    if d.isEmpty {
                        h.readabilityHandler = nil
                        ended.data.withLock { $0.append(1) }
                    } else {
                        buffer.data.withLock { $0.append(d) }
                    }
                }
            }
            try process.run()
        }

        var stdout: String { String(decoding: out.data.withLock { $0 }, as: UTF8.self) }
        var stderr: String { String(decoding: err.data.withLock { $0 }, as: UTF8.self) }

        func waitFor(_ text: String) async throws {
            try await eventually("the command shows \(text)", timeout: AppDeploymentDeployCommandTests.hangGuard) {
                self.stdout.contains(text) || !self.process.isRunning
            }
            #expect(stdout.contains(text), "stdout: \(stdout) stderr: \(stderr)")
        }

        func exitStatus() async throws -> Int32 {
            // Exited, and both pipes read to their end (what was written before the exit).
            try await eventually("the command exits", timeout: AppDeploymentDeployCommandTests.hangGuard) {
                !self.process.isRunning && self.ended.data.withLock { $0.count } == 2
            }
            return process.terminationStatus
        }
    }

    func setUp(_ label: String) async throws -> (EnvTest, KubeClient, String, [String]) {
        let env = try await EnvTest.shared()
        let yaml = try String(
            contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/crds/quartermaster.dev_deployments.yaml", encoding: .utf8)
        try await env.installCRD(yaml: yaml)
        let ns = try await env.createNamespace(label)
        let client = try IPFSClusterEnv.adminClient(env)
        return (env, client, ns, ["-n", ns, "--kubeconfig", env.kubeconfigPath(for: .admin)])
    }

    @Test(
        "off a terminal: creates the object from the flags, one plain line per change, the URL, exit 0; an existing object is patched",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func plainOutput() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: AppDeploymentCommandLineTests.binary))
        let (_, client, ns, common) = try await setUp("qdeploy-plain")
        let url = try Self.repository()
        let running = try Running(
            ["deploy", url, "--branch", "main", "--sub-path", "apps/web", "--port", "3000", "--builder", "buildkit",
             "--repository", "registry.example.com/acme/node-web", "--push-secret", "regcred", "--git-secret", "git-creds",
             "--follow-interval", "300", "--host", "web.example.com", "--timeout", "10m"] + common)
        defer { if running.process.isRunning { running.process.terminate() } }
        try await running.waitFor("Pending         --")
        #expect(running.stdout.hasPrefix("deployment.quartermaster.dev \(ns)/node-web created\n"), "the name from the URL")

        let object = try await raw(client, "node-web", ns)
        let spec = try #require(object["spec"])
        #expect(spec.value(at: "source", "git", "url") == .string(url))
        #expect(spec.value(at: "source", "git", "branch") == "main")
        #expect(spec.value(at: "source", "git", "subPath") == "apps/web")
        #expect(spec.value(at: "source", "git", "secretName") == "git-creds")
        #expect(spec.value(at: "source", "follow", "intervalSeconds") == 300)
        #expect(spec.value(at: "build", "port") == 3000)
        #expect(spec.value(at: "build", "builder") == "BuildKit")
        #expect(spec.value(at: "build", "output", "repository") == "registry.example.com/acme/node-web")
        #expect(spec.value(at: "build", "output", "pushSecretName") == "regcred")
        #expect(spec.value(at: "expose", "host") == "web.example.com")
        #expect(spec["image"] == nil || spec["image"] == "")
        let generation = try #require(object.metadata.generation)

        for step in Self.steps(generation: generation) {
            try await play(client, "node-web", ns, step.status)
            try await running.waitFor(step.shows)
        }
        #expect(try await running.exitStatus() == 0, "\(running.stderr)")
        let lines = running.stdout.split(separator: "\n").map(String.init)
        print("AppDeploymentDeployCommandTests: off a terminal:\n\(running.stdout)\(running.stderr)")
        #expect(!running.stdout.contains("\u{1B}") && !running.stdout.contains("\r"), "no escape sequence off a terminal")
        let phases = lines.dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(
            phases == ["Pending", "Analyzing", "Building", "Deploying", "Exposed", "deployment.quartermaster.dev"],
            "one line per change: \(lines)")
        #expect(lines.contains { $0.hasPrefix("Building       30%") && $0.hasSuffix("building 3f2c1a9") }, "\(lines)")
        #expect(lines.last == "deployment.quartermaster.dev \(ns)/node-web is exposed at https://web.apps.example.com")

        // Deploying again with --tag: the existing object is merge-patched (the branch goes,
        // the tag comes; build fields not given stay), and exposure of the new generation ends it.
        let again = try Running(["deploy", url, "--tag", "v2", "--no-wait"] + common)
        #expect(try await again.exitStatus() == 0, "\(again.stderr)")
        #expect(again.stdout.contains("node-web exists: spec.source and spec.build updated"), "\(again.stdout)")
        let patched = try await raw(client, "node-web", ns)
        #expect(patched["spec"]?.value(at: "source", "git", "tag") == "v2")
        #expect(patched["spec"]?.value(at: "source", "git", "branch") == nil)
        #expect(patched["spec"]?.value(at: "source", "follow") == nil)
        #expect(patched["spec"]?.value(at: "build", "port") == 3000)
        #expect((patched.metadata.generation ?? 0) > generation)

        // An image Deployment pointed at a repository: spec.image goes.
        _ = try await client.create(
            AppDeployment(metadata: ObjectMeta(name: "api", namespace: ns), spec: AppDeploymentSpec(image: "ghcr.io/acme/api:1")))
        let switched = try Running(["deploy", url, "--name", "api", "--no-wait"] + common)
        #expect(try await switched.exitStatus() == 0, "\(switched.stderr)")
        let api = try await raw(client, "api", ns)
        #expect(api["spec"]?["image"] == nil, "\(String(describing: api["spec"]))")
        #expect(api["spec"]?.value(at: "source", "git", "url") == .string(url))
    }

    @Test(
        "Failed ends with the reason and message and exit 1; the time limit with exit 2",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func failedAndTimeout() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: AppDeploymentCommandLineTests.binary))
        let (_, client, ns, common) = try await setUp("qdeploy-failed")
        let url = try Self.repository()
        let running = try Running(["deploy", url, "--name", "web"] + common)
        defer { if running.process.isRunning { running.process.terminate() } }
        try await running.waitFor("Pending")
        let generation = try #require(try await raw(client, "web", ns).metadata.generation)
        try await play(client, "web", ns, Self.status("Analyzing", progress: 10, generation: generation))
        try await running.waitFor("Analyzing")
        try await play(
            client, "web", ns,
            Self.status(
                "Failed", progress: 30, generation: generation,
                extra: [
                    "build": [
                        "phase": "Failed", "reason": "BuildFailed", "message": "kaniko: npm ci exited with code 1",
                        "commit": .string(Self.commit), "namespace": "x-build", "job": "web-build-1",
                        "image": .string("registry.example.com/acme/web:\(Self.commit)"),
                    ]
                ]))
        #expect(try await running.exitStatus() == 1)
        print("AppDeploymentDeployCommandTests: failed:\n\(running.stdout)\(running.stderr)")
        #expect(running.stdout.split(separator: "\n").last?.hasPrefix("Failed         30%") == true, "\(running.stdout)")
        #expect(
            running.stderr.contains(
                "quartermaster deploy: deployment.quartermaster.dev \(ns)/web failed: BuildFailed: kaniko: npm ci exited with code 1"),
            "\(running.stderr)")

        // Nothing plays the status of `slow`: the time limit ends it.
        let slow = try Running(["deploy", url, "--name", "slow", "--timeout", "2s"] + common)
        #expect(try await slow.exitStatus() == 2)
        #expect(slow.stderr.contains("not exposed within 2s"), "\(slow.stderr)")
    }

    @Test(
        "on a terminal: one progress line redrawn in place, the phase in colour, then the URL",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func terminalOutput() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: AppDeploymentCommandLineTests.binary))
        let (_, client, ns, common) = try await setUp("qdeploy-tty")
        let url = try Self.repository()
        let cli = Self.cli
        let socket = "qm-deploy-\(UUID().uuidString.prefix(8))"
        let command =
            "env -u NO_COLOR TERM=xterm-256color "
            + ([AppDeploymentCommandLineTests.binary, "deploy", url, "--name", "web"] + common)
            .map(AppDeploymentCommandLineTests.shellQuoted).joined(separator: " ")
            // The pane stays for the capture, then ends by itself within 10 minutes, and the tmux
            // server with it: `kill-server` below does not end it, because the pane's process
            // inherits the test process's blocked signals and never sees the SIGHUP (an endless
            // `cat` here left a tmux server behind on every run).
            + "; echo \"exit=$?\"; tmux -L \(socket) wait-for -S done; exec sleep 600"
        try await cli.tmux(socket, ["new-session", "-d", "-s", "cli", "-x", "200", "-y", "60", command])
        do {
            func pane() async throws -> String { try await cli.tmux(socket, ["capture-pane", "-p", "-J", "-t", "cli"]) }
            try await eventually("the pane shows the first progress line", timeout: Self.hangGuard) {
                try await pane().contains("Pending")
            }
            let generation = try #require(try await raw(client, "web", ns).metadata.generation)
            var shown: [String] = []
            for step in Self.steps(generation: generation) {
                try await play(client, "web", ns, step.status)
                try await eventually("the pane shows \(step.shows)", timeout: Self.hangGuard) {
                    try await pane().contains(step.shows)
                }
                shown.append(try await pane())
            }
            try await cli.tmux(socket, ["wait-for", "done"])
            let text = try await cli.tmux(socket, ["capture-pane", "-p", "-J", "-t", "cli", "-S", "-"])
            let decorated = try await cli.tmux(socket, ["capture-pane", "-p", "-e", "-J", "-t", "cli", "-S", "-"])
            try await cli.tmux(socket, ["kill-server"])
            print("AppDeploymentDeployCommandTests: on a terminal:\n\(text)")
            let lines = text.split(separator: "\n").map { String($0.reversed().drop { $0 == " " }.reversed()) }
            #expect(lines.first == "deployment.quartermaster.dev \(ns)/web created")
            #expect(lines.dropFirst().first?.hasPrefix("Exposed       100%") == true, "\(lines)")
            #expect(lines.dropFirst(2).first == "deployment.quartermaster.dev \(ns)/web is exposed at https://web.apps.example.com")
            #expect(lines.contains("exit=0"))
            #expect(
                !lines.contains { $0.hasPrefix("Building") || $0.hasPrefix("Analyzing") || $0.hasPrefix("Pending") },
                "the earlier steps were redrawn over, not printed below: \(lines)")
            #expect(shown.contains { $0.contains("Building       30%") && $0.contains("building 3f2c1a9") })
            #expect(decorated.contains(try Regex("\u{1B}\\[[0-9;]+mExposed")), "the phase is coloured")
        } catch {
            _ = try? await cli.tmux(socket, ["kill-server"])
            throw error
        }
    }
}
