import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Logging
import Prometheus
import Synchronization
import Testing

@testable import KubeRuntime

/// A runnable whose caches sync when the test says so, and which records what ran.
final class ManagerTestRunnable: Runnable {
    let name: String
    let synced = SharedFlag()
    let cachesRunning = SharedFlag()
    let workersRunning = SharedFlag()
    let workersStopped = SharedFlag()
    let cachesStopped = SharedFlag()
    private let onWorkersStopped: @Sendable () -> Void

    init(name: String = "widgets", onWorkersStopped: @escaping @Sendable () -> Void = {}) {
        self.name = name
        self.onWorkersStopped = onWorkersStopped
    }

    var hasSynced: Bool { synced.isSet }

    func runCaches() async throws {
        cachesRunning.set()
        defer { cachesStopped.set() }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(10)) }
    }

    func runWorkers() async throws {
        workersRunning.set()
        defer {
            workersStopped.set()
            onWorkersStopped()
        }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(10)) }
    }
}

/// Work that ignores cancellation until the test opens the gate (without holding a thread).
final class StuckGate: Sendable {
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    let entered = SharedFlag()

    func wait() async {
        entered.set()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }
}

/// A runnable whose workers ignore cancellation until its gate opens.
struct ManagerTestStuckRunnable: Runnable {
    let name = "stuck"
    let gate: StuckGate
    let workersStopped = SharedFlag()
    var hasSynced: Bool { true }
    func runCaches() async throws {}
    func runWorkers() async throws {
        defer { workersStopped.set() }
        await gate.wait()
    }
}

/// A runnable whose caches fail.
struct ManagerTestFailingRunnable: Runnable {
    struct Broken: Error {}
    let name = "broken"
    var hasSynced: Bool { false }
    func runCaches() async throws {
        try await Task.sleep(for: .milliseconds(100))
        throw Broken()
    }
    func runWorkers() async throws {}
}

@Suite(.serialized) struct ManagerTests {
    static func options(leaderElection: Bool, identity: String = "me") -> ManagerOptions {
        ManagerOptions(
            operatorIdentity: .testOperator, metricsBindAddress: .listen(host: "127.0.0.1", port: 0),
            healthProbeBindAddress: .listen(host: "127.0.0.1", port: 0), leaderElection: leaderElection,
            leaderElectionNamespace: "ns", leaderElectionID: "test-lease", leaderElectionIdentity: identity,
            leaseDuration: .seconds(1), renewDeadline: .milliseconds(600), retryPeriod: .milliseconds(200),
            gracefulShutdownTimeout: .seconds(5), handleSignals: false)
    }

    @Test func defaults() {
        let o = ManagerOptions(operatorIdentity: .testOperator)
        #expect(o.metricsBindAddress == .listen(host: nil, port: 8080))
        #expect(o.healthProbeBindAddress == .listen(host: nil, port: 8081))
        #expect(!o.leaderElection)
        #expect(o.leaderElectionID == "test-operator-leader", "the identity's lease")
        #expect(o.leaderElectionOptions.name == "test-operator-leader")
        #expect(o.leaderElectionNamespace == (ManagerOptions.inClusterNamespace() ?? "default"))
        #expect(o.gracefulShutdownTimeout == .seconds(30))
        #expect(o.leaseDuration == .seconds(15) && o.renewDeadline == .seconds(10) && o.retryPeriod == .seconds(2))
        #expect(o.handleSignals)
    }

