import Dispatch
import Foundation
import Synchronization

/// The outcome of a finished command.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public var succeeded: Bool { status == 0 }

    public init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// Why a command could not be run or failed.
public struct CommandError: Error, CustomStringConvertible, Sendable {
    public var command: String
    public var status: Int32?
    public var message: String

    public var description: String {
        if let status { return "\(command) exited with status \(status): \(message)" }
        return "\(command) could not start: \(message)"
    }
}

/// Runs short commands (`initdb`, `psql`, `pg_ctl`, ...) to completion without holding a
/// thread of Swift's cooperative pool: the blocking work happens on a Dispatch queue.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, writing `input` (if any) to its standard input and
    /// collecting both outputs. `environment` defaults to the manager's own.
    public static func run(
        _ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil
    ) async -> Result<ProcessResult, CommandError> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: runBlocking(executable, arguments, input: input, environment: environment))
            }
        }
    }

    /// `run`, throwing `CommandError` unless the status is 0 (the message is standard error).
    @discardableResult
    public static func check(
        _ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil
    ) async throws -> ProcessResult {
        let result = try await run(executable, arguments, input: input, environment: environment).get()
        guard result.succeeded else {
            let name = (executable as NSString).lastPathComponent
            throw CommandError(
                command: name, status: result.status,
                message: result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], input: String?, environment: [String: String]?
    ) -> Result<ProcessResult, CommandError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do {
            try process.run()
        } catch {
            return .failure(CommandError(command: executable, status: nil, message: "\(error)"))
        }
        if let input {
            let handle = inPipe.fileHandleForWriting
            try? handle.write(contentsOf: Data(input.utf8))
            try? handle.close()
        }
        let group = DispatchGroup()
        let errorData = LockedData()
        group.enter()
        DispatchQueue.global().async {
            errorData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return .success(
            ProcessResult(
                status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                standardError: String(decoding: errorData.get(), as: UTF8.self)))
    }
}

/// Data handed from one thread to another.
private final class LockedData: Sendable {
    private let data = Mutex(Data())
    func set(_ d: Data) { data.withLock { $0 = d } }
    func get() -> Data { data.withLock { $0 } }
}
