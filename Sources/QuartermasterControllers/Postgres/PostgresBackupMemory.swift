import Foundation
import KubeCore
import Synchronization

/// What the PostgresInstance reconciler remembers between reconciles about each instance's
/// backups, in memory only (after a restart everything is simply due again): when the catalog
/// was last read, the retention run in progress and when the last one finished, which
/// Completed backups it has seen (a new one triggers retention and a catalog read), and the
/// retention work still owed after a transient failure (retried until done, never dropped), and
/// the backup-now token last handled.
final class PostgresBackupMemory: Sendable {
    struct Entry: Sendable, Hashable {
        /// The instance's UID the entry is about: an instance deleted and made again under the
        /// same name starts with a fresh entry.
        var uid: String?
        var catalogReadAt: Date?
        var retentionRunning = false
        var retentionStartedAt: Date?
        /// The primary's pod IP the running retention run was started on.
        var retentionPodIP: String?
        var retentionFinishedAt: Date?
        var completedSeen: Set<String>?
        /// A retention run is owed: a backup completed since the last one started, or the last
        /// one could not be started, failed or was given up. Cleared when a run starts.
        var retentionDue = false
        /// Not before this is an owed run tried again (after a run the tool reported failed).
        var retentionRetryAt: Date?
        /// A retention run finished and this instance's PostgresBackups have not yet been
        /// compared with the store's catalog (its read failed): done on the next reconcile.
        var expiryCheckDue = false
        /// The backup-now token this process last handled (created a backup for, or found
        /// handled): a reconcile reading an instance from before that status write creates no
        /// second backup for it.
        var runNowTokenHandled: String?
    }

    private let entries = Mutex<[ObjectKey: Entry]>([:])

    /// The entry of `key` when it is about the instance `uid`, else a fresh one for it.
    func entry(_ key: ObjectKey, uid: String?) -> Entry {
        let entry = self[key]
        return entry.uid == uid ? entry : Entry(uid: uid)
    }

    subscript(key: ObjectKey) -> Entry {
        get { entries.withLock { $0[key] ?? Entry() } }
        set { entries.withLock { $0[key] = newValue } }
    }

    func forget(_ key: ObjectKey) { _ = entries.withLock { $0.removeValue(forKey: key) } }
}
