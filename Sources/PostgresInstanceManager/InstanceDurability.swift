import Foundation
import KubeCore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The instance manager's continuous archiving, base backups and recovery, kept apart from
/// `InstanceManager` (which calls it at a few points):
///
/// - `syncArchive`: keeps `<run-dir>/archive.json` in step with `status.archive`. A primary
///   whose data has never been checked against that store runs `barman-cloud-check-wal-archive`
///   first (in the background); a non-empty archive keeps archiving off with
///   `ArchiveNotEmpty` (checked again every `archiveRecheckInterval`). A replica's data continues
///   the primary's archive: no check. The confirmed store is remembered in
///   `<pgdata>/quartermaster/archive-checked.json`.
/// - `restore` / `recoverIfPending`: the recovery bootstrap (`RecoveryBootstrap`).
/// - `endpoints`: the backup HTTP API (`BackupRunner`).
/// - `annotated`: `/status` gains `archiving` (primary only) and `recovery`.
public final class InstanceDurability: Sendable {
    public let options: InstanceManagerOptions
    public let runner: BackupRunner
    private let logger: Logger
    private let toolDirectory: String
    private let environment: [String: String]
    private let state = Mutex(ArchiveState())
    /// How long a failed archive check waits before it runs again.
    public static let archiveRecheckInterval = Duration.seconds(60)

    struct ArchiveState {
        /// Why archiving is off although the instance has a store.
        var offReason: String?
        var checking = false
        var lastFailedCheck: (store: ObjectStoreSettings, at: ContinuousClock.Instant)?
    }

    public init(
        options: InstanceManagerOptions, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.options = options
        self.logger = logger
        self.environment = environment
        let toolDirectory = BarmanCloud.directory(environment: environment)
        self.toolDirectory = toolDirectory
        let local = LocalPostgres(paths: options.paths, port: options.postgresPort)
        runner = BackupRunner(
            paths: options.paths, postgresPort: options.postgresPort, toolDirectory: toolDirectory,
            environment: environment, logger: logger,
            isPrimary: { await local.observe().map { !$0.inRecovery } ?? false })
    }

    private var paths: InstancePaths { options.paths }
    private var local: LocalPostgres { LocalPostgres(paths: paths, port: options.postgresPort) }

    // MARK: archiving

    /// What `archive-checked.json` holds: the store's identity (not credentials or encryption).
    struct CheckedStore: Codable, Equatable {
        var destinationPath: String
        var serverName: String
        var endpointURL: String?

        init(_ store: ObjectStoreSettings) {
            destinationPath = store.destinationPath
            serverName = store.serverName
            endpointURL = store.endpointURL
        }
    }

    private func isChecked(_ store: ObjectStoreSettings) -> Bool {
        guard let data = FileManager.default.contents(atPath: paths.archiveCheckedFile),
            let checked = try? KubeJSON.decode(CheckedStore.self, from: data)
        else { return false }
        return checked == CheckedStore(store)
    }

    private func markChecked(_ store: ObjectStoreSettings) throws {
        try InstanceFiles.makeDirectory(paths.stateDirectory, mode: 0o700)
        try InstanceFiles.write(try KubeJSON.encode(CheckedStore(store)), to: paths.archiveCheckedFile, mode: 0o600)
    }

    /// Brings `archive.json` in step with `settings.archive` (see the type's description).
    public func syncArchive(_ settings: InstanceSettings, primary: Bool) {
        do {
            try syncArchiveFiles(settings, primary: primary)
        } catch {
            logger.warning("cannot update the archive settings: \(error)")
        }
    }

    private func syncArchiveFiles(_ settings: InstanceSettings, primary: Bool) throws {
        guard let store = settings.archive else {
            try? FileManager.default.removeItem(atPath: paths.archiveSettingsFile)
            state.withLock { $0.offReason = nil }
            return
        }
        if isChecked(store) || !primary {
            if !isChecked(store) { try markChecked(store) }
            if try store.write(to: paths.archiveSettingsFile) { logger.info("archiving to \(store.destinationPath)") }
            state.withLock { $0.offReason = nil }
            return
        }
        // A primary whose data has not been archived to this store: check that it is empty.
        try? FileManager.default.removeItem(atPath: paths.archiveSettingsFile)
        let start = state.withLock { s -> Bool in
            if s.checking { return false }
            if let failed = s.lastFailedCheck, failed.store == store,
                failed.at.duration(to: .now) < Self.archiveRecheckInterval
            {
                return false
            }
            s.checking = true
            return true
        }
        guard start else { return }
        Task { await self.checkArchive(store) }
    }

