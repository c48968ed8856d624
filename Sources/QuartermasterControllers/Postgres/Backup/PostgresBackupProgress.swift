/// What one reconcile of a PostgresBackup learned (``PostgresBackupReconciler``), the input of
/// ``PostgresBackupStatusComputation``.
public enum PostgresBackupProgress: Sendable, Hashable {
    /// Not started yet, for a passing reason (another backup runs, the instance manager did
    /// not answer): stays Pending.
    case waiting(reason: String, message: String)
    /// The instance manager of `pod` accepted it; the store is the instance's `status.archive`.
    case started(BackupReport, archive: PostgresArchiveStatus, pod: String)
    /// The instance manager's current report.
    case reported(BackupReport)
    /// Running, but the instance manager did not answer this time: nothing changes.
    case unanswered
    /// Failed for good, with this error.
    case failed(String)
    /// A spec the operator refuses (`spec.instance` changed): `Stalled`.
    case stalled(reason: String, message: String)
}
