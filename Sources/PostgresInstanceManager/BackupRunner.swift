import Foundation
import KubeCore
import Logging

/// Runs base backups and retention for the HTTP API (`POST /backups`, `GET /backups/<name>`,
/// `GET /backups`, `POST /retention`, `GET /retention`), one at a time, through barman-cloud
/// against the store in `<run-dir>/archive.json` with the credentials in `<secrets-dir>/backup/`.
///
/// Guarantees:
/// - at most one backup or retention run at a time (a backup while another backup or a
///   retention runs answers 409, and the other way round: a retention must not delete WAL a
///   running backup needs);
/// - `POST /backups` with a name already known answers its current report (idempotent, 200);
/// - reports are written to `<run-dir>/backups/<name>.json` on every change; a report found
///   `running` that this process does not run (the manager restarted) is reported `failed`;
/// - only a primary (PostgreSQL out of recovery) with archiving on starts a backup (else 409).
public actor BackupRunner {
    public let paths: InstancePaths
    public let postgresPort: Int
    public let toolDirectory: String
    public let environment: [String: String]
    private let isPrimary: @Sendable () async -> Bool
    private let logger: Logger
    private var runningBackup: String?
    private var retention = RetentionReport(phase: "none")
    private let now: @Sendable () -> Date

    public init(
        paths: InstancePaths, postgresPort: Int, toolDirectory: String = BarmanCloud.directory(),
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }, isPrimary: @escaping @Sendable () async -> Bool
    ) {
        self.paths = paths
        self.postgresPort = postgresPort
        self.toolDirectory = toolDirectory
        self.environment = environment
        self.logger = logger
        self.now = now
        self.isPrimary = isPrimary
        if let data = FileManager.default.contents(atPath: paths.retentionReportFile),
            var stored = try? KubeJSON.decode(RetentionReport.self, from: data)
        {
            if stored.phase == "running" {
                stored.phase = "failed"
                stored.error = "the instance manager restarted during the run"
            }
            retention = stored
        }
    }

    /// A reply with a JSON body.
    static func json(_ status: Int, _ value: some Encodable) -> StatusHTTPServer.Reply {
        let body = (try? KubeJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .init(status: status, contentType: "application/json", body: body + "\n")
    }

    static func error(_ status: Int, _ message: String) -> StatusHTTPServer.Reply {
        json(status, ["error": message])
    }

    private func reportFile(_ name: String) -> String { paths.backupReportsDirectory + "/" + name + ".json" }

    /// The report of `name`, from memory or `<run-dir>/backups/`; `nil` when unknown.
    public func report(_ name: String) -> BackupReport? {
        guard BackupReport.isValidName(name), let data = FileManager.default.contents(atPath: reportFile(name)),
            var report = try? KubeJSON.decode(BackupReport.self, from: data)
        else { return nil }
        if report.phase == .running, runningBackup != name {
            report.phase = .failed
            report.error = "the instance manager restarted during the backup"
            report.stoppedAt = report.stoppedAt ?? RFC3339.string(now())
            save(report)
        }
        return report
    }

    private func save(_ report: BackupReport) {
        do {
            try InstanceFiles.makeDirectory(paths.backupReportsDirectory, mode: 0o700)
            try InstanceFiles.write(try KubeJSON.encode(report), to: reportFile(report.name), mode: 0o600)
        } catch {
            logger.error("cannot write the report of backup \(report.name): \(error)")
        }
    }

    private func storeAndEnvironment() -> Result<(ObjectStoreSettings, [String: String]), ReplyError> {
        guard let store = ObjectStoreSettings.read(from: paths.archiveSettingsFile) else {
            return .failure(ReplyError(status: 409, message: "archiving is off: this instance has no object store"))
        }
        do {
            let env = try ObjectStoreEnvironment.environment(
                store: store, credentialsDirectory: paths.backupCredentialsDirectory, base: environment)
            return .success((store, env))
        } catch {
            return .failure(ReplyError(status: 409, message: "\(error)"))
        }
    }

    struct ReplyError: Error {
        var status: Int
        var message: String
    }

    // MARK: backups

    /// `POST /backups` with body `{"name": "<PostgresBackup name>"}`.
    public func startBackup(body: Data) async -> StatusHTTPServer.Reply {
        guard let value = try? KubeJSON.decode(JSONValue.self, from: body), let name = value["name"]?.stringValue
        else { return Self.error(400, "the body must be {\"name\": \"<backup name>\"}") }
        guard BackupReport.isValidName(name) else { return Self.error(400, "\(name) is not a valid backup name") }
        if let existing = report(name) { return Self.json(200, existing) }
        if let runningBackup { return Self.error(409, "backup \(runningBackup) is running") }
        if retention.phase == "running" { return Self.error(409, "a retention run is in progress") }
        guard await isPrimary() else { return Self.error(409, "this instance is not the primary") }
        // Checked again after the suspension: another request may have started one meanwhile.
        if let existing = report(name) { return Self.json(200, existing) }
        if let runningBackup { return Self.error(409, "backup \(runningBackup) is running") }
        if retention.phase == "running" { return Self.error(409, "a retention run is in progress") }
        let store: ObjectStoreSettings
        let env: [String: String]
        switch storeAndEnvironment() {
        case .failure(let e): return Self.error(e.status, e.message)
        case .success(let pair): (store, env) = pair
        }
        let report = BackupReport(name: name, phase: .running, startedAt: RFC3339.string(now()))
        runningBackup = name
        save(report)
        Task { await self.runBackup(report, store: store, environment: env) }
        return Self.json(202, report)
    }

    private func runBackup(_ started: BackupReport, store: ObjectStoreSettings, environment env: [String: String]) async {
        var report = started
        logger.info("backup \(report.name) to \(store.destinationPath) (\(store.serverName))")
        let result = await ProcessRunner.run(
            BarmanCloud.tool("backup", directory: toolDirectory),
            BarmanCloud.backup(store, name: report.name, socketDirectory: paths.runDirectory, port: postgresPort),
            environment: env)
        switch result {
        case .failure(let error):
            report.phase = .failed
            report.error = BarmanCloud.truncate("\(error)", bytes: 1024)
        case .success(let r) where !r.succeeded:
            report.phase = .failed
            report.error = BarmanCloud.failureMessage(r.standardError, status: r.status)
        case .success:
            let show = await ProcessRunner.run(
                BarmanCloud.tool("backup-show", directory: toolDirectory),
                BarmanCloud.backupShow(store, backup: report.name), environment: env)
            if let output = try? show.get(), output.succeeded, let info = BarmanBackupInfo.parseShow(output.standardOutput)
            {
                let sizes = await BackupSizes.measure(store: store, toolDirectory: toolDirectory, environment: env)
                report = BackupReport(name: report.name, completed: info, size: sizes?[info.backupID])
            } else {
                report.phase = .failed
                let stderr = (try? show.get().standardError) ?? ""
                report.error = "the backup ran but barman-cloud-backup-show cannot describe it: "
                    + BarmanCloud.failureMessage(stderr, status: nil)
            }
        }
        if report.stoppedAt == nil { report.stoppedAt = RFC3339.string(now()) }
        save(report)
        runningBackup = nil
        logger.info("backup \(report.name) \(report.phase.rawValue)\(report.error.map { ": \($0)" } ?? "")")
    }

    /// `GET /backups/<name>`.
    public func backupReply(name: String) -> StatusHTTPServer.Reply {
        guard let report = report(name) else { return Self.error(404, "no backup \(name) on this instance") }
        return Self.json(200, report)
    }

    // MARK: catalog

    /// `GET /backups`: `barman-cloud-backup-list` of the store (502 when it fails).
    public func catalogReply() async -> StatusHTTPServer.Reply {
        switch await catalog() {
        case .success(let catalog): return Self.json(200, catalog)
        case .failure(let e): return Self.error(e.status, e.message)
        }
    }

    func catalog() async -> Result<BackupCatalog, ReplyError> {
        let store: ObjectStoreSettings
        let env: [String: String]
        switch storeAndEnvironment() {
        case .failure(let e): return .failure(e)
        case .success(let pair): (store, env) = pair
        }
        switch await list(store, env) {
        case .failure(let e): return .failure(e)
        case .success(let infos):
            let sizes = await BackupSizes.measure(store: store, toolDirectory: toolDirectory, environment: env)
            return .success(BackupCatalog(infos, sizes: sizes ?? [:]))
        }
    }

    private func list(_ store: ObjectStoreSettings, _ env: [String: String]) async -> Result<
        [BarmanBackupInfo], ReplyError
    > {
        let result = await ProcessRunner.run(
            BarmanCloud.tool("backup-list", directory: toolDirectory), BarmanCloud.backupList(store), environment: env)
        switch result {
        case .failure(let error): return .failure(ReplyError(status: 502, message: "\(error)"))
        case .success(let r) where !r.succeeded:
            return .failure(ReplyError(status: 502, message: BarmanCloud.failureMessage(r.standardError, status: r.status)))
        case .success(let r):
            guard let infos = BarmanBackupInfo.parseList(r.standardOutput) else {
                return .failure(ReplyError(status: 502, message: "barman-cloud-backup-list printed no backup list"))
            }
            return .success(infos)
        }
    }

    // MARK: retention

    /// `GET /retention`.
    public func retentionReply() -> StatusHTTPServer.Reply { Self.json(200, retention) }

    /// `POST /retention` with body `{"policy": "RECOVERY WINDOW OF 30 DAYS"}`.
    public func startRetention(body: Data) async -> StatusHTTPServer.Reply {
        guard let value = try? KubeJSON.decode(JSONValue.self, from: body), let policy = value["policy"]?.stringValue
        else { return Self.error(400, "the body must be {\"policy\": \"RECOVERY WINDOW OF N DAYS\"}") }
        guard RetentionReport.isValidPolicy(policy) else {
            return Self.error(400, "\(policy) is not RECOVERY WINDOW OF N DAYS|WEEKS|MONTHS or REDUNDANCY N")
        }
        if retention.phase == "running" { return Self.error(409, "a retention run is in progress") }
        if let runningBackup { return Self.error(409, "backup \(runningBackup) is running") }
        guard await isPrimary() else { return Self.error(409, "this instance is not the primary") }
        if retention.phase == "running" { return Self.error(409, "a retention run is in progress") }
        if let runningBackup { return Self.error(409, "backup \(runningBackup) is running") }
        let store: ObjectStoreSettings
        let env: [String: String]
        switch storeAndEnvironment() {
        case .failure(let e): return Self.error(e.status, e.message)
        case .success(let pair): (store, env) = pair
        }
        retention = RetentionReport(phase: "running", policy: policy, startedAt: RFC3339.string(now()))
        saveRetention()
        Task { await self.runRetention(policy: policy, store: store, environment: env) }
        return Self.json(202, retention)
    }

    private func saveRetention() {
        do {
            try InstanceFiles.write(try KubeJSON.encode(retention), to: paths.retentionReportFile, mode: 0o600)
        } catch {
            logger.error("cannot write the retention report: \(error)")
        }
    }

    private func runRetention(policy: String, store: ObjectStoreSettings, environment env: [String: String]) async {
        var report = retention
        logger.info("retention \(policy) on \(store.destinationPath) (\(store.serverName))")
        switch await list(store, env) {
        case .failure(let e):
            report.phase = "failed"
            report.error = e.message
        case .success(let before):
            let result = await ProcessRunner.run(
                BarmanCloud.tool("backup-delete", directory: toolDirectory),
                BarmanCloud.backupDelete(store, retentionPolicy: policy), environment: env)
            let after = try? await list(store, env).get()
            if let after {
                let remaining = Set(after.map(\.backupID))
                report.deletedBackupIDs = before.map(\.backupID).filter { !remaining.contains($0) }
            }
            switch result {
            case .failure(let error):
                report.phase = "failed"
                report.error = BarmanCloud.truncate("\(error)", bytes: 1024)
            case .success(let r) where !r.succeeded:
                report.phase = "failed"
                report.error = BarmanCloud.failureMessage(r.standardError, status: r.status)
            case .success:
                if after == nil {
                    report.phase = "failed"
                    report.error = "barman-cloud-backup-delete succeeded but the backups cannot be listed afterwards"
                } else {
                    report.phase = "completed"
                }
            }
        }
        report.finishedAt = RFC3339.string(now())
        retention = report
        saveRetention()
        logger.info("retention \(policy) \(report.phase): deleted \(report.deletedBackupIDs)")
    }
}
