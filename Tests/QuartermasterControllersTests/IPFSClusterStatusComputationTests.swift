import Foundation
import KubeCore
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
        let s = IPFSClusterStatusComputation.compute(cluster: Self.cluster(generation: 4), observed: .init(), now: Self.t0)
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
            observed: .init(statefulSet: try Self.sts(), identities: identities, desiredConfigHash: Self.hash), now: Self.t0)
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

    @Test func notReadyUntilTheCurrentSpecIsRolledOut() throws {
        let cases: [(String, StatefulSet)] = [
            ("controller has not seen the latest generation", try Self.sts { $0.observedGeneration = 1 }),
            ("revisions differ", try Self.sts { $0.updateRevision = "demo-new" }),
            ("not all updated", try Self.sts { $0.updatedReplicas = 2 }),
            ("extra pod still terminating", try Self.sts { $0.replicas = 4 }),
            ("a peer not ready", try Self.sts { $0.readyReplicas = 2 }),
            ("no status yet", try { var s = try IPFSClusterSamples.statefulSet(); s.status = nil; return s }()),
        ]
        for (what, sts) in cases {
            let s = IPFSClusterStatusComputation.compute(cluster: Self.cluster(), observed: .init(statefulSet: sts), now: Self.t0)
            #expect(s.phase == .provisioning, "\(what)")
            #expect(Self.condition(s, "Ready")?.status == .false, "\(what)")
            #expect(Self.condition(s, "Reconciling")?.status == .true, "\(what)")
        }
        // Spec asks for 5 peers, StatefulSet still has 3.
        var five = Self.cluster()
        five.spec.replicas = 5
        #expect(IPFSClusterStatusComputation.compute(cluster: five, observed: .init(statefulSet: try Self.sts())).phase == .provisioning)
        // Template not yet carrying the new configuration.
        let stale = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(), observed: .init(statefulSet: try Self.sts(), desiredConfigHash: "other"))
        #expect(stale.phase == .provisioning)
    }

    @Test func degradedOnlyAfterBeingReady() throws {
        let ready = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(), observed: .init(statefulSet: try Self.sts()), now: Self.t0)
        #expect(ready.phase == .ready)
        let oneDown = try Self.sts { $0.readyReplicas = 2 }
        let degraded = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: ready), observed: .init(statefulSet: oneDown), now: Self.t1)
        #expect(degraded.phase == .degraded)
        #expect(degraded.readyReplicas == 2)
        #expect(Self.condition(degraded, "Ready")?.status == .false)
        #expect(Self.condition(degraded, "Ready")?.reason == "PeersNotReady")
        #expect(Self.condition(degraded, "Ready")?.lastTransitionTime == APITimestamp.time(Self.t1))
        // Still degraded on the next pass; the transition time stays.
        let again = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: degraded), observed: .init(statefulSet: oneDown),
            now: Self.t1.addingTimeInterval(600))
        #expect(again.phase == .degraded)
        #expect(Self.condition(again, "Ready")?.lastTransitionTime == APITimestamp.time(Self.t1))
        #expect(Self.condition(again, "Stalled")?.lastTransitionTime == APITimestamp.time(Self.t0))
        // Recovered.
        let recovered = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: again), observed: .init(statefulSet: try Self.sts()), now: Self.t1)
        #expect(recovered.phase == .ready)
        // A spec change after being ready is a rollout, not a degradation.
        let rolling = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(generation: 2, previous: ready),
            observed: .init(statefulSet: try Self.sts { $0.updateRevision = "demo-new"; $0.readyReplicas = 2 }))
        #expect(rolling.phase == .provisioning)
    }

    @Test func stalledByProblems() throws {
        let problems = [
            IPFSClusterValidation.Problem(reason: .volumeShrinkNotAllowed, message: "storage.ipfs.size: too small"),
            IPFSClusterValidation.Problem(reason: .storageClassNotFound, message: "storage.cluster: missing"),
        ]
        let s = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(generation: 3), observed: .init(statefulSet: try Self.sts(), problems: problems), now: Self.t0)
        #expect(s.phase == .failed)
        let stalled = try #require(Self.condition(s, "Stalled"))
        #expect(stalled.status == .true && stalled.reason == "VolumeShrinkNotAllowed" && stalled.observedGeneration == 3)
        #expect(stalled.message == "storage.ipfs.size: too small; storage.cluster: missing")
        #expect(Self.condition(s, "Ready")?.status == .false)
        #expect(Self.condition(s, "Reconciling")?.status == .false)
        // The existing pods are still reported.
        #expect(s.readyReplicas == 3)
    }

    @Test func externalEndpoints() throws {
        var c = Self.cluster()
        c.spec.exposure = .init(gateway: .init(type: .ingress, host: "gw.example.com"), api: .init(type: .loadBalancer))
        var api = Service()
        api.status = ["loadBalancer": ["ingress": [["ip": "203.0.113.7"]]]]
        let s = IPFSClusterStatusComputation.compute(cluster: c, observed: .init(statefulSet: try Self.sts(), apiService: api))
        #expect(s.endpoints == .init(api: "http://203.0.113.7:9094", gateway: "http://gw.example.com"))
        // No address assigned yet: the in-cluster address.
        let pending = IPFSClusterStatusComputation.compute(cluster: c, observed: .init(statefulSet: try Self.sts(), apiService: Service()))
        #expect(pending.endpoints?.api == "http://demo-api.ipfs.svc:9094")
        // Ingress without host: the ingress's address; IPv6 in brackets; host names as they are.
        c.spec.exposure = .init(gateway: .init(type: .ingress), api: .init(type: .loadBalancer))
        var ingress = Ingress()
        ingress.status = ["loadBalancer": ["ingress": [["hostname": "lb.example.net"]]]]
        api.status = ["loadBalancer": ["ingress": [["ip": "2001:db8::1"]]]]
        let other = IPFSClusterStatusComputation.compute(
            cluster: c, observed: .init(statefulSet: try Self.sts(), apiService: api, gatewayIngress: ingress))
        #expect(other.endpoints == .init(api: "http://[2001:db8::1]:9094", gateway: "http://lb.example.net"))
    }

    @Test func disruptionBudgetCondition() throws {
        let unserved = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(), observed: .init(statefulSet: try Self.sts(), podDisruptionBudgetServed: false))
        let c = try #require(Self.condition(unserved, "DisruptionBudget"))
        #expect(c.status == .false && c.reason == "PolicyV1NotServed")
        #expect(unserved.phase == .ready, "a missing PDB does not make the cluster unready")
        // Served again (server upgraded): the condition goes away.
        let served = IPFSClusterStatusComputation.compute(
            cluster: Self.cluster(previous: unserved), observed: .init(statefulSet: try Self.sts()))
        #expect(Self.condition(served, "DisruptionBudget") == nil)
        // A single peer needs no budget.
        var one = Self.cluster()
        one.spec.replicas = 1
        let single = IPFSClusterStatusComputation.compute(cluster: one, observed: .init(podDisruptionBudgetServed: false))
        #expect(Self.condition(single, "DisruptionBudget") == nil)
    }
}
