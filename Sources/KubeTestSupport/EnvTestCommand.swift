import Foundation
import Synchronization

/// What a finished command printed and how it exited.
struct CommandOutput: Sendable {
    /// The exit status; 128 + N when the command was killed by signal N (as a shell reports it).
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs command-line tools (kubectl, openssl, curl) to completion without blocking a thread.
///
/// Output goes to temporary files rather than pipes, so a command that prints a lot cannot
/// block on a full pipe. Standard input is the given bytes or `/dev/null` (never the test's).
enum CommandRunner {
    /// The absolute path of `tool` on `PATH`, or `nil`.
    static func which(_ tool: String) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `tool` (looked up on `PATH`) with `arguments`; kills it with SIGKILL after `timeout`.
    ///
    /// - Returns: the exit status and output; a timeout shows as status 137 (killed).
    /// - Throws: `EnvTestError.toolMissing` when the tool is not installed, `.system` when it
    ///   cannot be started.
    static func run(
        _ tool: String, _ arguments: [String], stdin: Data? = nil, timeout: Duration = .seconds(120),
        environment: [String: String]? = nil
    ) async throws(EnvTestError) -> CommandOutput {
        guard let executable = which(tool) else { throw .toolMissing(tool) }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-envtest-cmd-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw .system("cannot create \(scratch.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let status: Int32
        do {
            for url in [outURL, errURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
                throw EnvTestError.system("cannot create \(url.path)")
            }
            let out = try FileHandle(forWritingTo: outURL)
            let err = try FileHandle(forWritingTo: errURL)
            defer { try? out.close(); try? err.close() }
            process.standardOutput = out
            process.standardError = err
            if let stdin {
                let inURL = scratch.appendingPathComponent("stdin")
                try stdin.write(to: inURL)
                process.standardInput = try FileHandle(forReadingFrom: inURL)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            status = try await runToExit(process, timeout: timeout)
        } catch let error as EnvTestError {
            throw error
        } catch {
            throw .system("cannot run \(tool): \(error)")
        }
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return CommandOutput(status: status, stdout: stdout, stderr: stderr)
    }

    /// Like `run`, but throws `commandFailed` for a non-zero exit and returns stdout.
    static func check(
        _ tool: String, _ arguments: [String], stdin: Data? = nil, timeout: Duration = .seconds(120)
    ) async throws(EnvTestError) -> String {
        let output = try await run(tool, arguments, stdin: stdin, timeout: timeout)
        guard output.status == 0 else {
            throw .commandFailed(
                command: ([tool] + arguments.prefix(2)).joined(separator: " "), status: output.status,
                stderr: String(output.stderr.suffix(2000)))
        }
        return output.stdout
    }

    /// Starts `process` and waits for it to exit, killing it after `timeout`.
    private static func runToExit(_ process: Process, timeout: Duration) async throws -> Int32 {
        let exited = ExitSignal()
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        await exited.wait()
        watchdog.cancel()
        if process.terminationReason == .uncaughtSignal { return 128 + process.terminationStatus }
        return process.terminationStatus
    }
}

/// A one-shot event that any number of tasks can await, fired from any thread.
final class ExitSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.fired = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let fired = state.withLock { s -> Bool in
                if s.fired { return true }
                s.waiters.append(c)
                return false
            }
            if fired { c.resume() }
        }
    }

    var hasFired: Bool { state.withLock { $0.fired } }
}
