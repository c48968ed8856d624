import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

@Suite struct IPFSClusterStatusComputationTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let t1 = t0.addingTimeInterval(60)
    static let hash = "115a242d208d320c31d419d82e7c022a0b37376db6ae5cc2e2efbdc625a08030"

    static func cluster(generation: Int64 = 1, previous: IPFSClusterStatus? = nil) -> IPFSCluster {
        var c = persistedCluster(name: "demo", namespace: "ipfs", generation: generation) { $0.storage.ipfs.size = "20Gi" }
        c.status = previous
        return c
    }

    /// The served, fully ready StatefulSet, with its status changed by `change`.
    static func sts(_ change: (inout StatefulSetStatus) -> Void = { _ in }) throws -> StatefulSet {
        var s = try IPFSClusterSamples.statefulSet()
        if var status = s.status {
            change(&status)
            s.status = status
        }
        return s
    }

    static func condition(_ status: IPFSClusterStatus, _ type: String) -> IPFSClusterStatus.Condition? {
        status.conditions?.first { $0.type == type }
    }

    @Test func pendingWithoutStatefulSet() {
        let s = IPFSClusterStatusComputation.compute(cluster: Self.cluster(generation: 4), observation: .init(), now: Self.t0)
        #expect(s.phase == .pending)
        #expect(s.observedGeneration == 4)
        #expect(s.replicas == 0 && s.readyReplicas == 0)
        #expect(Self.condition(s, "Ready")?.status == .false)
        #expect(Self.condition(s, "Reconciling")?.status == .true)
        #expect(Self.condition(s, "Stalled")?.status == .false)
        #expect(s.conditions?.allSatisfy { $0.observedGeneration == 4 && $0.lastTransitionTime == "2027-01-15T08:00:00Z" } == true)
        #expect(s.peers == nil && s.credentialsSecretRef == nil)
        #expect(s.selector == "app.kubernetes.io/instance=demo,app.kubernetes.io/name=ipfs-cluster")
    }

    @Test func readyFromServedStatefulSet() throws {
        let identities = IPFSClusterIdentities.generate(replicas: 5)  // 5 kept in the Secret, 3 in use
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(),
            observation: .init(statefulSet: try Self.sts(), identities: identities, desiredConfigHash: Self.hash), now: Self.t0)
        #expect(s.phase == .ready)
        #expect(s.replicas == 3 && s.readyReplicas == 3)
        #expect(Self.condition(s, "Ready")?.status == .true)
        #expect(Self.condition(s, "Reconciling")?.status == .false)
        #expect(Self.condition(s, "Stalled")?.status == .false)
        #expect(s.peers == (0..<3).map { .init(pod: "demo-\($0)", peerID: identities.clusterPeerID($0).description) })
        #expect(s.credentialsSecretRef == .init(name: "demo-identities"))
        #expect(s.endpoints == .init(api: "http://demo-api.ipfs.svc:9094", gateway: "http://demo-gateway.ipfs.svc:8080"))
        #expect(Self.condition(s, "DisruptionBudget") == nil)
        // The status encodes as the CRD's schema expects (no nulls, required condition fields).
        let json = String(decoding: try KubeJSON.encode(s), as: UTF8.self)
        #expect(!json.contains("null"))
    }

    /// Each way a StatefulSet can fall short of "rolled out" (the type's doc comment).
    enum NotRolledOut: String, CaseIterable, Sendable {
        case controllerHasNotSeenTheLatestGeneration, revisionsDiffer, notAllUpdated, extraPodStillTerminating,
            aPeerNotReady, noStatusYet, specAsksForMorePeers, templateLacksTheNewConfiguration

        func compute() throws -> IPFSClusterStatus {
            var cluster = IPFSClusterStatusComputationTests.cluster()
            var hash: String?
            let sts: StatefulSet
            switch self {
            case .controllerHasNotSeenTheLatestGeneration: sts = try IPFSClusterStatusComputationTests.sts { $0.observedGeneration = 1 }
            case .revisionsDiffer: sts = try IPFSClusterStatusComputationTests.sts { $0.updateRevision = "demo-new" }
            case .notAllUpdated: sts = try IPFSClusterStatusComputationTests.sts { $0.updatedReplicas = 2 }
            case .extraPodStillTerminating: sts = try IPFSClusterStatusComputationTests.sts { $0.replicas = 4 }
            case .aPeerNotReady: sts = try IPFSClusterStatusComputationTests.sts { $0.readyReplicas = 2 }
            case .noStatusYet:
                var s = try IPFSClusterSamples.statefulSet()
                s.status = nil
                sts = s
            case .specAsksForMorePeers:
                cluster.spec.replicas = 5
                sts = try IPFSClusterStatusComputationTests.sts()
            case .templateLacksTheNewConfiguration:
                hash = "other"
                sts = try IPFSClusterStatusComputationTests.sts()
            }
            return IPFSClusterStatusComputation.compute(
                cluster: cluster, observation: .init(statefulSet: sts, desiredConfigHash: hash),
                now: IPFSClusterStatusComputationTests.t0)
        }
    }

    @Test(arguments: NotRolledOut.allCases)
    func notReadyUntilTheCurrentSpecIsRolledOut(_ shortfall: NotRolledOut) throws {
        let s = try shortfall.compute()
        #expect(s.phase == .provisioning)
        #expect(Self.condition(s, "Ready")?.status == .false)
        #expect(Self.condition(s, "Reconciling")?.status == .true)
    }

    /// One row of the phase rules of `IPFSClusterStatusComputation`'s doc comment, with the
    /// conditions each phase sets.
    struct PhaseRow: Sendable, CustomTestStringConvertible {
        var rule: String
        var problems = false
        var suspended = false
        var statefulSet: StatefulSetShape
        var previous: IPFSClusterStatus.Phase?
        var phase: IPFSClusterStatus.Phase
        /// Ready, Reconciling, Stalled: status and reason.
        var ready: (Condition.Status, String)
        var reconciling: (Condition.Status, String)
        var stalled: (Condition.Status, String)
        var testDescription: String { rule }

        enum StatefulSetShape: Sendable { case absent, rolledOutAndReady, rolledOutOnePeerDown, rollingOut, scaledToZero }

        func statefulSetValue() throws -> StatefulSet? {
            switch statefulSet {
            case .absent: return nil
            case .rolledOutAndReady: return try IPFSClusterStatusComputationTests.sts()
            case .rolledOutOnePeerDown: return try IPFSClusterStatusComputationTests.sts { $0.readyReplicas = 2 }
            case .rollingOut: return try IPFSClusterStatusComputationTests.sts { $0.updateRevision = "demo-new" }
            case .scaledToZero:
                var s = try IPFSClusterStatusComputationTests.sts { $0.readyReplicas = 0; $0.replicas = 0; $0.updatedReplicas = 0 }
                s.spec?.replicas = 0
                return s
            }
        }
    }

    static let phaseRows: [PhaseRow] = [
        PhaseRow(
            rule: "Failed: a problem stalls the reconciler, whatever else holds", problems: true, suspended: true,
            statefulSet: .rolledOutAndReady, previous: .ready, phase: .failed, ready: (.false, "InvalidSpec"),
            reconciling: (.false, "Stalled"), stalled: (.true, "InvalidSpec")),
        PhaseRow(
            rule: "Suspended: spec.suspended, peers still ready", suspended: true, statefulSet: .rolledOutAndReady,
            phase: .suspended, ready: (.false, "Suspended"), reconciling: (.true, "Suspending"),
            stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Suspended: spec.suspended, no peer ready", suspended: true, statefulSet: .scaledToZero,
            phase: .suspended, ready: (.false, "Suspended"), reconciling: (.false, "Suspended"),
            stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Pending: no StatefulSet yet", statefulSet: .absent, phase: .pending, ready: (.false, "Pending"),
            reconciling: (.true, "Creating"), stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Ready: rolled out and every peer ready", statefulSet: .rolledOutAndReady, phase: .ready,
            ready: (.true, "PeersReady"), reconciling: (.false, "PeersReady"), stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Degraded: was Ready, rolled out, a peer not ready", statefulSet: .rolledOutOnePeerDown,
            previous: .ready, phase: .degraded, ready: (.false, "PeersNotReady"), reconciling: (.true, "PeersNotReady"),
            stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Degraded: was Degraded, still a peer not ready", statefulSet: .rolledOutOnePeerDown,
            previous: .degraded, phase: .degraded, ready: (.false, "PeersNotReady"), reconciling: (.true, "PeersNotReady"),
            stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Provisioning: never Ready, a peer not ready", statefulSet: .rolledOutOnePeerDown, phase: .provisioning,
            ready: (.false, "RollingOut"), reconciling: (.true, "RollingOut"), stalled: (.false, "NoProblems")),
        PhaseRow(
            rule: "Provisioning: was Ready, rolling out a change", statefulSet: .rollingOut, previous: .ready,
            phase: .provisioning, ready: (.false, "RollingOut"), reconciling: (.true, "RollingOut"),
            stalled: (.false, "NoProblems")),
    ]

    @Test(arguments: phaseRows)
    func phaseAndConditionRules(_ row: PhaseRow) throws {
        var cluster = Self.cluster(generation: 2, previous: row.previous.map { IPFSClusterStatus(phase: $0) })
        cluster.spec.suspended = row.suspended
        let problems =
            row.problems ? [IPFSClusterValidation.Problem(reason: .invalidSpec, message: "replicas: out of range")] : []
        let s = IPFSClusterStatusComputation.compute(
            cluster: cluster, observation: .init(statefulSet: try row.statefulSetValue(), problems: problems), now: Self.t0)
        #expect(s.phase == row.phase)
        for (type, expected) in [("Ready", row.ready), ("Reconciling", row.reconciling), ("Stalled", row.stalled)] {
            let c = Self.condition(s, type)
            #expect(c?.status == expected.0, "\(type)")
            #expect(c?.reason == expected.1, "\(type)")
            #expect(c?.observedGeneration == 2, "\(type)")
        }
    }

    @Test func degradedOnlyAfterBeingReady() throws {
        let ready = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(), observation: .init(statefulSet: try Self.sts()), now: Self.t0)
        #expect(ready.phase == .ready)
        let oneDown = try Self.sts { $0.readyReplicas = 2 }
        let degraded = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: ready), observation: .init(statefulSet: oneDown), now: Self.t1)
        #expect(degraded.phase == .degraded)
        #expect(degraded.readyReplicas == 2)
        #expect(Self.condition(degraded, "Ready")?.status == .false)
        #expect(Self.condition(degraded, "Ready")?.reason == "PeersNotReady")
        #expect(Self.condition(degraded, "Ready")?.lastTransitionTime == APITimestamp.time(Self.t1))
        // Still degraded on the next pass; the transition time stays.
        let again = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: degraded), observation: .init(statefulSet: oneDown),
            now: Self.t1.addingTimeInterval(600))
        #expect(again.phase == .degraded)
        #expect(Self.condition(again, "Ready")?.lastTransitionTime == APITimestamp.time(Self.t1))
        #expect(Self.condition(again, "Stalled")?.lastTransitionTime == APITimestamp.time(Self.t0))
        // Recovered.
        let recovered = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: again), observation: .init(statefulSet: try Self.sts()), now: Self.t1)
        #expect(recovered.phase == .ready)
        // A spec change after being ready is a rollout, not a degradation.
        let rolling = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(generation: 2, previous: ready),
            observation: .init(statefulSet: try Self.sts { $0.updateRevision = "demo-new"; $0.readyReplicas = 2 }))
        #expect(rolling.phase == .provisioning)
    }

    @Test func stalledByProblems() throws {
        let problems = [
            IPFSClusterValidation.Problem(reason: .volumeShrinkNotAllowed, message: "storage.ipfs.size: too small"),
            IPFSClusterValidation.Problem(reason: .storageClassNotFound, message: "storage.cluster: missing"),
        ]
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(generation: 3), observation: .init(statefulSet: try Self.sts(), problems: problems), now: Self.t0)
        #expect(s.phase == .failed)
        let stalled = try #require(Self.condition(s, "Stalled"))
        #expect(stalled.status == .true && stalled.reason == "VolumeShrinkNotAllowed" && stalled.observedGeneration == 3)
        #expect(stalled.message == "storage.ipfs.size: too small; storage.cluster: missing")
        #expect(Self.condition(s, "Ready")?.status == .false)
        #expect(Self.condition(s, "Reconciling")?.status == .false)
        // The existing pods are still reported.
        #expect(s.readyReplicas == 3)
    }

    /// What the `Reconciling` condition of a stalled cluster says, by the class of its first
    /// problem: only a problem of the spec asks for a change of the spec.
    struct StalledRow: Sendable, CustomTestStringConvertible {
        var rule: String
        var reason: IPFSClusterValidation.Reason
        var message: String
        /// Phrases the message must hold.
        var says: [String]
        var testDescription: String { rule }
    }

    static let stalledRows: [StalledRow] = [
        StalledRow(
            rule: "a spec the operator cannot apply needs a change of the spec", reason: .invalidSpec,
            message: "replicas: out of range", says: ["needs a change of the spec"]),
        StalledRow(
            rule: "a tenant's policy: the spec or the policy", reason: .policyViolation,
            message: "spec.tolerations[0]: toleration {operator: Exists} is not allowed", says: ["change of the spec", "Tenant's policy"]),
        StalledRow(
            rule: "Forbidden: retried with backoff; a grant by the platform team clears it", reason: .forbidden,
            message: #"apply Service ipfs/demo-api: services "demo-api" is forbidden: User "operator" cannot patch"#,
            says: ["retries with backoff", "grant", "platform team", "the spec needs no change"]),
        StalledRow(
            rule: "QuotaExceeded (a refused write): retried; quota or a smaller spec clears it", reason: .quotaExceeded,
            message: #"create PersistentVolumeClaim ipfs/data-demo-0: exceeded quota: quartermaster-tenant, requested: requests.storage=20Gi"#,
            says: ["retries with backoff", "quota freed or raised by the platform team", "smaller spec"]),
        StalledRow(
            rule: "QuotaExceeded (the StatefulSet's FailedCreate): the same, the StatefulSet controller retries its pods",
            reason: .quotaExceeded,
            message: #"StatefulSet demo cannot create its pods: pods "demo-0" is forbidden: exceeded quota: quartermaster-tenant"#,
            says: ["StatefulSet controller retries its pods", "quota freed or raised by the platform team", "smaller spec"]),
        StalledRow(
            rule: "RequestTooLarge: retried; a smaller spec clears it", reason: .requestTooLarge,
            message: "apply ConfigMap ipfs/demo: request entity too large", says: ["retries with backoff", "smaller spec"]),
        StalledRow(
            rule: "Invalid: retried; the refusal says what clears it", reason: .invalid,
            message: "apply Service ipfs/demo-api: Service \"demo-api\" is invalid", says: ["retries with backoff", "refusal's message"]),
        StalledRow(
            rule: "BadRequest: retried", reason: .badRequest, message: "patch IPFSCluster ipfs/demo: bad request",
            says: ["retries with backoff"]),
        StalledRow(
            rule: "Refused (another 4xx): retried", reason: .refused, message: "apply Ingress ipfs/demo-api: 405",
            says: ["retries with backoff"]),
    ]

    @Test(arguments: stalledRows)
    func reconcilingMessageFitsTheProblem(_ row: StalledRow) throws {
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(generation: 2),
            observation: .init(
                statefulSet: try Self.sts(), problems: [IPFSClusterValidation.Problem(reason: row.reason, message: row.message)]),
            now: Self.t0)
        #expect(s.phase == .failed)
        let reconciling = try #require(Self.condition(s, "Reconciling"))
        #expect(reconciling.status == .false && reconciling.reason == "Stalled")
        let message = reconciling.message ?? ""
        for phrase in row.says { #expect(message.contains(phrase), "\(message)") }
        let stalled = try #require(Self.condition(s, "Stalled"))
        #expect(stalled.reason == row.reason.rawValue && stalled.message == row.message)
        // A refusal by the API server never asks for a change of the spec alone.
        if RefusedWrite.Reason(rawValue: row.reason.rawValue) != nil {
            #expect(!message.contains("needs a change of the spec"), "\(message)")
        }
    }

    /// Every reason has its own fitting message; the refused writes' say the operator retries.
    @Test func everyReasonHasAReconcilingMessage() {
        for reason in IPFSClusterValidation.Reason.allCases {
            let message = IPFSClusterStatusComputation.stalledMessage(for: reason)
            #expect(!message.isEmpty)
            let refusal = RefusedWrite.Reason(rawValue: reason.rawValue) != nil
            #expect(message.contains("retries with backoff") == refusal, "\(reason): \(message)")
        }
    }

    @Test func externalEndpoints() throws {
        var c = Self.cluster()
        c.spec.exposure = .init(gateway: .init(type: .ingress, host: "gw.example.com"), api: .init(type: .loadBalancer))
        var api = Service()
        api.status = ["loadBalancer": ["ingress": [["ip": "203.0.113.7"]]]]
        let s = IPFSClusterStatusComputation.compute(cluster: c, observation: .init(statefulSet: try Self.sts(), apiService: api))
        #expect(s.endpoints == .init(api: "http://203.0.113.7:9094", gateway: "http://gw.example.com"))
        // No address assigned yet: the in-cluster address.
        let pending = IPFSClusterStatusComputation.compute(cluster: c, observation: .init(statefulSet: try Self.sts(), apiService: Service()))
        #expect(pending.endpoints?.api == "http://demo-api.ipfs.svc:9094")
        // Ingress without host: the ingress's address; IPv6 in brackets; host names as they are.
        c.spec.exposure = .init(gateway: .init(type: .ingress), api: .init(type: .loadBalancer))
        var ingress = Ingress()
        ingress.status = ["loadBalancer": ["ingress": [["hostname": "lb.example.net"]]]]
        api.status = ["loadBalancer": ["ingress": [["ip": "2001:db8::1"]]]]
        let other = IPFSClusterStatusComputation.compute(
            cluster: c, observation: .init(statefulSet: try Self.sts(), apiService: api, gatewayIngress: ingress))
        #expect(other.endpoints == .init(api: "http://[2001:db8::1]:9094", gateway: "http://lb.example.net"))
    }

    @Test func disruptionBudgetCondition() throws {
        let unserved = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(), observation: .init(statefulSet: try Self.sts(), podDisruptionBudgetServed: false))
        let c = try #require(Self.condition(unserved, "DisruptionBudget"))
        #expect(c.status == .false && c.reason == "PolicyV1NotServed")
        #expect(unserved.phase == .ready, "a missing PDB does not make the cluster unready")
        // Served again (server upgraded): the condition goes away.
        let served = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: unserved), observation: .init(statefulSet: try Self.sts()))
        #expect(Self.condition(served, "DisruptionBudget") == nil)
        // A single peer needs no budget.
        var one = Self.cluster()
        one.spec.replicas = 1
        let single = IPFSClusterStatusComputation.compute(cluster: one, observation: .init(podDisruptionBudgetServed: false))
        #expect(Self.condition(single, "DisruptionBudget") == nil)
    }
}
