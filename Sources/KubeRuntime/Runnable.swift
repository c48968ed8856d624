import Foundation

/// Something the manager runs: a controller, a cache, a server.
///
/// Caches run on every replica (so a standby is ready to take over at once and `/readyz` can
/// report synced caches); workers run only on the elected leader.
public protocol Runnable: Sendable {
    /// A short name for logs and metrics, such as the controller's name.
    var name: String { get }
    /// Runs the informers (reflectors and stores) until the task is cancelled. On every replica.
    func runCaches() async throws
    /// Runs the reconcile workers until the task is cancelled. Only on the leader (or on every
    /// replica when leader election is off).
    func runWorkers() async throws
    /// `true` once every cache has completed its first list.
    var hasSynced: Bool { get }
}
