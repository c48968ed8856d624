import Foundation

/// Runs `git` (found on `PATH`) as a child process with a fixed environment: no terminal
/// prompts, no system or global configuration, only the transports the remote may use
/// (`GIT_ALLOW_PROTOCOL`), and the credentials' settings.
public struct GitRunner: Sendable {
    /// A failed git command: its last stderr line with URL userinfo stripped.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var message: String
        public var description: String {
            message.isEmpty ? "git \(command) exited with \(status)" : "git \(command) exited with \(status): \(message)"
        }
    }

    let environment: [String: String]
    let configuration: [String]
    let scratch: URL

    /// `allowedProtocols`: git's protocol names (`https`, `ssh`, `file`). `scratch` holds each
    /// command's captured output and is git's `TMPDIR` (the Job's root filesystem may be
    /// read-only); default: the process's temporary directory.
    public init(credentials: GitCredentials, allowedProtocols: [String], home: URL, scratch: URL? = nil) {
        self.scratch = scratch ?? FileManager.default.temporaryDirectory
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            ["PATH", "LANG", "LC_ALL", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]
                .contains(key)
        }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        environment["HOME"] = home.path
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_ASKPASS"] = "true"
        environment["SSH_ASKPASS"] = "true"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_ALLOW_PROTOCOL"] = allowedProtocols.joined(separator: ":")
        environment["TMPDIR"] = self.scratch.path
        environment.merge(credentials.environment) { _, new in new }
        self.environment = environment
        self.configuration = credentials.configuration
    }

    /// Runs `git <arguments>` (in `directory` when given); its stdout, trimmed. Throws
    /// ``Failure`` on a non-zero exit. `name` is what a failure calls the command (never the URL).
    @discardableResult
    public func run(_ arguments: [String], in directory: URL? = nil, name: String) throws -> String {
        let scratch = self.scratch.appendingPathComponent("qm-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: scratch.path]) }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + configuration + arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            let last = lines.last { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") } ?? lines.last { !$0.isEmpty } ?? ""
            throw Failure(command: name, status: process.terminationStatus, message: GitRemote.redact(String(last.prefix(512))))
        }
        return stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
