import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// The IPFSCluster reconciler's host claims over a fake API server: claimed before anything is
/// applied, quiet when held, a conflict stalls, released when no longer asked for and on
/// deletion.
struct IPFSClusterReconcilerHostTests {
    typealias Status = IPFSClusterStatusComputation

    static func gatewaySpec(_ host: String?) -> IPFSClusterSpec {
        var spec = IPFSClusterSpec()
        spec.exposure.gateway = .init(type: .ingress, host: host)
        return spec
    }

    static func claimName(_ host: String) throws -> String { HostClaim.name(for: try HostName.parse(host).get()) }

    func stalled(_ h: IPFSClusterReconcilerHarness, _ name: String) -> Condition? {
        h.cluster(name)?.status?.conditions?.first { $0.type == Status.stalledCondition && $0.status == .true }
    }

    @Test("the host is claimed before the Ingress is written; a cluster holding its claim sends no write")
    func claimedThenQuiet() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs", spec: Self.gatewaySpec("files.example.com"))
        try await h.reconcile("ipfs")
        let claim = try #require(h.fake.object(Lease.self, name: try Self.claimName("files.example.com"), namespace: h.claimNamespace))
        #expect(HostClaim.holder(of: claim)?.uid == h.cluster("ipfs")?.metadata.uid)
        #expect(h.fake.objects(Ingress.self).compactMap(\.metadata.name) == ["ipfs-gateway"])
        #expect(h.cluster("ipfs")?.metadata.finalizers == [IPFSClusterReconciler.hostClaimsFinalizer])
        let writes = await h.writes().map { "\($0.method.rawValue) \($0.path)" }
        let claimed = try #require(writes.firstIndex { $0.hasPrefix("POST") && $0.contains("/leases") })
        let ingress = try #require(writes.firstIndex { $0.contains("/ingresses/") })
        #expect(claimed < ingress, "\(writes)")

        let before = await h.writes().count
        try await h.reconcile("ipfs")
        let after = await h.writes()
        #expect(after.count == before, "unexpected writes: \(after.dropFirst(before).map { "\($0.method) \($0.path)" })")
    }

    @Test("a host another cluster holds and still asks for: Stalled (HostConflict), nothing applied, the claim untouched")
    func conflictStallsAndAppliesNothing() async throws {
        let h = IPFSClusterReconcilerHarness()
        let holder = try h.fake.seed(
            IPFSCluster(metadata: ObjectMeta(name: "first", namespace: "tenant-b"), spec: Self.gatewaySpec("files.example.com")))
        let first = try #require(HostClaimHolder(holder))
        let host = try HostName.parse("files.example.com").get()
        let claim = try h.fake.seed(HostClaim.object(host: host, holder: first, namespace: h.claimNamespace))

        try h.create("ipfs", spec: Self.gatewaySpec("files.example.com"))
        try await h.reconcile("ipfs")
        let condition = try #require(stalled(h, "ipfs"))
        #expect(condition.reason == "HostConflict")
        #expect(condition.message?.contains("tenant-b") == false)
        #expect(h.fake.objects(Ingress.self).isEmpty)
        #expect(h.fake.objects(StatefulSet.self).isEmpty)
        #expect(h.fake.objects(Secret.self).isEmpty)
        #expect(h.fake.object(Lease.self, name: claim.metadata.name ?? "", namespace: h.claimNamespace) == claim)

        // The holder gives the host up: the claim is stale, and the next reconcile takes it.
        _ = try await h.client.mergePatch(
            IPFSCluster.self, name: "first", namespace: "tenant-b", patch: ["spec": ["exposure": ["gateway": ["type": "ClusterIP"]]]])
        try await h.reconcile("ipfs")
        #expect(stalled(h, "ipfs") == nil)
        #expect(HostClaim.holder(of: try #require(h.fake.object(Lease.self, name: claim.metadata.name ?? "", namespace: h.claimNamespace)))?.uid
            == h.cluster("ipfs")?.metadata.uid)
        #expect(h.fake.objects(Ingress.self).compactMap(\.metadata.name) == ["ipfs-gateway"])
    }

    @Test("a host no longer asked for is released; the finalizer stays until deletion, which then finds nothing to release")
    func releasedWhenNoLongerAsked() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs", spec: Self.gatewaySpec("files.example.com"))
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(Lease.self).count == 1)

        try await h.editSpec("ipfs") { $0.exposure.gateway = .init(type: .ingress, host: "other.example.com") }
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(Lease.self).compactMap(HostClaim.host(of:)) == ["other.example.com"])

        try await h.editSpec("ipfs") { $0.exposure.gateway = .init() }
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(Lease.self).isEmpty)
        #expect(h.fake.objects(Ingress.self).isEmpty)
        let before = await h.writes().count
        try await h.reconcile("ipfs")
        #expect(await h.writes().count == before, "converged without hosts: no write")
        #expect(h.cluster("ipfs")?.metadata.finalizers == [IPFSClusterReconciler.hostClaimsFinalizer])
        try await h.client.delete(IPFSCluster.self, name: "ipfs", namespace: h.namespace)
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs") == nil)
    }

    @Test("deletion releases the claims and removes the finalizer, also when the claim is already gone", arguments: [false, true])
    func deletionReleases(claimAlreadyGone: Bool) async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs", spec: Self.gatewaySpec("files.example.com"))
        try await h.reconcile("ipfs")
        let name = try Self.claimName("files.example.com")
        if claimAlreadyGone { try await h.client.delete(Lease.self, name: name, namespace: h.claimNamespace) }
        try await h.client.delete(IPFSCluster.self, name: "ipfs", namespace: h.namespace)
        #expect(h.cluster("ipfs")?.metadata.deletionTimestamp != nil)
        #expect(try await h.reconcile("ipfs") == .done)
        #expect(h.cluster("ipfs") == nil)
        #expect(h.fake.objects(Lease.self).isEmpty)
    }

    @Test("an Ingress exposure without a host is Stalled (HostRequired): no claim, nothing applied")
    func hostRequired() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs", spec: Self.gatewaySpec(nil))
        try await h.reconcile("ipfs")
        #expect(stalled(h, "ipfs")?.reason == "HostRequired")
        #expect(h.fake.objects(Lease.self).isEmpty)
        #expect(h.fake.objects(Ingress.self).isEmpty)
        #expect(h.fake.objects(StatefulSet.self).isEmpty)
        #expect(h.cluster("ipfs")?.metadata.finalizers ?? [] == [])
    }
}