    @Test func runsCachesThenWorkersAsLeaderAndShutsDownGracefully() async throws {
        let fake = FakeLeaseAPI()
        let registry = PrometheusCollectorRegistry()
        let runnable = ManagerTestRunnable(onWorkersStopped: { fake.note("workers-stopped") })
        // A manual clock: the lease is never renewed, so it cannot be lost on a busy machine.
        let manager = Manager(
            client: fake.makeClient(), options: Self.options(leaderElection: true), registry: registry,
            clock: ManualClock())
        manager.add(runnable)
        let run = Task { try await manager.run() }

        #expect(await awaitCondition { await manager.healthProbePort() != nil })
        let health = try #require(await manager.healthProbePort())
        let metricsPort = try #require(await manager.metricsPort())
        #expect(try await HealthProbeHTTPClient.get(port: health, path: "/healthz").status == 200)
        let notReady = try await HealthProbeHTTPClient.get(port: health, path: "/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.body.contains("[-]widgets not ready"))

        #expect(await awaitCondition { runnable.workersRunning.isSet })
        #expect(runnable.cachesRunning.isSet)
        #expect(manager.leaderElector?.isLeader == true)
        #expect(fake.lease?.spec?.holderIdentity == "me")
        let metrics = try await HealthProbeHTTPClient.get(port: metricsPort, path: "/metrics")
        #expect(metrics.body.contains("leader_election_master_status{name=\"test-lease\"} 1"))

        runnable.synced.set()
        #expect(try await HealthProbeHTTPClient.get(port: health, path: "/readyz").status == 200)

        manager.shutdown()
        try await run.value
        #expect(runnable.workersStopped.isSet)
        #expect(runnable.cachesStopped.isSet)
        #expect(fake.lease?.spec?.holderIdentity ?? "" == "")
        #expect(fake.lease?.spec?.leaseDurationSeconds == 1)
        // Workers stopped before the lease was released.
        let log = fake.log
        let stopped = try #require(log.firstIndex(of: "workers-stopped"))
        let released = try #require(log.lastIndex(of: "update:"))
        #expect(stopped < released)
        // Servers are gone.
        await #expect(throws: (any Error).self) { try await HealthProbeHTTPClient.get(port: health, path: "/healthz") }
        await #expect(throws: ManagerError.alreadyStarted) { try await manager.run() }
    }

    @Test func standbyRunsCachesButNotWorkers() async throws {
        let fake = FakeLeaseAPI()
        fake.seed(LeaseSpec(holderIdentity: "someone-else", leaseDurationSeconds: 30))
        let runnable = ManagerTestRunnable()
        let clock = ManualClock()
        let manager = Manager(
            client: fake.makeClient(), options: Self.options(leaderElection: true), registry: .init(),
            clock: clock)
        manager.add(runnable)
        let run = Task { try await manager.run() }
        #expect(await awaitCondition { runnable.cachesRunning.isSet })
        runnable.synced.set()
        #expect(await awaitCondition { await manager.healthProbePort() != nil })
        let port = try #require(await manager.healthProbePort())
        // A standby is ready (its caches are synced) but runs no workers: four more attempts
        // to acquire (0.8 s), each finding the lease held.
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/readyz").status == 200)
        await step(clock, by: .milliseconds(200), times: 4)
        #expect(!runnable.workersRunning.isSet)
        #expect(manager.leaderElector?.observedLeader == "someone-else")
        manager.shutdown()
        try await run.value
        #expect(fake.lease?.spec?.holderIdentity == "someone-else")
    }

    @Test func withoutLeaderElectionWorkersStartAtOnce() async throws {
        let fake = FakeLeaseAPI()
        let runnable = ManagerTestRunnable()
        var options = Self.options(leaderElection: false)
        options.metricsBindAddress = .disabled
        let manager = Manager(client: fake.makeClient(), options: options, registry: .init())
        manager.add(runnable)
        #expect(manager.leaderElector == nil)
        let run = Task { try await manager.run() }
        #expect(await awaitCondition { runnable.workersRunning.isSet })
        #expect(await manager.metricsPort() == nil)
        #expect(fake.lease == nil)
        manager.shutdown()
        try await run.value
        #expect(runnable.workersStopped.isSet)
    }

    @Test func lostLeadershipThrows() async throws {
        let fake = FakeLeaseAPI()
        let cut = SharedFlag()
        let runnable = ManagerTestRunnable()
        let clock = ManualClock()
        var options = Self.options(leaderElection: true)
        // Longer than the whole drive below: the workers stop within the grace period.
        options.gracefulShutdownTimeout = .seconds(3600)
        let manager = Manager(
            client: fake.makeClient(blocked: { cut.isSet }), options: options, registry: .init(), clock: clock)
        manager.add(runnable)
        let run = Task { try await manager.run() }
        #expect(await awaitCondition { runnable.workersRunning.isSet })
        cut.set()
        let done = SharedFlag()
        Task {
            _ = try? await run.value
            done.set()
        }
        #expect(await drive(clock, step: .milliseconds(100)) { done.isSet })
        await #expect(throws: LeaderElectionLost.self) { try await run.value }
        #expect(runnable.workersStopped.isSet)
        #expect(runnable.cachesStopped.isSet)
    }

    @Test func lostLeadershipEndsRunAfterTheGracePeriodEvenIfWorkersHang() async throws {
        let fake = FakeLeaseAPI()
        let cut = SharedFlag()
        let gate = StuckGate()
        defer { gate.open() }
        let stuck = ManagerTestStuckRunnable(gate: gate)
        let clock = ManualClock()
        var options = Self.options(leaderElection: true)
        options.gracefulShutdownTimeout = .seconds(2)
        let manager = Manager(
            client: fake.makeClient(blocked: { cut.isSet }), options: options, registry: .init(), clock: clock)
        manager.add(stuck)
        let run = Task { try await manager.run() }
        #expect(await awaitCondition { gate.entered.isSet })
        cut.set()
        let done = SharedFlag()
        Task {
            _ = try? await run.value
            done.set()
        }
        #expect(await drive(clock, step: .milliseconds(100)) { done.isSet })
        await #expect(throws: LeaderElectionLost.self) { try await run.value }
        // run() ended although the workers never stopped: the process can exit.
        #expect(!stuck.workersStopped.isSet)
        #expect(manager.readiness().contains { $0.name == "shutdown" && !$0.ready })
    }

    @Test func aFailingRunnableStopsTheManager() async throws {
        let fake = FakeLeaseAPI()
        let good = ManagerTestRunnable()
        let manager = Manager(client: fake.makeClient(), options: Self.options(leaderElection: false), registry: .init())
        manager.add(good)
        manager.add(ManagerTestFailingRunnable())
        let run = Task { try await manager.run() }
        await #expect(throws: ManagerTestFailingRunnable.Broken.self) { try await run.value }
        #expect(good.cachesStopped.isSet)
    }

    @Test func shutdownTimesOutOnStuckRunnables() async throws {
        let gate = StuckGate()
        defer { gate.open() }
        let stuck = ManagerTestStuckRunnable(gate: gate)
        let clock = ManualClock()
        var options = Self.options(leaderElection: false)
        options.gracefulShutdownTimeout = .milliseconds(300)
        let manager = Manager(client: FakeLeaseAPI().makeClient(), options: options, registry: .init(), clock: clock)
        manager.add(stuck)
        let run = Task { try await manager.run() }
        #expect(await awaitCondition { gate.entered.isSet })
        manager.shutdown()
        // The graceful shutdown timeout is the only sleeper: run() ends once it has passed.
        await settle(clock, sleepers: 1)
        #expect(clock.nextDeadline == clock.now + .milliseconds(300))
        clock.advance(by: .milliseconds(299))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))
        await #expect(throws: ManagerError.gracefulShutdownTimedOut(.milliseconds(300))) { try await run.value }
        #expect(!stuck.workersStopped.isSet)
    }

    @Test func cancellingRunShutsDown() async throws {
        let runnable = ManagerTestRunnable()
        let manager = Manager(
            client: FakeLeaseAPI().makeClient(), options: Self.options(leaderElection: false), registry: .init())
        manager.add(runnable)
        let run = Task { try await manager.run() }
        #expect(await awaitCondition { runnable.workersRunning.isSet })
        run.cancel()
        try await run.value
        #expect(runnable.workersStopped.isSet)
    }

    @Test func signalHandlerCallsBackOnTheSignal() async throws {
        let got = Mutex<[Int32]>([])
        let handler = SignalHandler(signals: [SIGUSR2]) { sig in got.withLock { $0.append(sig) } }
        defer { handler.cancel() }
        // Process-directed, as `kill` sends it (test threads block the signal, so `raise` would
        // leave it pending on this thread).
        kill(getpid(), SIGUSR2)
        #expect(await awaitCondition { got.withLock { $0 } == [SIGUSR2] })
    }
}
