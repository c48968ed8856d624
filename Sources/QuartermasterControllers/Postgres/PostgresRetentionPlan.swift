/// After a retention run: which PostgresBackup objects of an instance to delete, as a pure
/// function. Those Completed, with a backupID no longer in the store's catalog, and made in the
/// store the catalog lists (same destinationPath and serverName as `status.archive`). Nothing
/// when the catalog is empty (a store that lists nothing is not trusted to say what is gone:
/// a recovery window always keeps a backup).
public enum PostgresRetentionPlan {
    public static func expired(_ backups: [PostgresBackup], catalog: BackupCatalog, archive: PostgresArchiveStatus) -> [PostgresBackup] {
        guard !catalog.backups.isEmpty else { return [] }
        let kept = catalog.backupIDs
        return backups.filter { isExpired($0, kept: kept, archive: archive) }
    }

    /// One backup's test, also applied to the object read directly before deleting it.
    public static func isExpired(_ backup: PostgresBackup, kept: Set<String>, archive: PostgresArchiveStatus) -> Bool {
        guard let s = backup.status, s.phase == .completed, let id = s.backupID, !id.isEmpty else { return false }
        return !kept.contains(id) && s.destinationPath == archive.destinationPath && s.serverName == archive.serverName
    }
}
