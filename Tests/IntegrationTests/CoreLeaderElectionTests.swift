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
///
/// The assertions are events (who leads, who took over, what the lease says), never how long
/// something took: the API server shares the machine with everything else.
@Suite("Core: leader election against a real API server")
struct CoreLeaderElectionTests {
    /// Lease timing for the crash case: the standby must wait out the lease (8 s); the renew
    /// deadline (4 s) is long enough that a busy machine does not cost the leader its lease.
    static let crashLease: Duration = .seconds(8)
    static let crashRenewDeadline: Duration = .seconds(4)
    /// Lease timing for the release case: an hour, so a takeover can only come from the
    /// leader's release, never from the lease running out.
    static let releaseLease: Duration = .seconds(3600)
    static let releaseRenewDeadline: Duration = .seconds(60)
    /// Bounds a hang only; every wait below is for an event that normally takes well under it.
    static let hangGuard: Duration = .seconds(120)

    static func options(namespace: String, identity: String, release: Bool) -> LeaderElectionOptions {
        LeaderElectionOptions(
            namespace: namespace, name: "core-leader", identity: identity,
            leaseDuration: release ? releaseLease : crashLease,
            renewDeadline: release ? releaseRenewDeadline : crashRenewDeadline, retryPeriod: .milliseconds(500),
            releaseOnCancel: release)
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
            #expect(await CoreTest.eventually(timeout: Self.hangGuard) { a.elector.isLeader || b.elector.isLeader })
            let (leader, standby) = a.elector.isLeader ? (a, b) : (b, a)
            // The standby has seen the leader in the lease, and waits: one leader.
            let leaderIdentity = leader.elector.options.identity
            #expect(await CoreTest.eventually(timeout: Self.hangGuard) { standby.elector.observedLeader == leaderIdentity })
            #expect(leader.elector.isLeader && !standby.elector.isLeader)
            let lease = try await env.kubectlChecked([
                "get", "lease", "core-leader", "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}",
            ])
            #expect(lease == leader.elector.options.identity)
            #expect(leader.leadings.value == 1)
            #expect(standby.leadings.value == 0)

            // Crash (no release) or graceful stop (release).
            leader.task.cancel()
            try await leader.task.value
            #expect(!leader.elector.isLeader)
            if release {
                // The lease was given up: no holder (or already the standby).
                let holder = try await env.kubectlChecked([
                    "get", "lease", "core-leader", "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}",
                ])
                #expect(holder.isEmpty || holder == standby.elector.options.identity, "\(holder)")
            }
            // Released: the hour-long lease cannot run out within the hang guard, so the standby
            // leading proves it took over because of the release.
            #expect(await CoreTest.eventually(timeout: Self.hangGuard) { standby.elector.isLeader })
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
                    operatorIdentity: .testOperator, metricsBindAddress: .disabled,
                    healthProbeBindAddress: .disabled, leaderElection: true,
                    leaderElectionNamespace: namespace, leaderElectionID: "core-managers",
                    leaderElectionIdentity: identity, leaseDuration: Self.releaseLease,
                    renewDeadline: Self.releaseRenewDeadline, retryPeriod: .milliseconds(500), handleSignals: false),
                registry: PrometheusCollectorRegistry())
            manager.add(
                ControllerBuilder<ConfigMap>(
                    cache: manager.cache, name: "count-\(identity)", primary: ReflectorOptions(namespaces: [namespace])
                ).complete(CountingReconciler(reconciles: reconciles)))
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
            await CoreTest.eventually(timeout: Self.hangGuard) {
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

        leader.shutdown()
        try await leaderRun.value
        // The lease lasts an hour: the standby leading within the hang guard means it took over
        // because the leader released the lease on shutdown.
        #expect(
            await CoreTest.eventually(timeout: Self.hangGuard) {
                standby.leaderElector?.isLeader == true && standbyReconciles.value >= 2
            })
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
