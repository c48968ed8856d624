import Foundation
import Testing

/// A real git repository made in a temporary directory for a test: files written, committed
/// with the local `git`, branches and tags added on demand. Removed by ``remove()``.
struct SampleRepository {
    let directory: URL
    var url: String { "file://" + directory.path }

    /// A repository whose first commit holds `files` (relative path → text) on branch `main`.
    init(_ files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qm-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git("init", "--quiet", "--initial-branch=main")
        try commit(files, message: "initial")
    }

    /// Writes `files` and commits them; the new commit's id.
    @discardableResult
    func commit(_ files: [String: String], message: String) throws -> String {
        for (path, text) in files {
            let file = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        try git("add", "--all")
        try git("commit", "--quiet", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// Runs git in the repository; its stdout, trimmed. Throws on a non-zero exit.
    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try Self.run(["git", "-c", "user.name=test", "-c", "user.email=test@quartermaster.dev", "-c", "tag.gpgSign=false",
            "-c", "commit.gpgSign=false"] + arguments, in: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    struct CommandFailed: Error, CustomStringConvertible {
        var command: [String]
        var status: Int32
        var stderr: String
        var description: String { "\(command.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    /// Runs `command` (looked up on PATH) in `directory`; stdout trimmed.
    static func run(_ command: [String], in directory: URL? = nil, environment: [String: String]? = nil, stdin: String? = nil)
        throws -> String
    {
        let result = try runCapturing(command, in: directory, environment: environment, stdin: stdin)
        guard result.status == 0 else { throw CommandFailed(command: command, status: result.status, stderr: result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `command`; its exit status, stdout and stderr.
    static func runCapturing(
        _ command: [String], in directory: URL? = nil, environment: [String: String]? = nil, stdin: String? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qm-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        let inURL = scratch.appendingPathComponent("in")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        try Data((stdin ?? "").utf8).write(to: inURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}

/// A fresh temporary directory (a Job's `/workspace`).
func temporaryWorkdir() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("qm-workdir-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
