import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// `spec.suspended` through the reconciler over `FakeAPIServer`: which requests suspending and
/// resuming send, and what the status and Events say.
@Suite("IPFSCluster reconciler: suspension")
struct IPFSClusterReconcilerSuspensionTests {
    typealias Status = IPFSClusterStatusComputation
    static let base = "/apis/apps/v1/namespaces/ipfs/statefulsets/ipfs"
    static let statusPath = "/apis/quartermaster.dev/v1alpha1/namespaces/ipfs/ipfsclusters/ipfs/status"
    static let pdbPath = "/apis/policy/v1/namespaces/ipfs/poddisruptionbudgets/ipfs"

    func condition(_ cluster: IPFSCluster?, _ type: String) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == type }
    }

    /// Reconciles once; returns its writes (`METHOD path`), Events left out.
    func reconcile(_ h: IPFSClusterReconcilerHarness) async throws -> [String] {
        let before = await h.writes().count
        try await h.reconcile("ipfs")
        return await h.writes().dropFirst(before).filter { !$0.path.contains("/events") }
            .map { "\($0.method.rawValue) \($0.path)" }
    }

    /// A ready 3-peer cluster.
    func readyCluster(_ h: IPFSClusterReconcilerHarness) async throws {
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs")?.status?.phase == .ready)
    }

    func secret(_ h: IPFSClusterReconcilerHarness) -> Secret? {
        h.fake.object(Secret.self, name: "ipfs-identities", namespace: h.namespace)
    }

    @Test("suspending sends exactly the StatefulSet apply and a status write; resuming brings the same peers back")
    func suspendAndResume() async throws {
        let h = IPFSClusterReconcilerHarness()
        try await readyCluster(h)
        let secretBefore = try #require(secret(h))
        let peersBefore = h.cluster("ipfs")?.status?.peers
        let configBefore = h.fake.object(ConfigMap.self, name: "ipfs-config", namespace: h.namespace)

        try await h.editSpec("ipfs") { $0.suspended = true }
        #expect(try await reconcile(h) == ["PATCH \(Self.base)", "PUT \(Self.statusPath)"])
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?.spec?.replicas == 0)
        var cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .suspended)
        #expect(condition(cluster, Status.readyCondition)?.reason == "Suspended")
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .true, "pods still ready")
        #expect(condition(cluster, Status.disruptionBudgetCondition) == nil)
        #expect(await h.events(reason: "Suspended").first?.message == "scaled from 3 to 0 peers, keeping identities and volumes")

        // The StatefulSet controller removed the pods.
        try await h.markStatefulSet("ipfs", ready: 0)
        #expect(try await reconcile(h) == ["PUT \(Self.statusPath)"])
        cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .suspended)
        #expect(cluster?.status?.readyReplicas == 0)
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .false)
        #expect(condition(cluster, Status.readyCondition)?.status == .false)
        #expect(try await reconcile(h) == [], "a converged suspended cluster costs no write")

        // Identities, configuration and peers are kept while suspended.
        #expect(secret(h)?.data == secretBefore.data)
        #expect(h.fake.object(ConfigMap.self, name: "ipfs-config", namespace: h.namespace)?.data == configBefore?.data)
        #expect(cluster?.status?.peers == peersBefore)

        try await h.editSpec("ipfs") { $0.suspended = false }
        #expect(try await reconcile(h) == ["PATCH \(Self.base)", "PUT \(Self.statusPath)"])
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?.spec?.replicas == 3)
        #expect(h.cluster("ipfs")?.status?.phase == .provisioning)
        #expect(await h.events(reason: "Resumed").first?.message == "resumed 3 peers")
        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .ready)
        #expect(cluster?.status?.peers == peersBefore)
        #expect(secret(h)?.data == secretBefore.data)
        #expect(try IPFSClusterConfigView.peerIDs(fromSecret: try #require(secret(h))).count == 3)
    }

    @Test("with policy/v1 served, suspending also deletes the PodDisruptionBudget and resuming restores it")
    func disruptionBudgetFollowsSuspension() async throws {
        let h = IPFSClusterReconcilerHarness(servePolicyV1: true)
        try await readyCluster(h)
        #expect(h.fake.object(PodDisruptionBudget.self, name: "ipfs", namespace: h.namespace) != nil)

        try await h.editSpec("ipfs") { $0.suspended = true }
        #expect(
            try await reconcile(h) == ["PATCH \(Self.base)", "DELETE \(Self.pdbPath)", "PUT \(Self.statusPath)"])
        #expect(h.fake.objects(PodDisruptionBudget.self).isEmpty)

        try await h.editSpec("ipfs") { $0.suspended = false }
        _ = try await reconcile(h)
        #expect(h.fake.object(PodDisruptionBudget.self, name: "ipfs", namespace: h.namespace) != nil)
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?.spec?.replicas == 3)
    }

    @Test("a cluster created suspended gets every object, a StatefulSet at zero, and phase Suspended")
    func createdSuspended() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs", spec: IPFSClusterSpec(suspended: true))
        try await h.reconcile("ipfs")
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?.spec?.replicas == 0)
        let ids = try IPFSClusterConfigView.peerIDs(fromSecret: try #require(secret(h)))
        #expect(ids.count == 3)
        let cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .suspended)
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .false)
        #expect(cluster?.status?.peers?.map(\.peerID) == ids)
    }
}
