import Synchronization

/// What the benchmark controller's reconciler did, with controller-side timestamps.
public final class ReconcileProbe: Sendable {
    private struct State {
        var reconciles = 0
        var applies = 0
        var firstApplyAt: ContinuousClock.Instant?
        var lastApplyAt: ContinuousClock.Instant?
        /// `parent name|data.value` → when the child carrying that value was applied.
        var appliedAt: [String: ContinuousClock.Instant] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Reconciles finished since the last `reset()`.
    public var reconciles: Int { state.withLock { $0.reconciles } }
    /// Children applied (requests sent) since the last `reset()`.
    public var applies: Int { state.withLock { $0.applies } }
    /// When the first child apply (since the last `reset()`) returned.
    public var firstApplyAt: ContinuousClock.Instant? { state.withLock { $0.firstApplyAt } }
    /// When the last child apply returned.
    public var lastApplyAt: ContinuousClock.Instant? { state.withLock { $0.lastApplyAt } }

    /// When the child of `parent` with `value` was applied, if it was.
    public func appliedAt(parent: String, value: String) -> ContinuousClock.Instant? {
        state.withLock { $0.appliedAt["\(parent)|\(value)"] }
    }

    public func reset() { state.withLock { $0 = State() } }

    func reconciled() { state.withLock { $0.reconciles += 1 } }

    func applied(parent: String, value: String, at instant: ContinuousClock.Instant) {
        state.withLock {
            $0.applies += 1
            $0.lastApplyAt = instant
            if $0.firstApplyAt == nil { $0.firstApplyAt = instant }
            $0.appliedAt["\(parent)|\(value)"] = instant
        }
    }
}
