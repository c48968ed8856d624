import Foundation
import KubeClient
import KubeCore
import Prometheus
import Testing

@testable import KubeRuntime

@Suite(.serialized)
struct LeaderElectionTests {
    static func options(
        _ identity: String, lease: Duration = .seconds(1), release: Bool = true
    ) -> LeaderElectionOptions {
        LeaderElectionOptions(
            namespace: "ns", name: "test-lease", identity: identity, leaseDuration: lease,
            renewDeadline: .milliseconds(600), retryPeriod: .milliseconds(200), releaseOnCancel: release)
    }

    /// Starts `elector.run` with work that runs until cancelled; returns the task.
    static func start(_ elector: LeaderElector, onWorkStopped: (@Sendable () -> Void)? = nil) -> Task<Void, any Error>
    {
        Task {
            try await elector.run {
                defer { onWorkStopped?() }
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(10)) }
            }
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
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a"), registry: registry)
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
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a"))
        let b = LeaderElector(client: fake.makeClient(), options: Self.options("b"))
        let ta = Self.start(a)
        let tb = Self.start(b)
        defer {
            ta.cancel()
            tb.cancel()
        }
        #expect(await awaitCondition { a.isLeader || b.isLeader })
        // For 2.5 s (more than two lease durations), never two leaders.
        let end = ContinuousClock.now + .milliseconds(2500)
        var samples = 0
        while ContinuousClock.now < end {
            let leaders = [a.isLeader, b.isLeader].filter { $0 }.count
            #expect(leaders <= 1)
            samples += 1
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(samples > 20)
        #expect(await awaitCondition { [a.isLeader, b.isLeader].filter { $0 }.count == 1 })
        let leader = a.isLeader ? "a" : "b"
        #expect(fake.lease?.spec?.holderIdentity == leader)
        #expect(fake.lease?.spec?.leaseTransitions == 0)
        #expect(a.observedLeader == leader && b.observedLeader == leader)
    }

    @Test func standbyTakesOverAfterLeaseDurationWhenLeaderStopsRenewing() async throws {
        let fake = FakeLeaseAPI()
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a", release: false))
        let ta = Self.start(a)
        #expect(await awaitCondition { a.isLeader })
        let b = LeaderElector(client: fake.makeClient(), options: Self.options("b"))
        let tb = Self.start(b)
        defer { tb.cancel() }
        // b sees a renewing, and waits.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!b.isLeader)
        #expect(a.isLeader)

        ta.cancel()  // stops renewing, without releasing
        try await ta.value
        let stopped = ContinuousClock.now
        #expect(fake.lease?.spec?.holderIdentity == "a")
        #expect(await awaitCondition { b.isLeader })
        let waited = ContinuousClock.now - stopped
        // a's last renewal was at most one retry period before it stopped; b must have waited
        // about one lease duration (1 s) after seeing it.
        #expect(waited >= .milliseconds(600))
        #expect(fake.lease?.spec?.holderIdentity == "b")
        #expect(fake.lease?.spec?.leaseTransitions == 1)
    }

    @Test func releaseOnShutdownLetsTheStandbyAcquirePromptly() async throws {
        let fake = FakeLeaseAPI()
        // A long lease: a standby that waited for expiry would need 5 s.
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a", lease: .seconds(5)))
        let ta = Self.start(a, onWorkStopped: { fake.note("work-stopped:a") })
        #expect(await awaitCondition { a.isLeader })
        let b = LeaderElector(client: fake.makeClient(), options: Self.options("b", lease: .seconds(5)))
        let tb = Self.start(b)
        defer { tb.cancel() }
        try await Task.sleep(for: .milliseconds(500))
        #expect(!b.isLeader)

        ta.cancel()
        try await ta.value
        #expect(!a.isLeader)
        let released = try #require(fake.lease?.spec)
        #expect(released.holderIdentity ?? "" == "" || released.holderIdentity == "b")
        let stopped = ContinuousClock.now
        #expect(await awaitCondition(timeout: .seconds(8)) { b.isLeader })
        #expect(ContinuousClock.now - stopped < .seconds(4))
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
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a", lease: .seconds(7)))
        try await a.acquire()
        await a.release()
        let spec = try #require(fake.lease?.spec)
        #expect(spec.holderIdentity ?? "" == "")
        #expect(spec.leaseDurationSeconds == 1)
        #expect(spec.leaseTransitions == 0)
        #expect(spec.renewTime != nil)
        #expect(!a.isLeader)
    }

    @Test func leaderThatCannotRenewLosesLeadership() async throws {
        let fake = FakeLeaseAPI()
        let cut = SharedFlag()
        let registry = PrometheusCollectorRegistry()
        let a = LeaderElector(
            client: fake.makeClient(blocked: { cut.isSet }), options: Self.options("a"), registry: registry)
        let changes = a.leadershipChanges()
        let ta = Self.start(a)
        #expect(await awaitCondition { a.isLeader })
        cut.set()
        let start = ContinuousClock.now
        await #expect(throws: LeaderElectionLost.self) { try await ta.value }
        // Within the renew deadline (0.6 s) plus one retry and (generous) slack.
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(!a.isLeader)
        #expect(registry.emitToString().contains("leader_election_master_status{name=\"test-lease\"} 0"))
        var seen: [Bool] = []
        for await v in changes {
            seen.append(v)
            if seen.count == 3 { break }
        }
        #expect(seen == [false, true, false])
    }

    @Test func leaderThatSeesAnotherHolderLosesAtOnce() async throws {
        let fake = FakeLeaseAPI()
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a", lease: .seconds(5)))
        let ta = Self.start(a)
        #expect(await awaitCondition { a.isLeader })
        fake.seed(LeaseSpec(holderIdentity: "intruder", leaseDurationSeconds: 5, leaseTransitions: 3))
        await #expect(throws: LeaderElectionLost.self) { try await ta.value }
        #expect(fake.lease?.spec?.holderIdentity == "intruder")
    }

    @Test func conflictLosesTheRoundThenRetries() async throws {
        let fake = FakeLeaseAPI()
        fake.seed(LeaseSpec(holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 4))
        fake.injectConflicts(2)
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a"))
        let changes = a.leadershipChanges()
        try await a.acquire()
        #expect(fake.puts == 3)
        #expect(fake.lease?.spec?.holderIdentity == "a")
        #expect(fake.lease?.spec?.leaseTransitions == 5)
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() == false)
        #expect(await iterator.next() == true)
    }

    @Test func staleResourceVersionIsAConflict() async throws {
        // Another candidate takes the released lease between this one's read and its write:
        // the write carries a stale resourceVersion, the server refuses it, and the next round
        // sees the new holder and waits.
        let fake = FakeLeaseAPI()
        fake.seed(LeaseSpec(holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 0))
        fake.beforeNextPut {
            fake.seed(LeaseSpec(holderIdentity: "other", leaseDurationSeconds: 5, leaseTransitions: 1))
        }
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a"))
        let ta = Task { try await a.acquire() }
        try await Task.sleep(for: .milliseconds(1200))
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
        let a = LeaderElector(client: fake.makeClient(), options: Self.options("a"))
        let start = ContinuousClock.now
        try await a.acquire()
        #expect(ContinuousClock.now - start >= .milliseconds(900))
        #expect(fake.lease?.spec?.leaseTransitions == 3)
        #expect(fake.lease?.spec?.holderIdentity == "a")
    }
}
