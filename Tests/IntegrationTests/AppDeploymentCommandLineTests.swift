import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// `quartermaster status` and `quartermaster rollback` (the built binary) against a real API
/// server (envtest). The test plays the controller: it writes the Deployment's status, with its
/// history, through the status subresource. `status` runs off a terminal (pipes: plain text)
/// and on one (a tmux pane: bold and colours, the same text); `rollback` is checked by reading
/// `spec.rollbackTo` back.
@Suite("Deployment CLI (status, rollback) on envtest", .serialized)
struct AppDeploymentCommandLineTests {
    /// Bounds every wait for a process or a pane: only a hang reaches it.
    static let hangGuard = Duration.seconds(120)
    static let binary = IPFSClusterEnv.repositoryRoot + "/.build/debug/quartermaster"
    static let escape = "\u{1B}"

    static func digest(_ prefix: String) -> String {
        "sha256:" + prefix + String(repeating: "0", count: 64 - prefix.count)
    }

    /// Installs the CRD, creates `deployments.quartermaster.dev` `name` and writes `status` to it
    /// through the status subresource, as the controller would.
    func create(
        _ env: EnvTest, _ client: KubeClient, name: String, namespace: String, status: AppDeploymentStatus
    ) async throws -> AppDeployment {
        let yaml = try String(
            contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/crds/quartermaster.dev_deployments.yaml", encoding: .utf8)
        try await env.installCRD(yaml: yaml)
        var created = try await client.create(
            AppDeployment(metadata: ObjectMeta(name: name, namespace: namespace), spec: AppDeploymentSpec(image: "ghcr.io/acme/web:1.4")))
        var written = status
        written.observedGeneration = created.metadata.generation
        written.conditions = written.conditions?.map { c in
            var c = c
            c.observedGeneration = created.metadata.generation
            return c
        }
        created.status = written
        return try await client.replaceStatus(created)
    }

    static func condition(_ type: String, _ status: Condition.Status, _ reason: String, _ message: String) -> Condition {
        Condition(
            type: type, status: status, lastTransitionTime: "2026-12-02T09:31:00Z", reason: reason, message: message)
    }

    /// Three revisions: 1 superseded, 2 rolled back automatically, 3 served and exposed.
    static let exposed = AppDeploymentStatus(
        phase: .exposed, revision: 3, url: "https://web.apps.example.com", ip: "203.0.113.7",
        image: .init(reference: "ghcr.io/acme/web:1.4", digest: digest("4d0b")), replicas: 2, availableReplicas: 2,
        history: [
            .init(
                revision: 1, image: "ghcr.io/acme/web:1.2", digest: digest("1111"), templateHash: "0123456789abcdef",
                deployedAt: "2026-11-30T08:00:00Z", outcome: .superseded, reason: "", message: ""),
            .init(
                revision: 2, image: "ghcr.io/acme/web:1.3", digest: digest("9f2c"), templateHash: "0123456789abcdef",
                deployedAt: "2026-12-01T10:00:00Z", outcome: .rolledBack, reason: "ProgressDeadlineExceeded",
                message: "not available within 600s"),
            .init(
                revision: 3, image: "ghcr.io/acme/web:1.4", digest: digest("4d0b"), templateHash: "0123456789abcdef",
                deployedAt: "2026-12-02T09:30:00Z", outcome: .healthy, reason: "", message: ""),
        ],
        conditions: [
            condition("Ready", .true, "Exposed", "served at https://web.apps.example.com"),
            condition("Reconciling", .false, "Exposed", "converged"),
            condition("Stalled", .false, "Exposed", "converged"),
            condition("RolledBack", .true, "ProgressDeadlineExceeded", "revision 2 rolled back to revision 1"),
        ])

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the built binary off a terminal: standard output and error are pipes.
    func run(_ arguments: [String]) async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: \(Self.binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm-256color"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (o, e) = await (stdout, stderr)
        try await eventually("quartermaster \(arguments.prefix(2)) exits", timeout: Self.hangGuard) { !process.isRunning }
        return Run(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs a tmux client command on the test's own tmux server (socket `socket`). Through a
    /// shell that closes every descriptor above 2 first: Foundation's `Process` learns that a
    /// child exited when a socket the child inherited closes, and the tmux server that
    /// `new-session` forks would otherwise keep it open for as long as it runs.
    @discardableResult
    func tmux(_ socket: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments =
            [
                "-c",
                #"for fd in $(ls /proc/$$/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done; exec tmux "$@""#,
                "sh", "-L", socket, "-f", "/dev/null",
            ] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = await Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        try await eventually("tmux \(arguments.first ?? "") exits", timeout: Self.hangGuard) { !process.isRunning }
        try #require(process.terminationStatus == 0, "tmux \(arguments) failed (is tmux installed?)")
        return String(decoding: data, as: UTF8.self)
    }

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs the built binary in a detached tmux pane (a terminal, 200 columns) and returns what
    /// the pane shows up to the command's exit line, with and without escape sequences.
    func runOnTerminal(_ arguments: [String]) async throws -> (decorated: [String], text: [String], exit: String) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: \(Self.binary)")
        let socket = "qm-cli-\(UUID().uuidString.prefix(8))"
        let command =
            "env -u NO_COLOR TERM=xterm-256color " + ([Self.binary] + arguments).map(Self.shellQuoted).joined(separator: " ")
            // The pane stays for the capture, then ends by itself within 10 minutes, and the tmux
            // server with it: `kill-server` below does not end it, because the pane's process
            // inherits the test process's blocked signals and never sees the SIGHUP (an endless
            // `cat` here left a tmux server behind on every run).
            + "; echo \"exit=$?\"; tmux -L \(socket) wait-for -S done; exec sleep 600"
        try await tmux(socket, ["new-session", "-d", "-s", "cli", "-x", "200", "-y", "60", command])
        do {
            // Returns once the pane's command signals `done` (tmux remembers a signal sent first).
            try await tmux(socket, ["wait-for", "done"])
            let decorated = try await tmux(socket, ["capture-pane", "-p", "-e", "-J", "-t", "cli", "-S", "-"])
            let text = try await tmux(socket, ["capture-pane", "-p", "-J", "-t", "cli", "-S", "-"])
            try await tmux(socket, ["kill-server"])
            func upToExit(_ s: String) -> [String] {
                let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map {
                    String($0.reversed().drop { $0 == " " }.reversed())
                }
                return Array(lines.prefix { !$0.hasPrefix("exit=") })
            }
            let exit = text.split(separator: "\n").first { $0.hasPrefix("exit=") }.map(String.init) ?? "(no exit line)"
            return (upToExit(decorated), upToExit(text), exit)
        } catch {
            _ = try? await tmux(socket, ["kill-server"])
            throw error
        }
    }

    @Test(
        "status prints phase, revision, URL, IP, digest, conditions and history: plain off a terminal, bold and colour on one",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func status() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("qdeploy-status")
        let client = try IPFSClusterEnv.adminClient(env)
        let stored = try await create(env, client, name: "web", namespace: ns, status: Self.exposed)
        #expect(stored.status?.history?.count == 3, "the status subresource kept the history")
        let common = ["-n", ns, "--kubeconfig", env.kubeconfigPath(for: .admin)]

        let plain = try await run(["status", "web"] + common)
        print("AppDeploymentCommandLineTests: status off a terminal:\n\(plain.stdout)\(plain.stderr)")
        #expect(plain.status == 0)
        #expect(plain.stderr.isEmpty, "\(plain.stderr)")
        #expect(!plain.stdout.contains(Self.escape), "no escape sequences off a terminal")
        let lines = plain.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for expected in [
            "Deployment \(ns)/web",
            "  phase:    Exposed",
            "  revision: 3",
            "  url:      https://web.apps.example.com",
            "  ip:       203.0.113.7",
            "  digest:   \(Self.digest("4d0b"))",
            "  replicas: 2/2 available",
            "  RolledBack  True  ProgressDeadlineExceeded  revision 2 rolled back to revision 1",
            "  REVISION  DIGEST               DEPLOYED AT           OUTCOME     REASON",
            "  1         sha256:111100000000  2026-11-30T08:00:00Z  Superseded",
            "  2         sha256:9f2c00000000  2026-12-01T10:00:00Z  RolledBack  ProgressDeadlineExceeded",
            "  3*        sha256:4d0b00000000  2026-12-02T09:30:00Z  Healthy",
        ] {
            #expect(lines.contains(expected), "missing line \(expected)")
        }
        #expect(!plain.stdout.contains("Reconciling"), "conditions in their good state are left out")
        #expect(lines == AppDeploymentStatusReport.render(stored, style: .plain) + [""])

        let terminal = try await runOnTerminal(["status", "web"] + common)
        print("AppDeploymentCommandLineTests: status on a terminal:\n\(terminal.decorated.joined(separator: "\n"))")
        #expect(terminal.exit == "exit=0")
        #expect(terminal.text == Array(lines.dropLast()), "the same text in the same columns on a terminal")
        let decorated = terminal.decorated.joined(separator: "\n")
        #expect(decorated.contains(Self.escape), "escape sequences on a terminal")
        // tmux re-renders attributes in its own words (bold 1, foreground 32 or 38;5;2), so the
        // test checks each decorated word is wrapped in some SGR sequence, not the exact bytes.
        for word in ["Deployment", "Exposed", "REVISION", "RolledBack", "Healthy"] {
            #expect(decorated.contains(try Regex("\u{1B}\\[[0-9;]+m\(word)")), "\(word) is decorated")
        }
        #expect(!decorated.contains(try Regex("\u{1B}\\[[0-9;]+mSuperseded")), "Superseded is plain")

        let missing = try await run(["status", "nope"] + common)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("deployment.quartermaster.dev \(ns)/nope not found"), "\(missing.stderr)")
    }

    @Test(
        "rollback: merge patch of spec.rollbackTo; without --to-revision the newest healthy revision before the served one; refusals write nothing",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func rollback() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("qdeploy-rollback")
        let client = try IPFSClusterEnv.adminClient(env)
        let stored = try await create(env, client, name: "web", namespace: ns, status: Self.exposed)
        let common = ["-n", ns, "--kubeconfig", env.kubeconfigPath(for: .admin)]
        func rollbackTo() async throws -> Int? {
            try await client.getIfExists(AppDeployment.self, name: "web", namespace: ns)?.spec.rollbackTo?.revision
        }

        let unknown = try await run(["rollback", "web", "--to-revision", "7"] + common)
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.contains("revision 7 is not in the history (kept: 1, 2, 3)"), "\(unknown.stderr)")
        #expect(try await rollbackTo() == nil, "nothing written")
        let untouched = try await client.getIfExists(AppDeployment.self, name: "web", namespace: ns)
        #expect(untouched?.metadata.generation == stored.metadata.generation)

        // Revision 2 was rolled back from: the default is revision 1, the newest healthy one before 3.
        let previous = try await run(["rollback", "web"] + common)
        print("AppDeploymentCommandLineTests: rollback:\n\(previous.stdout)\(previous.stderr)")
        #expect(previous.status == 0, "\(previous.stderr)")
        #expect(previous.stdout.contains("spec.rollbackTo.revision set to 1, digest \(Self.digest("1111"))"), "\(previous.stdout)")
        #expect(try await rollbackTo() == 1)
        let patched = try #require(try await client.getIfExists(AppDeployment.self, name: "web", namespace: ns))
        #expect(patched.spec.image == "ghcr.io/acme/web:1.4", "only spec.rollbackTo changed")
        #expect(patched.status?.history?.count == 3, "status untouched")

        let chosen = try await run(["rollback", "web", "--to-revision", "2"] + common)
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(try await rollbackTo() == 2)

        let status = try await run(["status", "web"] + common)
        #expect(status.stdout.contains("  rollback: spec.rollbackTo.revision 2 (remove it to serve spec.image again)"), "\(status.stdout)")

        // A Deployment whose only revision is served has nothing to roll back to.
        var single = Self.exposed
        single.revision = 1
        single.history = [
            .init(
                revision: 1, image: "ghcr.io/acme/web:1.2", digest: Self.digest("1111"), templateHash: "0123456789abcdef",
                deployedAt: "2026-11-30T08:00:00Z", outcome: .healthy, reason: "", message: "")
        ]
        single.conditions = [Self.condition("Ready", .true, "Exposed", "served")]
        _ = try await create(env, client, name: "solo", namespace: ns, status: single)
        let nothing = try await run(["rollback", "solo"] + common)
        #expect(nothing.status == 1)
        #expect(
            nothing.stderr.contains("no Healthy or Superseded revision older than the served revision 1 to roll back to"),
            "\(nothing.stderr)")
        #expect(try await client.getIfExists(AppDeployment.self, name: "solo", namespace: ns)?.spec.rollbackTo == nil)

        let missing = try await run(["rollback", "nope"] + common)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not found"), "\(missing.stderr)")
    }
}
