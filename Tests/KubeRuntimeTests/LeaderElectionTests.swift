import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Prometheus
import Testing

@testable import KubeRuntime

/// Leader election over `FakeLeaseAPI`, on a `ManualClock`: every timing rule is checked by
/// advancing time by hand, so the outcome does not depend on how busy the machine is.
@Suite struct LeaderElectionTests {
    static let retry: Duration = .milliseconds(200)
    static let shortLease: Duration = .seconds(1)
    static let longLease: Duration = .milliseconds(5000)
    /// How long leading work sleeps between checks for cancellation (real time).
    static let idle: Duration = .seconds(10)

    static func options(
        _ identity: String, lease: Duration = shortLease, release: Bool = true
    ) -> LeaderElectionOptions {
        LeaderElectionOptions(
            namespace: "ns", name: "test-lease", identity: identity, leaseDuration: lease,
            renewDeadline: .milliseconds(600), retryPeriod: retry, releaseOnCancel: release)
    }

    static func elector(
        _ fake: FakeLeaseAPI, _ identity: String, clock: ManualClock, lease: Duration = shortLease,
        release: Bool = true, blocked: @escaping @Sendable () -> Bool = { false },
        registry: PrometheusCollectorRegistry? = nil
    ) -> LeaderElector {
        LeaderElector(
            client: fake.makeClient(blocked: blocked), options: options(identity, lease: lease, release: release),
            registry: registry, clock: clock)
    }

    /// Starts `elector.run` with work that runs until cancelled; returns the task.
    static func start(_ elector: LeaderElector, onWorkStopped: (@Sendable () -> Void)? = nil) -> Task<Void, any Error>
    {
        Task {
            try await elector.run {
                defer { onWorkStopped?() }
                while !Task.isCancelled { try? await Task.sleep(for: Self.idle) }
            }
        }
    }

    /// Whether `task` has finished (either way), checked by the caller's polling.
    static func finished(_ task: Task<Void, any Error>, into flag: SharedFlag) -> Task<Void, Never> {
        Task {
            _ = try? await task.value
            flag.set()
        }
    }

    @Test func defaultsAreClientGos() {
        let o = LeaderElectionOptions(namespace: "n", name: "x")
        #expect(o.leaseDuration == .seconds(15))
        #expect(o.renewDeadline == .seconds(10))
        #expect(o.retryPeriod == .seconds(2))
        #expect(o.releaseOnCancel)
        #expect(o.identity.hasPrefix(ProcessInfo.processInfo.hostName + "_"))
        #expect(o.identity != LeaderElectionOptions(namespace: "n", name: "x").identity)
        #expect(Self.options("a", lease: .milliseconds(1500)).leaseDurationSeconds == 2)
    }

    @Test func createsTheLeaseWhenMissing() async throws {
        let fake = FakeLeaseAPI()
        let registry = PrometheusCollectorRegistry()
        let a = Self.elector(fake, "a", clock: ManualClock(), registry: registry)
        #expect(registry.emitToString().contains("leader_election_master_status{name=\"test-lease\"} 0"))
        try await a.acquire()
        #expect(a.isLeader)
        let spec = try #require(fake.lease?.spec)
        #expect(spec.holderIdentity == "a")
        #expect(spec.leaseDurationSeconds == 1)
        #expect(spec.leaseTransitions == 0)
        let renew = try #require(spec.renewTime)
        #expect(spec.acquireTime == renew)
        // MicroTime: six fractional digits, UTC.
        #expect(renew.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)
        #expect(registry.emitToString().contains("leader_election_master_status{name=\"test-lease\"} 1"))
        #expect(fake.log == ["create:a"])
    }

