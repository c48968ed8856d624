import Foundation

/// Fills an empty data directory: `initdb` for a new primary, `pg_basebackup` from the primary
/// for a replica.
public enum PostgresBootstrap {
    /// The line `postgresql.conf` needs to read the operator's file.
    public static let includeLine = "include 'quartermaster.conf'"

    /// `initdb --data-checksums --auth-local=peer --auth-host=scram-sha-256 --username=postgres
    /// --encoding=UTF8` (`--waldir` with a WAL directory), then the include line.
    public static func initdb(paths: InstancePaths) async throws {
        var arguments = [
            "-D", paths.pgdata, "--data-checksums", "--auth-local=peer", "--auth-host=scram-sha-256",
            "--username=postgres", "--encoding=UTF8", "--locale=C",
        ]
        if let wal = paths.walDirectory { arguments.append("--waldir=\(wal)") }
        try await ProcessRunner.check(paths.binary("initdb"), arguments)
        try ensureInclude(paths: paths)
    }

    /// `pg_basebackup -D PGDATA -X stream -c fast -d CONNINFO` (`--waldir` with a WAL
    /// directory). The primary's `postgresql.conf`, copied with the data, already includes
    /// `quartermaster.conf`; `ensureInclude` runs anyway.
    public static func basebackup(paths: InstancePaths, conninfo: String) async throws {
        var arguments = ["-D", paths.pgdata, "-X", "stream", "-c", "fast", "--no-password", "-d", conninfo]
        if let wal = paths.walDirectory { arguments.append("--waldir=\(wal)") }
        try await ProcessRunner.check(paths.binary("pg_basebackup"), arguments)
        try ensureInclude(paths: paths)
    }

    /// Appends `includeLine` to `postgresql.conf` unless a line already says it.
    public static func ensureInclude(paths: InstancePaths) throws {
        let text = (try? String(contentsOfFile: paths.postgresqlConf, encoding: .utf8)) ?? ""
        let present = text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == includeLine }
        guard !present else { return }
        let updated = text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + includeLine + "\n"
        try InstanceFiles.write(updated, to: paths.postgresqlConf, mode: 0o600)
    }

    /// Removes what a failed bootstrap left (a data directory without `PG_VERSION`, and the WAL
    /// directory's contents), so that `initdb` or `pg_basebackup` can start over.
    public static func clearPartial(paths: InstancePaths) throws {
        for directory in [paths.pgdata] + (paths.walDirectory.map { [$0] } ?? []) {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries { try FileManager.default.removeItem(atPath: directory + "/" + entry) }
        }
    }
}
