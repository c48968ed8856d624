import Foundation

/// How often a controller re-enqueues every cached primary object whether or not anything
/// changed: controller-runtime's `SyncPeriod`, a safety net for missed events and for state
/// outside the cluster that drifts without an event.
///
/// Each wait is `period` scaled by a factor drawn uniformly from `[1 - jitter, 1 + jitter)`,
/// so that controllers (and replicas) do not all resync at once. A resync adds the keys to the
/// work queue directly (not through the update predicate); converged objects then reconcile
/// without writing anything.
public struct ResyncPeriod: Sendable, Hashable {
    /// The mean time between two resyncs. Must be positive.
    public var period: Duration
    /// The fraction by which each wait may differ from `period`, in `0...1`. Default 0.1 (±10%).
    public var jitter: Double

    /// controller-runtime's default: every 10 hours, ±10%.
    public static let controllerRuntimeDefault = ResyncPeriod(period: .seconds(10 * 3600), jitter: 0.1)

    /// - Parameters:
    ///   - period: the mean time between two resyncs (values below 1 ms are raised to 1 ms).
    ///   - jitter: clamped to `0...1`. Default 0.1.
    public init(period: Duration, jitter: Double = 0.1) {
        self.period = max(period, .milliseconds(1))
        self.jitter = jitter.isFinite ? min(1, max(0, jitter)) : 0
    }

    /// The wait before the next resync for `random`, a number in `[0, 1)`: `period` scaled by
    /// `1 - jitter + 2 * jitter * random`. Never below 1 ms.
    public func delay(random: Double) -> Duration {
        let r = random.isFinite ? min(1, max(0, random)) : 0.5
        let factor = 1 - jitter + 2 * jitter * r
        return max(period * factor, .milliseconds(1))
    }

    /// The wait before the next resync, with a random jitter from `generator`.
    public func nextDelay<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        delay(random: Double.random(in: 0..<1, using: &generator))
    }
}

/// A runnable whose resync period the `Manager` sets from `ManagerOptions.syncPeriod` when it
/// is added (before it runs).
protocol ManagerSyncPeriodAdopting: Sendable {
    func adoptManagerSyncPeriod(_ resync: ResyncPeriod?)
}
