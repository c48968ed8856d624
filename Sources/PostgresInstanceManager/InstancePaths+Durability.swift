/// Files of continuous archiving, base backups and recovery, derived from the same directory
/// arguments as the rest of `InstancePaths`.
extension InstancePaths {
    /// `<run-dir>/archive.json`: the store WAL is archived to (`ObjectStoreSettings`); absent
    /// while archiving is off (the `wal-archive` wrapper then fails and PostgreSQL keeps the WAL).
    public var archiveSettingsFile: String { runDirectory + "/archive.json" }
    /// `<run-dir>/archive-failure.json`: the last `wal-archive` failure (`ArchiveFailure`),
    /// removed by the next success.
    public var archiveFailureFile: String { runDirectory + "/archive-failure.json" }
    /// `<run-dir>/restore-source.json`: the store `wal-restore` reads from during a recovery.
    public var restoreSourceFile: String { runDirectory + "/restore-source.json" }
    /// `<run-dir>/backups/`: one `BackupReport` JSON per backup name.
    public var backupReportsDirectory: String { runDirectory + "/backups" }
    /// `<run-dir>/retention.json`: the last `RetentionReport`.
    public var retentionReportFile: String { runDirectory + "/retention.json" }
    /// `<run-dir>/recovery.log`: PostgreSQL's output while it recovers from a backup.
    public var recoveryLogFile: String { runDirectory + "/recovery.log" }

    /// `<secrets-dir>/backup/`: credentials of the instance's own store.
    public var backupCredentialsDirectory: String { secretsDirectory + "/backup" }
    /// `<secrets-dir>/recovery/`: credentials of the store a recovery reads from.
    public var recoveryCredentialsDirectory: String { secretsDirectory + "/recovery" }

    /// `<pgdata>/quartermaster/`: the manager's state that must live as long as the data.
    public var stateDirectory: String { pgdata + "/quartermaster" }
    /// The store whose emptiness `barman-cloud-check-wal-archive` confirmed for this data.
    public var archiveCheckedFile: String { stateDirectory + "/archive-checked.json" }
    /// What a recovery bootstrap was asked for (`RecoveryRequest`), kept until it ends.
    public var recoveryRequestFile: String { stateDirectory + "/recovery-request.json" }
    /// How a recovery bootstrap ended (`RecoveryReport`), reported in `/status.recovery`.
    public var recoveryReportFile: String { stateDirectory + "/recovery.json" }
    /// `recovery.signal`: PostgreSQL performs a targeted archive recovery while it exists.
    public var recoverySignal: String { pgdata + "/recovery.signal" }
    /// Where WAL segments and timeline history files are: the WAL directory, else `pg_wal`.
    public var walSegmentsDirectory: String { walDirectory ?? (pgdata + "/pg_wal") }
}
