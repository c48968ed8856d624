import Synchronization

/// A flag that is set once and can be awaited: `wait()` returns once `fire()` was called (or
/// when the waiting task is cancelled).
final class OneShotLatch: Sendable {
    private let state = Mutex<State>(State())

    private struct State {
        var fired = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    var isFired: Bool { state.withLock { $0.fired } }

    /// Sets the flag and wakes every waiter. Later calls do nothing.
    func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.fired else { return [] }
            s.fired = true
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// Returns once fired, or when the task is cancelled.
    func wait() async {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.fired || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Waits up to `timeout` as measured by `clock`; `true` when fired in time.
    func wait(timeout: Duration, clock: any RuntimeClock = ContinuousRuntimeClock()) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait()
                return self.isFired
            }
            group.addTask {
                try? await clock.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || isFired
        }
    }
}
