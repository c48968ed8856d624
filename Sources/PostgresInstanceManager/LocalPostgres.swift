import Foundation
import KubeCore

/// Talks to the local PostgreSQL as `postgres` over the unix socket in the run directory
/// (peer authentication through the ident map `local`), with `psql` and `pg_isready`.
public struct LocalPostgres: Sendable {
    public var paths: InstancePaths
    public var port: Int

    public init(paths: InstancePaths, port: Int) {
        self.paths = paths
        self.port = port
    }

    private func connectionArguments(database: String) -> [String] {
        [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", paths.runDirectory, "-p", String(port), "-U", "postgres", "-d",
            database,
        ]
    }

    /// Runs `script` (on standard input) in `database`; throws `CommandError` on failure.
    public func execute(_ script: String, database: String = "postgres") async throws {
        try await ProcessRunner.check(paths.binary("psql"), connectionArguments(database: database), input: script)
    }

    /// The first column of every row of `sql` (unaligned, tuples only). With `timeout`, the
    /// connection attempt and the statement are each bounded by that many seconds
    /// (`PGCONNECT_TIMEOUT`, `statement_timeout`).
    public func query(_ sql: String, database: String = "postgres", timeout: Int? = nil) async throws -> [String] {
        var environment: [String: String]?
        if let timeout {
            var env = ProcessInfo.processInfo.environment
            env["PGCONNECT_TIMEOUT"] = String(timeout)
            env["PGOPTIONS"] = "-c statement_timeout=\(timeout * 1000)"
            environment = env
        }
        let result = try await ProcessRunner.check(
            paths.binary("psql"), connectionArguments(database: database) + ["-A", "-t", "-c", sql],
            environment: environment)
        return result.standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Whether PostgreSQL accepts connections now (`pg_isready`).
    public func isAcceptingConnections() async -> Bool {
        let result = await ProcessRunner.run(
            paths.binary("pg_isready"),
            ["-q", "-h", paths.runDirectory, "-p", String(port), "-U", "postgres", "-d", "postgres"])
        return (try? result.get().succeeded) ?? false
    }

    /// `InstanceObservation.query`, decoded; `nil` when PostgreSQL does not answer within 10 s
    /// (probes and the operator ask for it: it must not hang).
    public func observe() async -> InstanceObservation? {
        guard let rows = try? await query(InstanceObservation.query, timeout: 10), let row = rows.first else {
            return nil
        }
        return try? KubeJSON.decode(InstanceObservation.self, from: Data(row.utf8))
    }
}
