import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// Two owners whose children share a name never write over each other: the second is
/// `Stalled`, reason `NameConflict`, and the first one's object is left as it is.
@Suite("Child name conflicts")
struct ChildNameConflictTests {
    static let tenantPolicy = "quartermaster-allow-same-namespace"

    func foreignPolicy(name: String, namespace: String, controller: OwnerReference?) -> NetworkPolicy {
        NetworkPolicy(
            metadata: ObjectMeta(
                name: name, namespace: namespace, labels: ["app.kubernetes.io/managed-by": "quartermaster"],
                ownerReferences: controller.map { [$0] }),
            spec: NetworkPolicySpec(podSelector: LabelSelector()))
    }

    /// The tenant's own names carry a reserved prefix: refused as a name before anything is
    /// looked up (`ReservedName`); any other name held by another owner is a `NameConflict`.
    @Test(
        "an IPFSCluster named like a tenant's NetworkPolicy is Stalled and leaves the policy alone",
        arguments: [(Self.tenantPolicy, "ReservedName", "reserved for the operator's own objects"), ("acme-policy", "NameConflict", "belongs to Tenant/acme")])
    func ipfsClusterDoesNotTakeATenantPolicy(name: String, reason: String, message: String) async throws {
        let h = IPFSClusterReconcilerHarness()
        let tenant = OwnerReference(
            apiVersion: Tenant.resource.apiVersion, kind: "Tenant", name: "acme", uid: "tenant-uid", controller: true,
            blockOwnerDeletion: true)
        let policy = try h.fake.seed(foreignPolicy(name: name, namespace: h.namespace, controller: tenant))
        try h.create(name)
        try await h.reconcile(name)
        let after = try #require(h.fake.object(NetworkPolicy.self, name: name, namespace: h.namespace))
        #expect(after.metadata.resourceVersion == policy.metadata.resourceVersion, "not written")
        let stalled = h.cluster(name)?.status?.conditions?.first { $0.type == "Stalled" }
        #expect(stalled?.status == .true && stalled?.reason == reason)
        #expect(stalled?.message?.contains(message) == true)
        #expect(h.fake.object(StatefulSet.self, name: name, namespace: h.namespace) == nil)
    }

    @Test("a Tenant whose policy name is taken by an IPFSCluster's is Stalled and leaves it alone")
    func tenantDoesNotTakeAnIPFSClusterPolicy() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(
            Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(owners: [.user("alice")], tier: .free)))
        let reconciler = TenantReconciler(client: cluster.client, caches: cluster.tenantCaches, events: nil, now: FakeCluster.clock)
        let key = ObjectKey(namespace: nil, name: "acme")
        _ = try await reconciler.reconcile(ReconcileRequest(key: key), context: cluster.context(for: Tenant.self))
        // An IPFSCluster's policy took the name meanwhile (the tenant's was deleted).
        try await cluster.client.delete(NetworkPolicy.self, name: Self.tenantPolicy, namespace: "acme")
        let ipfs = OwnerReference(
            apiVersion: IPFSCluster.resource.apiVersion, kind: "IPFSCluster", name: Self.tenantPolicy, uid: "ipfs-uid",
            controller: true, blockOwnerDeletion: true)
        let policy = try cluster.server.seed(foreignPolicy(name: Self.tenantPolicy, namespace: "acme", controller: ipfs))
        _ = try await reconciler.reconcile(ReconcileRequest(key: key), context: cluster.context(for: Tenant.self))
        let after = try #require(cluster.server.object(NetworkPolicy.self, name: Self.tenantPolicy, namespace: "acme"))
        #expect(after.metadata.resourceVersion == policy.metadata.resourceVersion, "not written")
        let stalled = cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.reason == "NameConflict")
        #expect(stalled?.message?.contains("belongs to IPFSCluster/\(Self.tenantPolicy)") == true)
    }

    @Test func anObjectControlledByTheOwnerIsNoConflict() {
        let meta = ObjectMeta(
            name: "x",
            ownerReferences: [
                OwnerReference(apiVersion: "v1", kind: "K", name: "o", uid: "u", controller: true, blockOwnerDeletion: true)
            ])
        #expect(ChildNameConflict.check(kind: "ConfigMap", existing: meta, ownerUID: "u") == nil)
        #expect(ChildNameConflict.check(kind: "ConfigMap", existing: meta, ownerUID: "other")?.controller == "K/o")
        #expect(ChildNameConflict.check(kind: "ConfigMap", existing: ObjectMeta(name: "x"), ownerUID: "u")?.controller == nil)
    }
}
