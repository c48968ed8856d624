import Foundation
import KubeCore
import Synchronization

/// What the PostgresInstance reconciler remembers between reconciles about each instance's
/// backups, in memory only (after a restart everything is simply due again): when the catalog
/// was last read, the retention run in progress and when the last one finished, and which
/// Completed backups it has seen (a new one triggers retention and a catalog read).
final class PostgresBackupMemory: Sendable {
    struct Entry: Sendable, Hashable {
        var catalogReadAt: Date?
        var retentionRunning = false
        var retentionStartedAt: Date?
        var retentionFinishedAt: Date?
        var completedSeen: Set<String>?
    }

    private let entries = Mutex<[ObjectKey: Entry]>([:])

    subscript(key: ObjectKey) -> Entry {
        get { entries.withLock { $0[key] ?? Entry() } }
        set { entries.withLock { $0[key] = newValue } }
    }

    func forget(_ key: ObjectKey) { _ = entries.withLock { $0.removeValue(forKey: key) } }
}
