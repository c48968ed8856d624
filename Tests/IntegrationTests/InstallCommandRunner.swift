import Foundation
import KubeClient

/// Runs a command-line tool for the install acceptance tests and captures its output.
enum InstallCommandRunner {
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// The repository root, found from this source file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `executable` (looked up on PATH through /usr/bin/env) in the repository root.
    /// stderr goes to a temporary file, so a chatty tool cannot block on a full pipe.
    /// Runs on a thread of its own (`BlockingWork`), so waiting never holds a concurrency
    /// pool thread that other tests need.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Result {
        try await BlockingWork.run { try runBlocking(executable, arguments) }
    }

    /// `run`, blocking the calling thread.
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Result {
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-install-\(UUID().uuidString).stderr")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CommandFailed(description: "cannot create \(errorFile.path)")
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        defer { try? errorHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.currentDirectoryURL = repositoryRoot
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = errorHandle
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, stdout: output, stderr: errors)
    }

    /// Runs and requires exit status 0; returns stdout.
    static func output(_ executable: String, _ arguments: [String]) async throws -> Data {
        let result = try await run(executable, arguments)
        guard result.status == 0 else {
            throw CommandFailed(
                description: "\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}