extension IPFSClusterReconcilerHostTests {
    @Test("an Ingress written before hosts were required is deleted once the cluster is HostRequired; the rest stays")
    func catchAllIngressIsDeleted() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs", spec: Self.gatewaySpec("files.example.com"))
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(Ingress.self).count == 1)
        // The host removed (a merge patch with null: the spec's encoding would leave it out).
        _ = try await h.client.mergePatch(
            IPFSCluster.self, name: "ipfs", namespace: h.namespace,
            patch: ["spec": ["exposure": ["gateway": ["host": .null]]]])
        #expect(h.cluster("ipfs")?.spec.exposure.gateway.host == nil)
        try await h.reconcile("ipfs")
        #expect(stalled(h, "ipfs")?.reason == "HostRequired")
        #expect(h.fake.objects(Ingress.self).isEmpty)
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace) != nil)
    }

    @Test("a cluster in conflict reads the claim instead of POSTing again while the cache shows it held by another")
    func conflictDoesNotPostAgain() async throws {
        let h = IPFSClusterReconcilerHarness()
        let holder = try h.fake.seed(
            IPFSCluster(metadata: ObjectMeta(name: "first", namespace: "tenant-b"), spec: Self.gatewaySpec("files.example.com")))
        let first = try #require(HostClaimHolder(holder))
        _ = try h.fake.seed(HostClaim.object(host: try HostName.parse("files.example.com").get(), holder: first, namespace: h.claimNamespace))
        try h.create("ipfs", spec: Self.gatewaySpec("files.example.com"))
        try await h.reconcile("ipfs")
        #expect(stalled(h, "ipfs")?.reason == "HostConflict")
        let before = await h.writes().count
        try await h.reconcile("ipfs")
        let after = await h.writes()
        #expect(after.count == before, "unexpected writes: \(after.dropFirst(before).map { "\($0.method.rawValue) \($0.path)" })")
    }
}
