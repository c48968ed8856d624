import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Prometheus
import Synchronization
import Testing

/// `LeaderElector` against the real Lease API: one leader at a time, takeover after a crash
/// (lease expiry) and after a graceful release.
@Suite("Core: leader election against a real API server")
struct CoreLeaderElectionTests {
    /// Short timings so the test runs in seconds: lease 3 s, renew deadline 2 s, retry 0.5 s.
    static func options(namespace: String, identity: String, release: Bool) -> LeaderElectionOptions {
        LeaderElectionOptions(
            namespace: namespace, name: "core-leader", identity: identity, leaseDuration: .seconds(3),
            renewDeadline: .seconds(2), retryPeriod: .milliseconds(500), releaseOnCancel: release)
    }

    /// One candidate: its own client (own connection, as a separate process would have), its
    /// elector and the task running it. `whileLeading` counts how often it started.
    struct Candidate {
        let elector: LeaderElector
        let task: Task<Void, any Error>
        let leadings: Tally
    }

    static func startCandidate(_ env: EnvTest, namespace: String, identity: String, release: Bool) throws
        -> Candidate
    {
        let client = try KubeClient(configuration: env.clientConfiguration(user: .admin))
        let elector = LeaderElector(
            client: client, options: options(namespace: namespace, identity: identity, release: release))
        let leadings = Tally()
        let task = Task {
            try await elector.run {
                leadings.increment()
                // Lead until cancelled.
                while !Task.isCancelled { try await Task.sleep(for: .seconds(60)) }
            }
        }
        return Candidate(elector: elector, task: task, leadings: leadings)
    }

    @Test(
        "exactly one of two candidates leads; the other takes over after a crash and at once after a release",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func takeover() async throws {
        let env = try await EnvTest.shared()
        for release in [false, true] {
            let namespace = try await env.createNamespace(release ? "core-leader-release" : "core-leader-crash")
            let a = try Self.startCandidate(env, namespace: namespace, identity: "candidate-a", release: release)
            let b = try Self.startCandidate(env, namespace: namespace, identity: "candidate-b", release: release)
            defer {
                a.task.cancel()
                b.task.cancel()
            }
            #expect(await CoreTest.eventually { a.elector.isLeader || b.elector.isLeader })
            // For a few renewals (several lease durations), never both and always one.
            let watchUntil = ContinuousClock.now + .seconds(4)
            var bothSeen = false
            var noneSeen = 0
            while ContinuousClock.now < watchUntil {
                let (la, lb) = (a.elector.isLeader, b.elector.isLeader)
                if la && lb { bothSeen = true }
                if !la && !lb { noneSeen += 1 }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!bothSeen)
            #expect(noneSeen == 0)
            let (leader, standby) = a.elector.isLeader ? (a, b) : (b, a)
            let lease = try await env.kubectlChecked([
                "get", "lease", "core-leader", "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}",
            ])
            #expect(lease == leader.elector.options.identity)
            #expect(leader.leadings.value == 1)
            #expect(standby.leadings.value == 0)

            // Crash (no release) or graceful stop (release).
            let stopped = ContinuousClock.now
            leader.task.cancel()
            try await leader.task.value
            #expect(!leader.elector.isLeader)
            #expect(await CoreTest.eventually(timeout: .seconds(30)) { standby.elector.isLeader })
            let takeover = ContinuousClock.now - stopped
            print(
                "CoreLeaderElectionTests.takeover (\(release ? "released" : "crashed, not released")): "
                    + "the standby took over \(takeover) after the leader stopped (lease 3 s, retry 0.5 s)")
            if release {
                // Released: the standby's next attempt (0.5-0.6 s) succeeds; generous margin.
                #expect(takeover < .seconds(3), "takeover after release took \(takeover)")
            } else {
                // Not released: the standby must first see the lease unchanged for 3 s.
                #expect(takeover >= .milliseconds(2000), "took over before the lease could expire: \(takeover)")
                #expect(takeover < .seconds(15), "takeover after a crash took \(takeover)")
            }
            let holder = try await env.kubectlChecked([
                "get", "lease", "core-leader", "-n", namespace, "-o",
                "jsonpath={.spec.holderIdentity} {.spec.leaseTransitions}",
            ])
            #expect(holder.hasPrefix(standby.elector.options.identity + " "), "\(holder)")
            #expect(standby.leadings.value == 1)
            try await env.kubectlChecked(["delete", "namespace", namespace, "--wait=false"])
        }
    }
}

/// Counts reconciles of ConfigMaps; changes nothing.
struct CountingReconciler: Reconciler {
    typealias Object = ConfigMap
    let reconciles: Tally
    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<ConfigMap>) async throws -> ReconcileResult {
        reconciles.increment()
        return .done
    }
}

