import Foundation
import KubeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `PostgresWriters` against a local PostgreSQL 15 server (run as the `postgres` user, no API
/// server): commits are acknowledged and present; a stopped server (SIGSTOP: connections are
/// accepted and never answered) makes attempts fail by their timeouts instead of hanging the
/// writer, and writing resumes once it continues; a killed server's refusals are failures too.
@Suite("PostgresWriters against a local PostgreSQL", .serialized)
struct PostgresWritersTests {
    static let bin = "/usr/lib/postgresql/15/bin"
    static let setpriv = "/usr/bin/setpriv"
    static var runnable: Bool {
        FileManager.default.isExecutableFile(atPath: "\(bin)/postgres")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") && geteuid() == 0
            && getpwnam("postgres") != nil
    }
    /// Bounds on a hang only, never an expectation of speed.
    static let hangGuard = Duration.seconds(120)

    /// Polls `condition` until it holds or `hangGuard` passes.
    static func eventually(_ condition: () async -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: hangGuard)
        while clock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    /// Runs `arguments` as `postgres`; returns the exit status and output.
    @discardableResult
    static func asPostgres(_ arguments: [String], wait: Bool = true) throws -> (Int32, String, Process) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid", "postgres", "--regid", "postgres", "--init-groups"] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        let output = Pipe()
        process.standardOutput = wait ? output : FileHandle.nullDevice
        process.standardError = wait ? output : FileHandle.nullDevice
        try process.run()
        guard wait else { return (0, "", process) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text, process)
    }

    /// A TCP port nothing listens on, held for the test process (`TestListenPorts`).
    static func freePort() -> Int { TestListenPorts.reserve() }

    static func psql(port: Int, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [
            "-X", "-A", "-t", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-c", sql,
        ]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test(
        "writers record acknowledged commits, survive a stopped server by their timeouts, resume when it continues, and count refusals",
        .enabled(if: runnable, "needs Debian's PostgreSQL 15, psql, a postgres user, and root"))
    func writersTolerateHangsAndRefusals() async throws {
        var template = Array("/tmp/qmwXXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        chmod(directory, 0o755)
        let user = try #require(getpwnam("postgres"))
        chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        let initdb = try Self.asPostgres([
            "\(Self.bin)/initdb", "-D", "\(directory)/data", "-A", "trust", "-U", "postgres",
        ])
        try #require(initdb.0 == 0, "\(initdb.1)")
        let port = Self.freePort()
        let server = try Self.asPostgres(
            [
                "\(Self.bin)/postgres", "-D", "\(directory)/data", "-k", directory, "-p", "\(port)",
                "-c", "listen_addresses=127.0.0.1",
            ], wait: false
        ).2
        let serverPID = server.processIdentifier
        defer { _ = kill(-serverPID, SIGKILL) }
        try #require(await Self.eventually { (try? Self.psql(port: port, "SELECT 1"))?.hasPrefix("1") == true })
        _ = try Self.psql(port: port, PostgresWriters.createTable)

        let writers = PostgresWriters(
            instances: ["pg-1"], address: { _ in "127.0.0.1" },
            uri: "postgresql://postgres@pg-1.invalid:\(port)/postgres?sslmode=disable", caFile: "/dev/null")
        writers.startWriting()
        #expect(await Self.eventually { writers.log.acknowledged.count >= 3 }, "\(writers.log)")

        // A stopped server: attempts end by their timeouts (the writer does not hang), nothing
        // is acknowledged meanwhile; once it continues, commits are acknowledged again.
        _ = kill(-serverPID, SIGSTOP)
        let frozenAt = writers.elapsed()
        let failuresBefore = writers.log.failures["pg-1"] ?? 0
        #expect(await Self.eventually { (writers.log.failures["pg-1"] ?? 0) >= failuresBefore + 2 }, "\(writers.log)")
        let acknowledgedWhileStopped = writers.log.acknowledged.filter {
            $0.sentAt > frozenAt
        }
        #expect(acknowledgedWhileStopped.isEmpty)
        _ = kill(-serverPID, SIGCONT)
        #expect(await Self.eventually { writers.log.downtime(after: frozenAt) != nil }, "\(writers.log)")

        // A killed server refuses: failures, no acknowledgement.
        _ = kill(-serverPID, SIGKILL)
        await server.exited()
        let refusedFrom = writers.elapsed()
        let failuresAfterKill = writers.log.failures["pg-1"] ?? 0
        #expect(await Self.eventually { (writers.log.failures["pg-1"] ?? 0) >= failuresAfterKill + 2 })
        let log = await writers.stop()
        #expect(!log.acknowledged.contains { $0.sentAt > refusedFrom })
        #expect(log.concurrentWriters(since: .zero) == nil, "one instance cannot write twice at once")

        // Every acknowledged row is in the table (the server restarted on its data).
        let restarted = try Self.asPostgres(
            [
                "\(Self.bin)/postgres", "-D", "\(directory)/data", "-k", directory, "-p", "\(port)",
                "-c", "listen_addresses=127.0.0.1",
            ], wait: false
        ).2
        defer { _ = kill(-restarted.processIdentifier, SIGKILL) }
        try #require(await Self.eventually { (try? Self.psql(port: port, "SELECT 1"))?.hasPrefix("1") == true })
        let present = PostgresWriters.rows(try Self.psql(port: port, PostgresWriters.rowsQuery))
        #expect(!log.acknowledged.isEmpty)
        #expect(log.lost(present: present).isEmpty, "acknowledged but missing: \(log.lost(present: present))")
        print(
            "PostgresWriters: \(log.acknowledged.count) acknowledged, failures \(log.failures), last \(log.lastFailure)"
        )
    }
}
