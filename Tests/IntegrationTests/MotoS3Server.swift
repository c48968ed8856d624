import Foundation
import KubeClient

/// A real S3 server on loopback for the end-to-end backup tests: `moto_server -H 127.0.0.1 -p
/// <free port>` with one bucket, authentication off (moto then accepts any access key, so the
/// credentials Secret can hold any values). The minimal part of `PostgresInstanceManagerTests`'
/// `MotoServer` (which also makes an IAM user and lists keys with boto3): that target's process
/// helpers are its own, so the few lines are repeated here rather than shared.
final class MotoS3Server: Sendable {
    let port: Int
    let bucket: String
    private let process: Process

    /// `http://127.0.0.1:<port>`.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Bounds a hang of moto's start (a Python import on a loaded machine), not its speed.
    static let startHangGuard = Duration.seconds(60)

    /// `moto_server`: from `PATH` (pyenv shims skipped), else the first pyenv version that has it.
    static let executable: String? = {
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        var candidates = (env["PATH"] ?? "").split(separator: ":").map { "\($0)/moto_server" }
            .filter { !$0.contains("/shims/") }
        let pyenv = (env["PYENV_ROOT"] ?? "/root/.pyenv") + "/versions"
        for version in ((try? fm.contentsOfDirectory(atPath: pyenv)) ?? []).sorted() {
            candidates.append("\(pyenv)/\(version)/bin/moto_server")
        }
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }()

    /// Why the end-to-end backup test cannot run here; `nil` when it can.
    static let missing: String? = {
        for tool in ["wal-archive", "wal-restore", "backup", "backup-list", "backup-show", "restore", "check-wal-archive"]
        where !FileManager.default.isExecutableFile(atPath: "/usr/bin/barman-cloud-\(tool)") {
            return "/usr/bin/barman-cloud-\(tool) is missing (Debian package barman-cli-cloud)"
        }
        if executable == nil { return "moto_server is missing (pip install 'moto[server]')" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") { return "/usr/bin/curl is missing" }
        return nil
    }()

    struct Failure: Error, CustomStringConvertible { var description: String }

    private init(process: Process, port: Int, bucket: String) {
        self.process = process
        self.port = port
        self.bucket = bucket
    }

    /// Starts moto on a free port (its output in `logFile`), waits until it answers, and
    /// creates `bucket`.
    static func start(logFile: String, bucket: String) async throws -> MotoS3Server {
        guard let executable else { throw Failure(description: "no moto_server") }
        let port = PostgresWritersTests.freePort()
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let server = MotoS3Server(process: process, port: port, bucket: bucket)
        let answering = await CoreTest.eventually(timeout: startHangGuard) {
            await curl(["-s", "-o", "/dev/null", server.endpoint + "/"]) == 0
        }
        guard answering else {
            await server.stop()
            throw Failure(description: "moto_server never answered on \(port)")
        }
        guard await curl(["-sf", "-X", "PUT", "\(server.endpoint)/\(bucket)"]) == 0 else {
            await server.stop()
            throw Failure(description: "moto_server did not create the bucket \(bucket)")
        }
        return server
    }

    /// The object keys under `prefix` (S3 ListObjectsV2, first 1000), or `[]`.
    func keys(prefix: String) async -> [String] {
        let out = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sf", "\(endpoint)/\(bucket)?list-type=2&prefix=\(prefix)"]
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [] }
        let reader = out.fileHandleForReading
        let data = await BlockingWork.run { reader.readDataToEndOfFile() }
        let text = String(decoding: data, as: UTF8.self)
        await process.exited()
        return text.components(separatedBy: "<Key>").dropFirst().compactMap { $0.components(separatedBy: "</Key>").first }
    }

    /// Kills moto (SIGKILL: it keeps nothing worth flushing, and it leaves SIGTERM pending
    /// while it serves).
    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        await process.exited()
    }

    /// Runs curl; its exit status.
    private static func curl(_ arguments: [String]) async -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--max-time", "10"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        await process.exited()
        return process.terminationStatus
    }
}
