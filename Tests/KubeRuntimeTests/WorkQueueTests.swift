import Foundation
import Synchronization
import Testing

@testable import KubeRuntime

/// Counts what a work queue reports.
final class RecordingQueueMetrics: WorkQueueMetricsRecorder {
    struct Snapshot {
        var depth = 0, adds = 0, retries = 0, queued = 0, worked = 0
        var unfinished = 0.0, longest = 0.0
    }
    private let s = Mutex(Snapshot())
    var snapshot: Snapshot { s.withLock { $0 } }
    func depth(_ value: Int) { s.withLock { $0.depth = value } }
    func added() { s.withLock { $0.adds += 1 } }
    func queued(for duration: Duration) { s.withLock { $0.queued += 1 } }
    func worked(for duration: Duration) { s.withLock { $0.worked += 1 } }
    func retried() { s.withLock { $0.retries += 1 } }
    func inProgress(unfinishedSeconds: Double, longestSeconds: Double) {
        s.withLock {
            $0.unfinished = unfinishedSeconds
            $0.longest = longestSeconds
        }
    }
}

@Suite struct WorkQueueTests {
    @Test func deduplicatesKeysWaitingInTheQueue() async {
        let metrics = RecordingQueueMetrics()
        let q = WorkQueue<String>(metrics: metrics)
        q.add("a")
        q.add("b")
        q.add("a")
        #expect(q.count == 2)
        #expect(await q.get() == "a")
        #expect(await q.get() == "b")
        #expect(metrics.snapshot.adds == 2)
        #expect(metrics.snapshot.depth == 0)
        #expect(metrics.snapshot.queued == 2)
    }

    @Test func keyAddedWhileProcessingIsRequeuedOnlyAfterDone() async {
        let q = WorkQueue<String>()
        q.add("a")
        let key = await q.get()
        #expect(key == "a")
        q.add("a")
        q.add("a")
        #expect(q.count == 0, "held by a worker: not handed out again yet")
        let second = Task { await q.get() }
        try? await Task.sleep(for: .milliseconds(20))
        q.done("a")
        #expect(await second.value == "a")
        q.done("a")
        #expect(q.count == 0)
    }

