import KubeRuntime
import Synchronization

/// A `RuntimeClock` that only moves when the test says so.
///
/// `now` starts at the real instant the clock was made and advances only through
/// `advance(by:)`, which wakes every sleeper whose deadline has been reached. Sleepers that are
/// cancelled throw `CancellationError` at once. With it, a test checks a timing rule ("the
/// standby waits a full lease duration") by advancing time in steps and asserting what
/// happened, never by measuring how long something took.
public final class ManualClock: RuntimeClock {
    private let state: Mutex<State>
    private let origin: ContinuousClock.Instant

    private struct State {
        var now: ContinuousClock.Instant
        var nextID: UInt64 = 0
        var registrations: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
    }

    private struct Sleeper {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    public init() {
        // Any instant will do as the origin: only differences are ever compared.
        let start = ContinuousClock().now
        origin = start
        state = Mutex(State(now: start))
    }

    public var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// How far the clock has been advanced since it was made.
    public var elapsed: Duration { state.withLock { $0.now } - origin }

    /// How many tasks are sleeping on this clock right now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// How many sleeps have started on this clock so far (including those that returned at
    /// once). Unchanged across a short pause together with `sleeperCount`, it tells a test that
    /// whatever the clock drives has settled.
    public var registrations: UInt64 { state.withLock { $0.registrations } }

    /// The earliest deadline any sleeper waits for; `nil` when nobody sleeps.
    public var nextDeadline: ContinuousClock.Instant? {
        state.withLock { $0.sleepers.values.map(\.deadline).min() }
    }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { s in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    s.registrations += 1
                    if deadline <= s.now { return .success(()) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: c)
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves `now` forward by `duration` and wakes every sleeper whose deadline is reached.
    public func advance(by duration: Duration) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = s.now + duration
            let now = s.now
            let ids = s.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves `now` to the earliest sleeper's deadline (waking it); does nothing when nobody
    /// sleeps. Returns whether it advanced.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let next = nextDeadline else { return false }
        let step = next - now
        advance(by: step > .zero ? step : .zero)
        return true
    }
}