    private func checkArchive(_ store: ObjectStoreSettings) async {
        var reason: String?
        do {
            let env = try ObjectStoreEnvironment.environment(
                store: store, credentialsDirectory: paths.backupCredentialsDirectory, base: environment)
            let result = try await ProcessRunner.run(
                BarmanCloud.tool("check-wal-archive", directory: toolDirectory), BarmanCloud.checkWALArchive(store),
                environment: env
            ).get()
            switch result.status {
            case 0:
                try markChecked(store)
                try store.write(to: paths.archiveSettingsFile)
                logger.info("the archive \(store.destinationPath) (\(store.serverName)) is empty: archiving")
            case 1:
                reason = "ArchiveNotEmpty: " + BarmanCloud.failureMessage(result.standardError, status: result.status)
            default:
                reason = "archive check failed: " + BarmanCloud.failureMessage(result.standardError, status: result.status)
            }
        } catch {
            reason = BarmanCloud.truncate("\(error)", bytes: 1024)
        }
        if let reason { logger.warning("archiving stays off: \(reason)") }
        let failedAt: ContinuousClock.Instant? = reason == nil ? nil : .now
        state.withLock { s in
            s.checking = false
            s.offReason = reason
            s.lastFailedCheck = failedAt.map { (store, $0) }
        }
    }

    /// The `archiving` field of `/status` (on a primary).
    public func archivingStatus() async -> ArchivingStatus {
        var archiver: ArchivingStatus?
        if let row = try? await local.query(ArchivingStatus.query, timeout: 10).first {
            archiver = try? KubeJSON.decode(ArchivingStatus.self, from: Data(row.utf8))
        }
        return ArchivingStatus.make(
            archiver: archiver, enabled: FileManager.default.fileExists(atPath: paths.archiveSettingsFile),
            offReason: state.withLock { $0.offReason }, failure: ArchiveFailure.read(from: paths.archiveFailureFile))
    }

    /// `status` with `archiving` (primary only) and `recovery` filled in.
    public func annotated(_ status: InstanceStatus) async -> InstanceStatus {
        var s = status
        if s.role == "primary" { s.archiving = await archivingStatus() }
        s.recovery = RecoveryReport.read(from: paths.recoveryReportFile)
        return s
    }

    // MARK: HTTP

    /// `POST /backups`, `GET /backups`, `GET /backups/<name>`, `POST /retention`, `GET /retention`.
    public func endpoints() -> [StatusHTTPServer.Endpoint] {
        let runner = self.runner
        return [
            .init("POST", "/backups") { await runner.startBackup(body: $0.body) },
            .init("GET", "/backups") { _ in await runner.catalogReply() },
            .init("GET", "/backups/", prefix: true) { request in
                await runner.backupReply(name: String(request.path.dropFirst("/backups/".count)))
            },
            .init("POST", "/retention") { await runner.startRetention(body: $0.body) },
            .init("GET", "/retention") { _ in await runner.retentionReply() },
        ]
    }

    // MARK: recovery

    /// Fills the empty PGDATA from `source` (`RecoveryBootstrap.restore`).
    public func restore(_ source: RecoverySource) async throws {
        logger.info("restoring backup \(source.backupID) from \(source.store.destinationPath) (\(source.store.serverName))")
        try await RecoveryBootstrap.restore(source, paths: paths, toolDirectory: toolDirectory, environment: environment)
    }

    /// Why a recovery was interrupted by SIGTERM (the manager then exits).
    public struct RecoveryInterrupted: Error, CustomStringConvertible {
        public var description: String { "stopped during the recovery" }
    }