    @Test func neverTwoWorkersOnTheSameKey() async {
        let q = WorkQueue<Int>()
        let inFlight = Locked<Set<Int>>([])
        let overlaps = Locked(0)
        let processed = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let k = await q.get() {
                        let clash = inFlight.withLock { !$0.insert(k).inserted }
                        if clash { overlaps.withLock { $0 += 1 } }
                        await Task.yield()
                        inFlight.withLock { _ = $0.remove(k) }
                        processed.withLock { $0 += 1 }
                        q.done(k)
                    }
                }
            }
            group.addTask {
                for i in 0..<2000 {
                    q.add(i % 3)
                    if i % 50 == 0 { await Task.yield() }
                }
            }
            group.addTask {
                _ = await eventually { q.count == 0 && processed.withLock { $0 } > 0 }
                try? await Task.sleep(for: .milliseconds(50))
                q.shutDown()
            }
        }
        #expect(overlaps.withLock { $0 } == 0)
        #expect(processed.withLock { $0 } >= 3)
    }

    @Test func rateLimitedRetriesBackOffPerKeyAndForgetResets() async {
        let limiter = ExponentialFailureRateLimiter<String>()
        let delays = (0..<5).map { _ in limiter.when("a") }
        #expect(
            delays == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(80)])
        #expect(limiter.retries("a") == 5)
        #expect(limiter.when("b") == .milliseconds(5), "keys back off independently")
        for _ in 0..<40 { _ = limiter.when("a") }
        #expect(limiter.when("a") == .seconds(1000))
        limiter.forget("a")
        #expect(limiter.retries("a") == 0)
        #expect(limiter.when("a") == .milliseconds(5))
    }

    @Test func tokenBucketAllowsABurstThenSpacesAdds() {
        // One token per 100 s: the refill during the test is negligible.
        let bucket = TokenBucketRateLimiter<String>(rate: 0.01, burst: 3)
        #expect((0..<3).map { _ in bucket.when("x") } == [.zero, .zero, .zero])
        let next = bucket.when("x")
        #expect(next > .seconds(90) && next <= .seconds(100))
        let after = bucket.when("y")
        #expect(after > .seconds(190) && after <= .seconds(200), "the bucket is shared by all keys")
    }

    @Test func addRateLimitedDelaysAndCountsRetries() async {
        let metrics = RecordingQueueMetrics()
        let q = WorkQueue<String>(
            rateLimiter: ExponentialFailureRateLimiter(base: .milliseconds(30)), metrics: metrics)
        let started = ContinuousClock.now
        q.addRateLimited("a")
        #expect(q.count == 0)
        #expect(await q.get() == "a")
        #expect(ContinuousClock.now - started >= .milliseconds(30))
        q.done("a")
        #expect(q.retries("a") == 1)
        #expect(metrics.snapshot.retries == 1)
        q.forget("a")
        #expect(q.retries("a") == 0)
    }

    @Test func addAfterKeepsTheEarliestTime() async {
        let q = WorkQueue<String>()
        // The later times are a day and an hour away: `get()` returning at all shows that the
        // earliest one (20 ms) was kept, however slow the machine.
        let day: Duration = .seconds(86_400)
        let hour: Duration = .seconds(3_600)
        q.addAfter("a", day)
        q.addAfter("a", .milliseconds(20))
        q.addAfter("a", hour)
        #expect(q.pendingDelayedCount == 1)
        #expect(await q.get() == "a")
        #expect(q.pendingDelayedCount == 0)
        q.addAfter("b", .zero)
        #expect(q.count == 1)
    }

    @Test func shutDownWakesWaitersAndDropsDelayedAdds() async {
        let q = WorkQueue<String>()
        q.addAfter("later", .seconds(100))
        let waiter = Task { await q.get() }
        try? await Task.sleep(for: .milliseconds(20))
        q.shutDown()
        #expect(await waiter.value == nil)
        #expect(q.pendingDelayedCount == 0)
        q.add("x")
        #expect(q.count == 0)
        #expect(await q.get() == nil)
    }

    @Test func cancellingAWaitingGetReturnsNil() async {
        let q = WorkQueue<String>()
        let waiter = Task { await q.get() }
        try? await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value == nil)
        q.add("a")
        #expect(await q.get() == "a", "the cancelled waiter did not swallow the key")
    }

    @Test func aCancelledTaskGetsNilEvenWithKeysWaiting() async {
        let q = WorkQueue<String>()
        q.add("a")
        let gate = AsyncStream<Void>.makeStream()
        let cancelled = Task { () -> String? in
            for await _ in gate.stream { break }  // runs on once cancelled
            return await q.get()
        }
        cancelled.cancel()
        gate.continuation.finish()
        #expect(await cancelled.value == nil)
        #expect(q.count == 1, "the key stays queued for a live worker")
        #expect(await q.get() == "a")
        q.done("a")
    }

    @Test func aWaitingKeyIsTakenAndMarkedProcessing() async {
        let q = WorkQueue<String>()
        q.add("a")
        q.add("b")
        #expect(await q.get() == "a")
        q.add("a")  // processing: queued again only after done
        #expect(q.count == 1)
        #expect(await q.get() == "b")
        q.done("a")
        #expect(await q.get() == "a")
    }

    @Test func reportsWorkInProgress() async {
        let metrics = RecordingQueueMetrics()
        let q = WorkQueue<String>(metrics: metrics)
        q.add("a")
        _ = await q.get()
        try? await Task.sleep(for: .milliseconds(20))
        q.reportInProgress()
        #expect(metrics.snapshot.longest >= 0.02)
        #expect(metrics.snapshot.unfinished >= metrics.snapshot.longest)
        q.done("a")
        q.reportInProgress()
        #expect(metrics.snapshot.longest == 0)
        #expect(metrics.snapshot.worked == 1)
    }
}
