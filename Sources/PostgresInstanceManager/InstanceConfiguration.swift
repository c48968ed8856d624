import Foundation
import Logging

/// Writes everything PostgreSQL reads from the operator: TLS copies in the run directory,
/// `quartermaster.conf`, `pg_hba.conf`, `pg_ident.conf`, and on a replica `standby.signal` with
/// `primary_conninfo`. Pure rendering is in `PostgresConfFile`, `PgHBAFile`, `PgIdentFile`,
/// `PrimaryConninfo`; this type only decides the inputs and writes.
public struct InstanceConfiguration: Sendable {
    public var options: InstanceManagerOptions

    public init(options: InstanceManagerOptions) { self.options = options }

    /// Copies the TLS files from the mounted Secrets (mode 0600); returns whether any changed.
    @discardableResult
    public func copyTLSFiles() throws -> Bool {
        try InstanceFiles.makeDirectory(options.paths.runDirectory, mode: 0o700)
        var changed = false
        for (source, destination) in options.paths.tlsCopies {
            if try InstanceFiles.copy(source, to: destination, mode: 0o600) { changed = true }
        }
        return changed
    }

    /// The replica's connection string to the primary of `settings` (`settings.primaryPod`, at
    /// its port per `options.port(of:)`); `nil` while the status names no primary pod IP.
    public func primaryConninfo(_ settings: InstanceSettings) -> String? {
        guard let ip = settings.primaryPodIP else { return nil }
        return PrimaryConninfo.render(
            host: settings.readWriteServiceHost, hostaddr: ip, port: options.port(of: settings.primaryPod),
            applicationName: options.podName, paths: options.paths)
    }

    /// `pg_rewind --source-server`: the target primary as `streaming_replica` in database
    /// `postgres`, by certificate; `nil` while the status has no pod IP for it.
    public func rewindSource(_ settings: InstanceSettings) -> String? {
        guard let target = settings.targetPrimary, let ip = settings.podIPs[target] else { return nil }
        return PrimaryConninfo.render(
            host: settings.readWriteServiceHost, hostaddr: ip, port: options.port(of: target),
            applicationName: options.podName, paths: options.paths, database: "postgres")
    }

    /// `synchronous_standby_names` for this pod as primary: `ANY N` over every other instance in
    /// `status.instancesStatus`; `nil` without `spec.synchronous`.
    public func synchronousStandbyNames(_ settings: InstanceSettings) -> String? {
        guard let number = settings.synchronousNumber else { return nil }
        let standbys = settings.instanceNames.filter { $0 != options.podName }
        return PostgresConfFile.synchronousStandbyNames(number: number, standbys: standbys)
    }

    /// Writes the configuration for `settings`, as primary or replica; returns whether a file
    /// PostgreSQL reads on reload changed.
    @discardableResult
    public func write(_ settings: InstanceSettings, primary: Bool, logger: Logger) throws -> Bool {
        let paths = options.paths
        let conninfo = primary ? nil : primaryConninfo(settings)
        let archiving = ArchiveConfSettings.settings(
            archiving: settings.archive != nil, executable: ArchiveConfSettings.executable, paths: paths,
            recovery: RecoveryBootstrap.pendingRequest(paths: paths))
        let conf = PostgresConfFile.render(
            parameters: settings.parameters, paths: paths, primaryConninfo: conninfo,
            synchronousStandbyNames: primary ? synchronousStandbyNames(settings) : nil, extraSettings: archiving)
        if !conf.skipped.isEmpty {
            logger.warning("parameters left out, not valid names: \(conf.skipped.joined(separator: ", "))")
        }
        let hba = PgHBAFile.render(extraLines: settings.pgHBA)
        if !hba.skipped.isEmpty {
            logger.warning("pgHBA entries left out (empty or several lines): \(hba.skipped.count)")
        }
        var changed = false
        if try InstanceFiles.write(conf.text, to: paths.quartermasterConf) { changed = true }
        if try InstanceFiles.write(hba.text, to: paths.hbaFile) { changed = true }
        if try InstanceFiles.write(
            PgIdentFile.render(operatingSystemUser: options.operatingSystemUser), to: paths.identFile)
        {
            changed = true
        }
        if primary {
            if FileManager.default.fileExists(atPath: paths.standbySignal) {
                try FileManager.default.removeItem(atPath: paths.standbySignal)
            }
        } else {
            try InstanceFiles.write("", to: paths.standbySignal)
        }
        return changed
    }
}
