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
        /// Tasks waiting in `waitForApplies`, with the count each waits for.
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
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

    /// Sets the counts back to zero (tasks waiting in `waitForApplies` keep waiting).
    public func reset() {
        state.withLock { s in
            let waiters = s.waiters
            s = State()
            s.waiters = waiters
        }
    }

    /// Returns once `count` children have been applied since the last `reset()`, woken by the
    /// apply itself (the benchmark must not poll: a poll costs the measured process CPU), or
    /// when the calling task is cancelled.
    public func waitForApplies(_ count: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.applies >= count || Task.isCancelled { return true }
                    s.waiters.append((count, continuation))
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let all = state.withLock { s in
                defer { s.waiters = [] }
                return s.waiters
            }
            for w in all { w.continuation.resume() }
        }
    }

    func reconciled() { state.withLock { $0.reconciles += 1 } }

    func applied(parent: String, value: String, at instant: ContinuousClock.Instant) {
        let due = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.applies += 1
            s.lastApplyAt = instant
            if s.firstApplyAt == nil { s.firstApplyAt = instant }
            s.appliedAt["\(parent)|\(value)"] = instant
            guard s.waiters.contains(where: { $0.count <= s.applies }) else { return [] }
            let applies = s.applies
            let due = s.waiters.filter { $0.count <= applies }.map(\.continuation)
            s.waiters.removeAll { $0.count <= applies }
            return due
        }
        for continuation in due { continuation.resume() }
    }
}
