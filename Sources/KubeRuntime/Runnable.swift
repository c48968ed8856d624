import Foundation

/// Something the manager runs: a controller, a cache, a server.
///
/// Caches run on every replica (so a standby is ready to take over at once and `/readyz` can
/// report synced caches); workers run only on the elected leader. A `Controller`'s informers
/// belong to the manager's shared `InformerCache`, which the manager runs itself.
public protocol Runnable: Sendable {
    /// A short name for logs and metrics, such as the controller's name.
    var name: String { get }
    /// Runs informers of its own (reflectors and stores) until the task is cancelled, on every
    /// replica; may return at once when it has none (a `Controller`).
    func runCaches() async throws
    /// Runs the reconcile workers until the task is cancelled. Only on the leader (or on every
    /// replica when leader election is off).
    func runWorkers() async throws
    /// `true` once every cache it reads has completed its first list.
    var hasSynced: Bool { get }
}