extension CoreLeaderElectionTests {
    @Test(
        "of two managers only the leader reconciles; the standby's caches are synced and it takes over on shutdown",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func twoManagers() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("core-managers")
        _ = try await env.kubectlChecked(["-n", namespace, "create", "configmap", "one", "--from-literal=a=1"])

        func makeManager(_ identity: String) throws -> (Manager, Tally) {
            let client = try KubeClient(configuration: env.clientConfiguration(user: .admin))
            let reconciles = Tally()
            let manager = Manager(
                client: client,
                options: ManagerOptions(
                    metricsBindAddress: .disabled, healthProbeBindAddress: .disabled, leaderElection: true,
                    leaderElectionNamespace: namespace, leaderElectionID: "core-managers",
                    leaderElectionIdentity: identity, leaseDuration: .seconds(3), renewDeadline: .seconds(2),
                    retryPeriod: .milliseconds(500), handleSignals: false),
                registry: PrometheusCollectorRegistry())
            manager.add(
                Controller(
                    name: "count-\(identity)", client: client, reconciler: CountingReconciler(reconciles: reconciles),
                    primary: ReflectorOptions(namespaces: [namespace])))
            return (manager, reconciles)
        }
        let (a, aReconciles) = try makeManager("manager-a")
        let (b, bReconciles) = try makeManager("manager-b")
        let aRun = Task { try await a.run() }
        let bRun = Task { try await b.run() }
        defer {
            a.shutdown()
            b.shutdown()
        }
        #expect(
            await CoreTest.eventually {
                a.readiness().allSatisfy(\.ready) && b.readiness().allSatisfy(\.ready)
                    && (a.leaderElector?.isLeader == true) != (b.leaderElector?.isLeader == true)
            })
        let aLeads = a.leaderElector?.isLeader == true
        let (leader, leaderRun, leaderReconciles) = aLeads ? (a, aRun, aReconciles) : (b, bRun, bReconciles)
        let (standby, standbyRun, standbyReconciles) = aLeads ? (b, bRun, bReconciles) : (a, aRun, aReconciles)
        #expect(await CoreTest.eventually { leaderReconciles.value >= 1 })
        _ = try await env.kubectlChecked(["-n", namespace, "create", "configmap", "two", "--from-literal=a=2"])
        #expect(await CoreTest.eventually { leaderReconciles.value >= 2 })
        try await Task.sleep(for: .seconds(1))
        #expect(standbyReconciles.value == 0, "the standby reconciled while not leading")
        let standbyReady = standby.readiness().allSatisfy(\.ready)
        #expect(standbyReady, "the standby's caches are synced")

        let stopped = ContinuousClock.now
        leader.shutdown()
        try await leaderRun.value
        #expect(await CoreTest.eventually { standby.leaderElector?.isLeader == true && standbyReconciles.value >= 2 })
        print("CoreLeaderElectionTests.twoManagers: the standby led and reconciled \(standbyReconciles.value) objects "
            + "\(ContinuousClock.now - stopped) after the leader's graceful shutdown")
        standby.shutdown()
        try await standbyRun.value
        try await env.kubectlChecked(["delete", "namespace", namespace, "--wait=false"])
    }
}

/// A thread-safe counter.
final class Tally: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
