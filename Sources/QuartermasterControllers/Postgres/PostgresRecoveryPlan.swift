import Foundation

/// Which base backup a recovery bootstrap restores, as a pure function: from the source's
/// Completed PostgresBackups (label `quartermaster.dev/postgres-instance` or
/// `spec.instance.name` equal to the source), each with a backupID and a store:
/// - target time → the latest (by stop time) that stopped at or before it;
/// - target lsn → the latest whose endLSN is at or before it;
/// - target name or none (latest) → the latest.
/// `nil` when none fits (`Stalled` `NoBackupForTarget`).
public enum PostgresRecoveryPlan {
    public static func candidates(_ backups: [PostgresBackup], source: String, namespace: String) -> [PostgresBackup] {
        backups.filter { b in
            b.metadata.namespace == namespace && b.status?.phase == .completed && b.status?.backupID != nil
                && b.status?.destinationPath != nil && b.status?.credentialsSecret != nil
                && (b.spec.instance.name == source || b.metadata.labels?[PostgresBackupLabels.instanceKey] == source)
        }
    }

    public static func baseBackup(from candidates: [PostgresBackup], target: PostgresRecoveryTarget?) -> PostgresBackup? {
        func stopped(_ b: PostgresBackup) -> Date { b.status?.stoppedAt.flatMap(BackupTime.date) ?? .distantPast }
        let ordered = candidates.sorted { (stopped($0), $0.metadata.name ?? "") < (stopped($1), $1.metadata.name ?? "") }
        if let time = target?.time {
            guard let limit = BackupTime.date(time) else { return nil }
            return ordered.last { b in b.status?.stoppedAt.flatMap(BackupTime.date).map { $0 <= limit } ?? false }
        }
        if let lsn = target?.lsn {
            guard let limit = PostgresLSN(lsn) else { return nil }
            return ordered.last { b in b.status?.endLSN.flatMap(PostgresLSN.init).map { $0 <= limit } ?? false }
        }
        return ordered.last
    }

    /// `status.bootstrap` for `backup` (a candidate) and the spec's target.
    public static func bootstrap(from backup: PostgresBackup, target: PostgresRecoveryTarget?) -> PostgresBootstrapStatus? {
        guard let s = backup.status, let id = s.backupID, let path = s.destinationPath, let secret = s.credentialsSecret else {
            return nil
        }
        return PostgresBootstrapStatus(
            backupID: id, backupName: backup.metadata.name, destinationPath: path, endpointURL: s.endpointURL,
            region: s.region, serverName: s.serverName ?? backup.spec.instance.name,
            encryption: s.encryption ?? PostgresObjectStore.Encryption.aes256.rawValue, credentialsSecret: secret,
            caSecret: s.caSecret, target: target)
    }
}