    @Test func twoElectorsExactlyOneLeader() async throws {
        let fake = FakeLeaseAPI()
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock)
        let b = Self.elector(fake, "b", clock: clock)
        let ta = Self.start(a)
        let tb = Self.start(b)
        defer {
            ta.cancel()
            tb.cancel()
        }
        #expect(await awaitCondition { a.isLeader || b.isLeader })
        // Fifteen retry periods (three seconds, three lease durations) with both candidates
        // caught up after every step: never two leaders, and no takeover.
        var twoLeaders = 0
        await step(clock, by: Self.retry, times: 15, sleepers: 2) {
            if a.isLeader && b.isLeader { twoLeaders += 1 }
        }
        #expect(twoLeaders == 0)
        #expect([a.isLeader, b.isLeader].filter { $0 }.count == 1)
        let leader = a.isLeader ? "a" : "b"
        #expect(fake.lease?.spec?.holderIdentity == leader)
        #expect(fake.lease?.spec?.leaseTransitions == 0)
        #expect(a.observedLeader == leader && b.observedLeader == leader)
    }

    @Test func standbyTakesOverAfterLeaseDurationWhenLeaderStopsRenewing() async throws {
        let fake = FakeLeaseAPI()
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock, release: false)
        let ta = Self.start(a)
        #expect(await awaitCondition { a.isLeader })
        let b = Self.elector(fake, "b", clock: clock)
        let tb = Self.start(b)
        defer { tb.cancel() }
        // For 1.5 s (more than a lease duration) b sees a renewing, and waits.
        await step(clock, by: .milliseconds(100), times: 15, sleepers: 2)
        #expect(!b.isLeader)
        #expect(a.isLeader)

        ta.cancel()  // stops renewing, without releasing
        try await ta.value
        let stopped = clock.now
        #expect(fake.lease?.spec?.holderIdentity == "a")
        #expect(await drive(clock, step: .milliseconds(50)) { b.isLeader })
        // a's last renewal was at most one retry period (and one step) before it stopped; b
        // must have waited a lease duration (1 s) after seeing it.
        #expect(clock.now - stopped >= .milliseconds(650))
        #expect(fake.lease?.spec?.holderIdentity == "b")
        #expect(fake.lease?.spec?.leaseTransitions == 1)
    }

    @Test func releaseOnShutdownLetsTheStandbyAcquirePromptly() async throws {
        let fake = FakeLeaseAPI()
        let clock = ManualClock()
        // A long lease: a standby that waited for expiry would need 5 s.
        let a = Self.elector(fake, "a", clock: clock, lease: Self.longLease)
        let ta = Self.start(a, onWorkStopped: { fake.note("work-stopped:a") })
        #expect(await awaitCondition { a.isLeader })
        let b = Self.elector(fake, "b", clock: clock, lease: Self.longLease)
        let tb = Self.start(b)
        defer { tb.cancel() }
        await step(clock, by: .milliseconds(100), times: 5, sleepers: 2)
        #expect(!b.isLeader)

        ta.cancel()
        try await ta.value
        #expect(!a.isLeader)
        let released = try #require(fake.lease?.spec)
        #expect(released.holderIdentity ?? "" == "" || released.holderIdentity == "b")
        let stopped = clock.now
        #expect(await drive(clock, step: .milliseconds(50)) { b.isLeader })
        // At b's next attempt: one retry period plus jitter, not a lease duration.
        #expect(clock.now - stopped <= .milliseconds(300))
        // The work stopped before the lease was released; b took over after.
        let log = fake.log
        let workStopped = try #require(log.firstIndex(of: "work-stopped:a"))
        let release = try #require(log.firstIndex(of: "update:"))
        let takeover = try #require(log.lastIndex(of: "update:b"))
        #expect(workStopped < release && release < takeover)
        #expect(fake.lease?.spec?.leaseTransitions == 1)
    }

    @Test func releaseWritesAnEmptyHolderAndOneSecondDuration() async throws {
        let fake = FakeLeaseAPI()
        let a = Self.elector(fake, "a", clock: ManualClock(), lease: .milliseconds(7000))
        try await a.acquire()
        await a.release()
        let spec = try #require(fake.lease?.spec)
        #expect(spec.holderIdentity ?? "" == "")
        #expect(spec.leaseDurationSeconds == 1)
        #expect(spec.leaseTransitions == 0)
        #expect(spec.renewTime != nil)
        #expect(!a.isLeader)
    }

    @Test func releaseRetriesAConflictAfterReadingTheLeaseAgain() async throws {
        // a's last renewal reached the server, but its answer never came back: the lease a
        // remembers carries a stale resourceVersion, and the release write gets a Conflict.
        let fake = FakeLeaseAPI()
        let a = Self.elector(fake, "a", clock: ManualClock(), lease: Self.longLease)
        try await a.acquire()
        let renewed = try #require(fake.lease?.spec)
        fake.seed(renewed)
        await a.release()
        let spec = try #require(fake.lease?.spec)
        #expect(spec.holderIdentity ?? "" == "")
        #expect(spec.leaseDurationSeconds == 1)
        #expect(fake.puts == 2, "one Conflict, then the release with the fresh resourceVersion")
        #expect(fake.log == ["create:a", "update:"])
        #expect(!a.isLeader)
    }

    @Test func releaseGivesUpAfterRepeatedConflicts() async throws {
        let fake = FakeLeaseAPI()
        let a = Self.elector(fake, "a", clock: ManualClock(), lease: Self.longLease)
        try await a.acquire()
        fake.injectConflicts(10)
        await a.release()
        #expect(fake.puts == LeaderElector.releaseAttempts)
        #expect(fake.lease?.spec?.holderIdentity == "a")
        #expect(!a.isLeader)
    }

    @Test func releaseLeavesALeaseSomeoneElseHoldsAlone() async throws {
        let fake = FakeLeaseAPI()
        let a = Self.elector(fake, "a", clock: ManualClock(), lease: Self.longLease)
        try await a.acquire()
        fake.seed(LeaseSpec(holderIdentity: "b", leaseDurationSeconds: 5, leaseTransitions: 1))
        await a.release()
        #expect(fake.puts == 1, "the Conflict; no second write over b's lease")
        #expect(fake.lease?.spec?.holderIdentity == "b")
        #expect(!a.isLeader)
    }

    @Test func leaderThatCannotRenewLosesLeadership() async throws {
        let fake = FakeLeaseAPI()
        let cut = SharedFlag()
        let clock = ManualClock()
        let registry = PrometheusCollectorRegistry()
        let a = Self.elector(fake, "a", clock: clock, blocked: { cut.isSet }, registry: registry)
        let changes = a.leadershipChanges()
        let ta = Self.start(a)
        #expect(await awaitCondition { a.isLeader })
        cut.set()
        let start = clock.now
        let done = SharedFlag()
        _ = Self.finished(ta, into: done)
        #expect(await drive(clock, step: .milliseconds(50)) { done.isSet })
        // Because renewals failed for the renew deadline, which had passed on the clock.
        let lost = await #expect(throws: LeaderElectionLost.self) { try await ta.value }
        #expect(lost?.reason.hasPrefix("could not renew within") == true, "\(String(describing: lost))")
        #expect(clock.now - start >= .milliseconds(600))
        #expect(!a.isLeader)
        #expect(registry.emitToString().contains("leader_election_master_status{name=\"test-lease\"} 0"))
        var seen: [Bool] = []
        for await v in changes {
            seen.append(v)
            if seen.count == 3 { break }
        }
        #expect(seen == [false, true, false])
    }

    @Test func lostLeadershipIsReportedBeforeTheWorkIsAwaited() async throws {
        let fake = FakeLeaseAPI()
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock, lease: Self.longLease)
        let order = Locked<[String]>([])
        let ta = Task {
            try await a.run(onLost: { _ in order.withLock { $0.append("lost") } }) {
                while !Task.isCancelled { try? await Task.sleep(for: Self.idle) }
                order.withLock { $0.append("work-stopped") }
            }
        }
        #expect(await awaitCondition { a.isLeader })
        fake.seed(LeaseSpec(holderIdentity: "intruder", leaseDurationSeconds: 5, leaseTransitions: 3))
        let done = SharedFlag()
        _ = Self.finished(ta, into: done)
        #expect(await drive(clock, step: .milliseconds(50)) { done.isSet })
        await #expect(throws: LeaderElectionLost.self) { try await ta.value }
        #expect(order.value == ["lost", "work-stopped"])
    }

    @Test func leaderThatSeesAnotherHolderLosesAtOnce() async throws {
        let fake = FakeLeaseAPI()
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock, lease: Self.longLease)
        let ta = Self.start(a)
        #expect(await awaitCondition { a.isLeader })
        fake.seed(LeaseSpec(holderIdentity: "intruder", leaseDurationSeconds: 5, leaseTransitions: 3))
        let done = SharedFlag()
        _ = Self.finished(ta, into: done)
        #expect(await drive(clock, step: .milliseconds(50)) { done.isSet })
        // At the next renewal, because of the other holder (not after the renew deadline).
        let lost = await #expect(throws: LeaderElectionLost.self) { try await ta.value }
        #expect(lost?.reason == "the lease is now held by intruder")
        #expect(fake.lease?.spec?.holderIdentity == "intruder")
    }

    @Test func conflictLosesTheRoundThenRetries() async throws {
        let fake = FakeLeaseAPI()
        fake.seed(LeaseSpec(holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 4))
        fake.injectConflicts(2)
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock)
        let changes = a.leadershipChanges()
        let ta = Task { try await a.acquire() }
        #expect(await drive(clock, step: .milliseconds(50)) { a.isLeader })
        try await ta.value
        #expect(fake.puts == 3)
        #expect(fake.lease?.spec?.holderIdentity == "a")
        #expect(fake.lease?.spec?.leaseTransitions == 5)
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() == false)
        #expect(await iterator.next() == true)
    }

    @Test func staleResourceVersionIsAConflict() async throws {
        // Another candidate takes the released lease between this one's read and its write:
        // the write carries a stale resourceVersion, the server refuses it, and the next rounds
        // see the new holder and wait.
        let fake = FakeLeaseAPI()
        fake.seed(LeaseSpec(holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 0))
        fake.beforeNextPut {
            fake.seed(LeaseSpec(holderIdentity: "other", leaseDurationSeconds: 5, leaseTransitions: 1))
        }
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock)
        let ta = Task { try await a.acquire() }
        // 1.2 s in retry-period steps: several attempts, none of them a write.
        await step(clock, by: Self.retry, times: 6)
        #expect(!a.isLeader)
        #expect(fake.puts == 1)
        #expect(fake.lease?.spec?.holderIdentity == "other")
        #expect(a.observedLeader == "other")
        ta.cancel()
        await #expect(throws: CancellationError.self) { try await ta.value }
    }

    @Test func takeoverOfAnExpiredLeaseWaitsForLocalObservation() async throws {
        // The lease's renewTime is an hour old, but this process has never seen it change:
        // it must still wait a full lease duration of its own before taking over.
        let fake = FakeLeaseAPI()
        let old = APITimestamp.microTime(Date().addingTimeInterval(-3600))
        fake.seed(
            LeaseSpec(holderIdentity: "gone", leaseDurationSeconds: 1, acquireTime: old, renewTime: old, leaseTransitions: 2))
        let clock = ManualClock()
        let a = Self.elector(fake, "a", clock: clock)
        let start = clock.now
        let ta = Task { try await a.acquire() }
        #expect(await drive(clock, step: .milliseconds(50)) { a.isLeader })
        try await ta.value
        #expect(clock.now - start >= Self.shortLease)
        #expect(fake.lease?.spec?.leaseTransitions == 3)
        #expect(fake.lease?.spec?.holderIdentity == "a")
    }
}
