import Foundation
import KubeTestSupport
import Synchronization
import Testing

/// The built `quartermaster` binary refuses a kubeconfig it cannot use, with a message that
/// names the file and what is missing, and a non-zero exit status.
@Suite("Core: the quartermaster binary and unusable kubeconfigs")
struct CoreCommandLineTests {
    /// `.build/debug/quartermaster` next to the sources (what `swift build` / `swift test` built).
    static let binary = CoreTest.repositoryRoot.appendingPathComponent(".build/debug/quartermaster").path

    /// Runs the binary with `arguments`, killing it after `timeout`; returns status and stderr.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (status: Int32, stderr: String) {
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-cli-\(UUID().uuidString).stderr")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        defer { try? errorHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardError = errorHandle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            process.terminate()
            await process.exited()
            Issue.record("quartermaster \(arguments) still ran after \(timeout)")
        }
        let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, stderr)
    }

    @Test(
        "a kubeconfig without current-context, or with --context naming no context, exits non-zero naming the file",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func unusableContext() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.binary),
            "build the package first (swift build): \(Self.binary)")
        let env = try await EnvTest.shared()
        // The admin kubeconfig with its current-context line removed: everything else is valid.
        let original = try String(contentsOfFile: env.kubeconfigPath(for: .admin), encoding: .utf8)
        #expect(original.contains("current-context"))
        let stripped = original.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("current-context") }.joined(separator: "\n")
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-no-context-\(UUID().uuidString).yaml").path
        try Data(stripped.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let common = ["run", "--kubeconfig", path, "--metrics-bind-address", "0", "--health-probe-bind-address", "0"]

        let noContext = try await Self.run(common)
        print("CoreCommandLineTests: no current-context -> exit \(noContext.status): \(noContext.stderr)")
        #expect(noContext.status != 0)
        #expect(noContext.stderr.contains(path), "\(noContext.stderr)")
        #expect(noContext.stderr.contains("current-context"), "\(noContext.stderr)")

        let nope = try await Self.run(common + ["--context", "nope"])
        print("CoreCommandLineTests: --context nope -> exit \(nope.status): \(nope.stderr)")
        #expect(nope.status != 0)
        #expect(nope.stderr.contains(path), "\(nope.stderr)")
        #expect(nope.stderr.contains("\"nope\""), "\(nope.stderr)")
        // Secrets never appear in the message.
        let token = try #require(env.token(for: .admin))
        #expect(!noContext.stderr.contains(token))
        #expect(!nope.stderr.contains(token))

        // The unmodified kubeconfig with the same flags gets past loading: it runs until stopped.
        let valid = Process()
        valid.executableURL = URL(fileURLWithPath: Self.binary)
        // Scoped to a namespace no other test uses, so its controllers leave other tests' objects alone.
        let quiet = try await env.createNamespace("cli")
        valid.arguments = ["run", "--kubeconfig", env.kubeconfigPath(for: .admin), "--metrics-bind-address", "0",
            "--health-probe-bind-address", "0", "--namespace", quiet]
        valid.standardOutput = FileHandle.nullDevice
        // Its log says when it got past loading and started its workers: only then is SIGTERM
        // the orderly stop under test (before its handlers exist it would just kill it).
        final class Output: Sendable {
            let log = Mutex(Data())
            let exited = Mutex(false)
            var text: String { log.withLock { String(decoding: $0, as: UTF8.self) } }
        }
        let output = Output()
        let stderr = Pipe()
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil } else { output.log.withLock { $0.append(chunk) } }
        }
        valid.standardError = stderr
        valid.terminationHandler = { _ in output.exited.withLock { $0 = true } }
        try valid.run()
        _ = await CoreTest.eventually(timeout: .seconds(300)) {
            output.exited.withLock { $0 } || output.text.contains("starting workers")
        }
        if !valid.isRunning || !output.text.contains("starting workers") {
            Issue.record("exited or never started its workers on a valid kubeconfig: \(output.text)")
        }
        valid.terminate()
        await valid.exited()
        print("CoreCommandLineTests: valid kubeconfig ran until SIGTERM, then exited \(valid.terminationStatus)")
        #expect(valid.terminationStatus == 0)
    }
}
