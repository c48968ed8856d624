import Foundation
import Synchronization

/// A queue of keys to reconcile, with client-go's work queue guarantees:
///
/// - **Dedup**: a key added while it is already waiting is queued once.
/// - **One worker per key**: a key added while a worker holds it is queued again only after
///   that worker calls `done`, so two workers never reconcile the same key at once.
/// - **Rate-limited retries**: `addRateLimited` re-adds after the rate limiter's delay
///   (default: per key 5 ms doubling to 1000 s, and 10/s overall with burst 100); `forget`
///   resets a key's failures.
/// - **Delayed adds**: `addAfter` adds once the delay has passed; when a key is scheduled more
///   than once, the earliest time wins.
/// - **Shutdown**: `shutDown` wakes every waiting `get` with `nil`, drops pending delayed adds,
///   and ignores later adds. Keys still queued are not handed out.
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    public let rateLimiter: any RateLimiter<Key>
    private let metrics: any WorkQueueMetricsRecorder
    private let state = Mutex(State())

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Key?, Never>
    }

    private struct State {
        var queue: [Key] = []
        var head = 0
        var dirty: Set<Key> = []
        var processing: [Key: ContinuousClock.Instant] = [:]
        var enqueuedAt: [Key: ContinuousClock.Instant] = [:]
        var waiters: [Waiter] = []
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
        var delayed: [Key: (deadline: ContinuousClock.Instant, task: Task<Void, Never>)] = [:]
        var shuttingDown = false

        var depth: Int { queue.count - head }

        /// Marks `key` (just popped) as processed from `now`: its time in the queue and the
        /// depth left.
        mutating func take(_ key: Key, at now: ContinuousClock.Instant) -> (key: Key?, latency: Duration?, depth: Int) {
            dirty.remove(key)
            processing[key] = now
            return (key, enqueuedAt.removeValue(forKey: key).map { now - $0 }, depth)
        }

        mutating func popFront() -> Key? {
            guard head < queue.count else { return nil }
            let key = queue[head]
            head += 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return key
        }
    }

    /// - Parameters:
    ///   - rateLimiter: default `MaxOfRateLimiter.controllerDefault()`.
    ///   - metrics: default: none.
    public init(
        rateLimiter: any RateLimiter<Key> = MaxOfRateLimiter<Key>.controllerDefault(),
        metrics: any WorkQueueMetricsRecorder = NoWorkQueueMetrics()
    ) {
        self.rateLimiter = rateLimiter
        self.metrics = metrics
    }

    /// The number of keys waiting to be handed out.
    public var count: Int { state.withLock { $0.depth } }

    /// `true` after `shutDown`.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Adds `key` now, unless it is already waiting.
    public func add(_ key: Key) {
        var handOff: (CheckedContinuation<Key?, Never>, Key)?
        let result: (accepted: Bool, depth: Int, latency: Duration?) = state.withLock { s in
            guard !s.shuttingDown, !s.dirty.contains(key) else { return (false, s.depth, nil) }
            s.dirty.insert(key)
            guard s.processing[key] == nil else { return (true, s.depth, nil) }
            let now = ContinuousClock.now
            if !s.waiters.isEmpty {
                let waiter = s.waiters.removeFirst()
                s.dirty.remove(key)
                s.processing[key] = now
                handOff = (waiter.continuation, key)
                return (true, s.depth, .zero)
            }
            s.queue.append(key)
            s.enqueuedAt[key] = now
            return (true, s.depth, nil)
        }
        guard result.accepted else { return }
        metrics.added()
        metrics.depth(result.depth)
        if let latency = result.latency { metrics.queued(for: latency) }
        if let (continuation, key) = handOff { continuation.resume(returning: key) }
    }

    /// Adds `key` after `delay` (at once for a delay of zero or less). If `key` already has a
    /// pending delayed add, the earlier of the two times is kept.
    public func addAfter(_ key: Key, _ delay: Duration) {
        guard delay > .zero else {
            add(key)
            return
        }
        let deadline = ContinuousClock.now + delay
        state.withLock { s in
            guard !s.shuttingDown else { return }
            if let existing = s.delayed[key], existing.deadline <= deadline { return }
            s.delayed[key]?.task.cancel()
            let task = Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                guard !Task.isCancelled else { return }
                self?.fireDelayed(key, deadline: deadline)
            }
            s.delayed[key] = (deadline, task)
        }
    }

    private func fireDelayed(_ key: Key, deadline: ContinuousClock.Instant) {
        let due = state.withLock { s -> Bool in
            guard let entry = s.delayed[key], entry.deadline == deadline else { return false }
            s.delayed[key] = nil
            return true
        }
        if due { add(key) }
    }

    /// Adds `key` after the rate limiter's delay for it (a retry after a failure).
    public func addRateLimited(_ key: Key) {
        guard !isShuttingDown else { return }
        metrics.retried()
        addAfter(key, rateLimiter.when(key))
    }

    /// Forgets `key`'s failures, so its next `addRateLimited` starts from the shortest delay.
    public func forget(_ key: Key) { rateLimiter.forget(key) }

    /// How many times `key` failed since it was last forgotten.
    public func retries(_ key: Key) -> Int { rateLimiter.retries(key) }

    /// Waits for a key and marks it as being processed. Returns `nil` once the queue is shut
    /// down or the calling task is cancelled. Every key returned must be passed to `done`.
    public func get() async -> Key? {
        // A key already waiting is taken without suspending: a worker that finishes one key
        // while others wait goes straight on, with no trip through the executor.
        if Task.isCancelled { return nil }
        let (ready, id): ((key: Key?, latency: Duration?, depth: Int)?, UInt64) = state.withLock { s in
            if s.shuttingDown { return ((nil, nil, s.depth), 0) }
            if let key = s.popFront() { return (s.take(key, at: .now), 0) }
            s.nextWaiterID += 1
            return (nil, s.nextWaiterID)
        }
        if let ready {
            if ready.key != nil { metrics.depth(ready.depth) }
            if let latency = ready.latency { metrics.queued(for: latency) }
            return ready.key
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Key?, Never>) in
                // `resume == false`: parked as a waiter, resumed later by `add`, `done`,
                // `shutDown` or cancellation.
                let (resume, key, latency, depth): (Bool, Key?, Duration?, Int) = state.withLock { s in
                    if s.cancelledWaiters.remove(id) != nil || s.shuttingDown { return (true, nil, nil, s.depth) }
                    if let key = s.popFront() {
                        let taken = s.take(key, at: .now)
                        return (true, taken.key, taken.latency, taken.depth)
                    }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return (false, nil, nil, s.depth)
                }
                guard resume else { return }
                if key != nil { metrics.depth(depth) }
                if let latency { metrics.queued(for: latency) }
                continuation.resume(returning: key)
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                if let i = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: i) }
                s.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Marks `key` as no longer processed; if it was added meanwhile, it is queued again now.
    public func done(_ key: Key) {
        var handOff: CheckedContinuation<Key?, Never>?
        let (started, depth, requeued): (ContinuousClock.Instant?, Int, Bool) = state.withLock { s in
            let started = s.processing.removeValue(forKey: key)
            guard s.dirty.contains(key), !s.shuttingDown else { return (started, s.depth, false) }
            let now = ContinuousClock.now
            if !s.waiters.isEmpty {
                handOff = s.waiters.removeFirst().continuation
                s.dirty.remove(key)
                s.processing[key] = now
            } else {
                s.queue.append(key)
                s.enqueuedAt[key] = now
            }
            return (started, s.depth, true)
        }
        if let started { metrics.worked(for: ContinuousClock.now - started) }
        if requeued { metrics.depth(depth) }
        handOff?.resume(returning: key)
    }

    /// Stops the queue: waiting and future `get` calls return `nil`, pending delayed adds are
    /// dropped, later adds are ignored.
    public func shutDown() {
        let (waiters, tasks) = state.withLock { s -> ([Waiter], [Task<Void, Never>]) in
            s.shuttingDown = true
            let w = s.waiters
            s.waiters.removeAll()
            let t = s.delayed.values.map(\.task)
            s.delayed.removeAll()
            return (w, t)
        }
        for t in tasks { t.cancel() }
        for w in waiters { w.continuation.resume(returning: nil) }
    }

    /// Reports the work in progress to the metrics recorder (`unfinished_work_seconds` and
    /// `longest_running_processor_seconds`); the controller calls it every 500 ms, as client-go.
    public func reportInProgress() {
        let now = ContinuousClock.now
        let (total, longest) = state.withLock { s -> (Double, Double) in
            var total = 0.0
            var longest = 0.0
            for started in s.processing.values {
                let d = now - started
                let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                total += seconds
                longest = max(longest, seconds)
            }
            return (total, longest)
        }
        metrics.inProgress(unfinishedSeconds: total, longestSeconds: longest)
    }

    /// Keys waiting for a delayed add, for tests and diagnostics.
    public var pendingDelayedCount: Int { state.withLock { $0.delayed.count } }
}
