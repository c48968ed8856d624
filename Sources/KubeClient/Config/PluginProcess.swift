import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a credential plugin to completion without a terminal: standard input is `/dev/null`,
/// standard output and error are captured. The blocking work happens on dispatch threads, not
/// on the caller's executor.
enum PluginProcess {
    struct Output: Sendable {
        var exitCode: Int32
        var stdout: Data
        var stderr: Data
        /// True when the process was killed for exceeding the timeout.
        var timedOut: Bool
    }

    /// Runs `executable` (an absolute path) with exactly `environment`; kills it with SIGKILL
    /// after `timeout`. Throws the launch error when it cannot be started.
    static func run(
        executable: String, arguments: [String], environment: [String: String], timeout: Duration
    ) async throws -> Output {
        try await BlockingWork.run { try runBlocking(executable, arguments, environment, timeout) }
    }

    private final class Collected: Sendable {
        let stderr = Mutex(Data())
        let timedOut = Mutex(false)
        let finished = Mutex(false)
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ timeout: Duration
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let collected = Collected()
        let readers = DispatchGroup()
        let errReader = err.fileHandleForReading
        readers.enter()
        Thread.detachNewThread {
            let data = errReader.readDataToEndOfFile()
            collected.stderr.withLock { $0 = data }
            readers.leave()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            let shouldKill = collected.finished.withLock { finished -> Bool in
                if finished { return false }
                collected.timedOut.withLock { $0 = true }
                return true
            }
            if shouldKill { _ = kill(pid, SIGKILL) }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        readers.wait()
        process.waitUntilExit()
        collected.finished.withLock { $0 = true }
        let stderr = collected.stderr.withLock { $0 }
        return Output(
            exitCode: process.terminationStatus, stdout: stdout, stderr: stderr,
            timedOut: collected.timedOut.withLock { $0 })
    }
}