    /// With a pending recovery: starts PostgreSQL with the recovery settings, waits until it
    /// has promoted, records the `RecoveryReport`, stops it, and rewrites the configuration
    /// without the recovery settings; returns true (the manager then starts PostgreSQL as a
    /// normal primary). When PostgreSQL ends the recovery without reaching the target, records
    /// that and returns false (the manager then keeps the data and waits). `nil` when no
    /// recovery is pending.
    public func recoverIfPending(configuration: InstanceConfiguration, settings: InstanceSettings) async throws
        -> Bool?
    {
        guard let request = RecoveryBootstrap.pendingRequest(paths: paths) else { return nil }
        if let report = RecoveryReport.read(from: paths.recoveryReportFile), !report.targetReached {
            logger.error("an earlier recovery did not reach its target: \(report.message ?? "")")
            return false
        }
        try request.store.write(to: paths.restoreSourceFile)
        try configuration.write(settings, primary: true, logger: logger)
        logger.info("recovering from backup \(request.backupID) (target \(request.target.map { "\($0.setting)" } ?? "latest"))")
        let child = try ChildProcess(
            executable: paths.binary("postgres"), arguments: ["-D", paths.pgdata], outputFile: paths.recoveryLogFile)
        defer { forwardRecoveryLog() }
        while true {
            if child.exitStatus != nil {
                let log = (try? String(contentsOfFile: paths.recoveryLogFile, encoding: .utf8)) ?? ""
                let line = RecoveryReport.failureLine(log: log) ?? "PostgreSQL exited during the recovery"
                let report = RecoveryReport(
                    backupID: request.backupID, targetReached: false, message: BarmanCloud.truncate(line, bytes: 1024))
                try InstanceFiles.write(try KubeJSON.encode(report), to: paths.recoveryReportFile, mode: 0o600)
                logger.error("recovery failed, the data is kept and PostgreSQL is not started: \(line)")
                return false
            }
            if ManagerSignals.take().contains(where: { $0 != SIGHUP }) {
                _ = await ProcessRunner.run(
                    paths.binary("pg_ctl"), ["stop", "-D", paths.pgdata, "-m", "fast", "-w", "-t", "60"])
                _ = await child.waitForExit()
                throw RecoveryInterrupted()
            }
            if let rows = try? await local.query("SELECT pg_is_in_recovery()", timeout: 10), rows.first == "f" {
                break
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        let replayed = try? await local.query(
            "SELECT to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            timeout: 10)
        var reachedLSN = RecoveryReport.newestHistory(in: paths.walSegmentsDirectory).flatMap {
            RecoveryReport.switchPoint(history: $0)
        }
        if reachedLSN == nil { reachedLSN = try? await local.query("SELECT pg_current_wal_lsn()", timeout: 10).first }
        let reachedTime = replayed?.first.flatMap { $0.isEmpty ? nil : $0 }
        let report = RecoveryReport(
            backupID: request.backupID, reachedLSN: reachedLSN, reachedTime: reachedTime, targetReached: true)
        try InstanceFiles.write(try KubeJSON.encode(report), to: paths.recoveryReportFile, mode: 0o600)
        logger.info("recovered to \(reachedLSN ?? "?") (\(reachedTime ?? "no transaction replayed")): restarting as primary")
        _ = await ProcessRunner.run(paths.binary("pg_ctl"), ["stop", "-D", paths.pgdata, "-m", "fast", "-w", "-t", "60"])
        _ = await child.waitForExit()
        try? FileManager.default.removeItem(atPath: paths.recoverySignal)
        try? FileManager.default.removeItem(atPath: paths.recoveryRequestFile)
        try? FileManager.default.removeItem(atPath: paths.restoreSourceFile)
        try configuration.write(settings, primary: true, logger: logger)
        return true
    }

    /// PostgreSQL's output during the recovery, copied to the manager's standard error.
    private func forwardRecoveryLog() {
        if let data = FileManager.default.contents(atPath: paths.recoveryLogFile) {
            FileHandle.standardError.write(data)
        }
    }

    /// After a failed recovery: serves `/status` (with `recovery`) and waits for SIGTERM, SIGINT
    /// or SIGQUIT; returns 0 then. PostgreSQL is not started and the data is kept.
    public func waitAfterFailedRecovery() async -> Int32 {
        while true {
            if ManagerSignals.take().contains(where: { $0 != SIGHUP }) { return 0 }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
