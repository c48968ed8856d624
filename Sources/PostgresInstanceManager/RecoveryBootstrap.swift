import Foundation
import KubeCore

/// Fills an empty data directory from a base backup (`status.bootstrap`) instead of `initdb`:
///
/// 1. `barman-cloud-restore` of the backup into PGDATA (credentials of the SOURCE store from
///    `<secrets-dir>/recovery/`); with a WAL directory, `pg_wal` becomes a link to it;
/// 2. the source's manager state (`<pgdata>/quartermaster/`) is dropped, the request is kept
///    there as `recovery-request.json`, and `recovery.signal` is written;
/// 3. `<run-dir>/restore-source.json` names the source for the `wal-restore` wrapper.
///
/// While `recovery.signal` and the request exist the configuration carries `restore_command`
/// and the target (`ArchiveConfSettings`); `InstanceDurability.recoverIfPending` runs
/// PostgreSQL until it promotes and records the `RecoveryReport`.
public enum RecoveryBootstrap {
    /// The recovery asked for and not yet finished; `nil` when none is pending.
    public static func pendingRequest(paths: InstancePaths) -> RecoverySource? {
        guard FileManager.default.fileExists(atPath: paths.recoverySignal),
            let data = FileManager.default.contents(atPath: paths.recoveryRequestFile)
        else { return nil }
        return try? KubeJSON.decode(RecoverySource.self, from: data)
    }

    /// Steps 1 to 3. Throws `CommandError` (the bootstrap retries those) when the restore fails
    /// or the credentials are missing.
    public static func restore(
        _ source: RecoverySource, paths: InstancePaths, toolDirectory: String, environment: [String: String]
    ) async throws {
        let env: [String: String]
        do {
            env = try ObjectStoreEnvironment.environment(
                store: source.store, credentialsDirectory: paths.recoveryCredentialsDirectory, base: environment)
        } catch {
            throw CommandError(command: "barman-cloud-restore", status: nil, message: "\(error)")
        }
        try source.store.write(to: paths.restoreSourceFile)
        let result = try await ProcessRunner.run(
            BarmanCloud.tool("restore", directory: toolDirectory),
            BarmanCloud.restore(source.store, backupID: source.backupID, pgdata: paths.pgdata), environment: env
        ).get()
        guard result.succeeded else {
            throw CommandError(
                command: "barman-cloud-restore", status: result.status,
                message: BarmanCloud.failureMessage(result.standardError, status: result.status))
        }
        let fm = FileManager.default
        if let wal = paths.walDirectory {
            let link = paths.pgdata + "/pg_wal"
            try? fm.removeItem(atPath: link)
            try InstanceFiles.makeDirectory(wal, mode: 0o700)
            try InstanceFiles.makeDirectory(wal + "/archive_status", mode: 0o700)
            try fm.createSymbolicLink(atPath: link, withDestinationPath: wal)
        } else {
            try InstanceFiles.makeDirectory(paths.pgdata + "/pg_wal/archive_status", mode: 0o700)
        }
        try? fm.removeItem(atPath: paths.stateDirectory)
        try? fm.removeItem(atPath: paths.standbySignal)
        try InstanceFiles.makeDirectory(paths.stateDirectory, mode: 0o700)
        try InstanceFiles.write(try KubeJSON.encode(source), to: paths.recoveryRequestFile, mode: 0o600)
        try PostgresBootstrap.ensureInclude(paths: paths)
        try InstanceFiles.write("", to: paths.recoverySignal, mode: 0o600)
    }
}
