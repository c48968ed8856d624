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
        ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", paths.runDirectory, "-p", String(port), "-U", "postgres", "-d", database]
    }

    /// Runs `script` (on standard input) in `database`; throws `CommandError` on failure.
    public func execute(_ script: String, database: String = "postgres") async throws {
        try await ProcessRunner.check(paths.binary("psql"), connectionArguments(database: database), input: script)
    }

    /// The first column of every row of `sql` (unaligned, tuples only).
    public func query(_ sql: String, database: String = "postgres") async throws -> [String] {
        let result = try await ProcessRunner.check(
            paths.binary("psql"), connectionArguments(database: database) + ["-A", "-t", "-c", sql])
        return result.standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Whether PostgreSQL accepts connections now (`pg_isready`).
    public func isAcceptingConnections() async -> Bool {
        let result = await ProcessRunner.run(
            paths.binary("pg_isready"), ["-q", "-h", paths.runDirectory, "-p", String(port), "-U", "postgres", "-d", "postgres"])
        return (try? result.get().succeeded) ?? false
    }

    /// `InstanceObservation.query`, decoded; `nil` when PostgreSQL does not answer.
    public func observe() async -> InstanceObservation? {
        guard let rows = try? await query(InstanceObservation.query), let row = rows.first else { return nil }
        return try? KubeJSON.decode(InstanceObservation.self, from: Data(row.utf8))
    }
}
