import Foundation
import KubeClient
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One writer per PostgresInstance pod, each inserting numbered rows into `table` through
/// `psql` in a loop, one INSERT per transaction (autocommit), connecting to its pod's IP
/// (`PGHOSTADDR`, as `PostgresInstanceIntegrationTests` connects: the URI's host name stays the
/// `-rw` Service's, so `verify-full` still checks it), and recording every ACKNOWLEDGED commit
/// with the time its success came back (`PostgresWriteLog`).
///
/// Only the primary acknowledges: the replicas' writers fail (read-only) and try again, so the
/// writers follow a failover without being told. Every attempt is bounded, whatever the server
/// does: `PGCONNECT_TIMEOUT` (a refused or silent connect), `statement_timeout` (an INSERT the
/// server holds), and `statementHangGuard`, after which the `psql` process is killed (a server
/// that is stopped never answers, so its own timeout never fires). A commit that returns with
/// PostgreSQL's "canceling wait for synchronous replication" warning (the statement timeout
/// cancelled the wait: committed locally, not confirmed replicated) is recorded as
/// `unconfirmed`, not acknowledged.
///
/// Sequence numbers are never reused: a failed attempt may still have committed (the
/// acknowledgement was lost), and such a row may then be present without being acknowledged.
final class PostgresWriters: Sendable {
    /// The table the writers insert into; `createTable` makes it.
    static let table = "failover_writes"
    static let createTable =
        "CREATE TABLE IF NOT EXISTS \(table) (instance text NOT NULL, seq int NOT NULL, PRIMARY KEY (instance, seq))"
    /// The query whose output `rows(_:)` parses: every row as `instance:seq`, one a line.
    static let rowsQuery = "SELECT instance || ':' || seq FROM \(table)"

    /// Bounds one `psql` run, after which it is killed: a hang guard (a frozen server never
    /// answers), never an expectation of speed.
    static let statementHangGuard = Duration.seconds(10)
    /// `PGCONNECT_TIMEOUT`, in seconds: bounds a connect to a server that does not answer.
    static let connectTimeoutSeconds = 3
    /// `statement_timeout`, in milliseconds: bounds an INSERT a running server holds (a wait
    /// for a synchronous standby that is gone).
    static let statementTimeoutMilliseconds = 5000
    /// The pause after a failed attempt (a replica's read-only refusal, a refused connection),
    /// so that the replicas' writers do not take the machine's CPU from the servers.
    static let retryPause = Duration.milliseconds(200)

    private struct State {
        var log = PostgresWriteLog()
        var tasks: [Task<Void, Never>] = []
        var running = true
    }

    let instances: [String]
    private let uri: String
    private let caFile: String
    private let psql: String
    private let address: @Sendable (String) async -> String?
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let state = Mutex(State())

    /// - Parameters:
    ///   - instances: the pod names; one writer each, inserting rows `(instance, 1...)`.
    ///   - address: the pod's IP now (`nil` while it has none): asked before every attempt.
    ///   - uri: the application's connection URI (the generated Secret's `uri`).
    ///   - caFile: the CA certificate file that verifies the server (`PGSSLROOTCERT`).
    ///   - psql: the `psql` program.
    init(
        instances: [String], address: @escaping @Sendable (String) async -> String?, uri: String, caFile: String,
        psql: String = "/usr/bin/psql"
    ) {
        self.instances = instances
        self.address = address
        self.uri = uri
        self.caFile = caFile
        self.psql = psql
        self.start = clock.now
    }

    /// The time since the writers were made, on the clock their records use: mark a fault
    /// with it.
    func elapsed() -> Duration { clock.now - start }

    /// Starts one writer per instance (once).
    func startWriting() {
        state.withLock { state in
            guard state.tasks.isEmpty, state.running else { return }
            state.tasks = instances.map { instance in Task { await self.write(instance) } }
        }
    }

    /// What the writers recorded so far.
    var log: PostgresWriteLog { state.withLock { $0.log } }

    /// Stops the writers (each finishes or abandons its current attempt, bounded by
    /// `statementHangGuard`) and returns what they recorded.
    func stop() async -> PostgresWriteLog {
        let tasks = state.withLock { state in
            state.running = false
            return state.tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        return log
    }

    /// The rows in `output` of `rowsQuery`.
    static func rows(_ output: String) -> Set<PostgresWriteLog.Row> {
        Set(
            output.split(separator: "\n").compactMap { line in
                let parts = line.trimmingCharacters(in: .whitespaces).split(separator: ":")
                guard parts.count == 2, let sequence = Int(parts[1]) else { return nil }
                return PostgresWriteLog.Row(instance: String(parts[0]), sequence: sequence)
            })
    }

    private var isRunning: Bool { state.withLock { $0.running } }

    private func write(_ instance: String) async {
        var sequence = 1
        while isRunning, !Task.isCancelled {
            guard let host = await address(instance) else {
                try? await Task.sleep(for: Self.retryPause)
                continue
            }
            let row = PostgresWriteLog.Row(instance: instance, sequence: sequence)
            sequence += 1
            let sentAt = elapsed()
            let outcome = await run(
                "INSERT INTO \(Self.table) (instance, seq) VALUES ('\(instance)', \(row.sequence)) RETURNING seq",
                host: host)
            let commit = PostgresWriteLog.Commit(row: row, sentAt: sentAt, acknowledgedAt: elapsed())
            let acknowledged = outcome.status == 0 && outcome.output == "\(row.sequence)"
            let unconfirmed = outcome.error.contains("canceling wait for synchronous replication")
            state.withLock { state in
                if acknowledged, !unconfirmed {
                    state.log.acknowledged.append(commit)
                } else if acknowledged {
                    state.log.unconfirmed.append(commit)
                } else {
                    state.log.failures[instance, default: 0] += 1
                    let line = outcome.error.split(separator: "\n").first.map(String.init) ?? "exit \(outcome.status)"
                    state.log.lastFailure[instance] = line
                }
            }
            if !acknowledged { try? await Task.sleep(for: Self.retryPause) }
        }
    }

    /// One `psql` run of `sql` against `host`, killed after `statementHangGuard`.
    private func run(_ sql: String, host: String) async -> (status: Int32, output: String, error: String) {
        let arguments = ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql]
        let environment = [
            "PGHOSTADDR": host, "PGSSLROOTCERT": caFile, "PGCONNECT_TIMEOUT": "\(Self.connectTimeoutSeconds)",
            "PGOPTIONS": "-c statement_timeout=\(Self.statementTimeoutMilliseconds)", "PATH": "/usr/bin:/bin",
        ]
        let program = psql
        let guardMilliseconds = Int(Self.statementHangGuard.components.seconds * 1000)
        return await BlockingWork.run { () -> (status: Int32, output: String, error: String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            do { try process.run() } catch { return (-1, "", "\(error)") }
            let pid = process.processIdentifier
            let exited = Atomic<Bool>(false)
            let hangGuard = DispatchWorkItem {
                if !exited.load(ordering: .acquiring) { _ = kill(pid, SIGKILL) }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(guardMilliseconds), execute: hangGuard)
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let error = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            exited.store(true, ordering: .releasing)
            hangGuard.cancel()
            return (
                process.terminationStatus,
                String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                String(decoding: error, as: UTF8.self)
            )
        }
    }
}
