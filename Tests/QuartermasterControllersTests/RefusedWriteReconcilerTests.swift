import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// A write the API server refuses shows on the Tenant and the Resource as `Stalled` with the
/// refusal's class and the server's message, and the reconcile asks for a requeue (backoff);
/// a transient failure stays an error to retry, with no `Stalled`.
@Suite struct RefusedWriteReconcilerTests {
    static let childPath = "/apis/quartermaster.dev/v1alpha1/namespaces/acme/ipfsclusters/files"
    static let quotaPath = "/api/v1/namespaces/acme/resourcequotas/quartermaster-tenant"

    /// A free-tier tenant namespace with its counted quota, and one small-storage Resource.
    func seedResource(_ cluster: FakeCluster) throws {
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"])))
        let hard = TenantTier.free.quota.hard
        try cluster.server.seed(
            ResourceQuota(
                metadata: ObjectMeta(name: "quartermaster-tenant", namespace: "acme"),
                spec: ResourceQuotaSpec(hard: hard), status: ResourceQuotaStatus(hard: hard, used: hard.mapValues { _ in 0 })))
        try cluster.server.seed(
            Resource(metadata: ObjectMeta(name: "files", namespace: "acme"), spec: ResourceSpec(template: "small-storage")))
    }

    func reconcileResource(_ cluster: FakeCluster) async throws -> ReconcileResult {
        let reconciler = ResourceReconciler(
            client: cluster.client, caches: cluster.resourceCaches, events: nil, now: FakeCluster.clock)
        return try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: "acme", name: "files")), context: cluster.context(for: Resource.self))
    }

    @Test func aForbiddenChildIsAStalledResourceWithTheServersMessage() async throws {
        let cluster = FakeCluster()
        try seedResource(cluster)
        cluster.server.failNext(.patch, pathPrefix: Self.childPath, status: 403)
        #expect(try await reconcileResource(cluster) == .requeue)
        let status = try #require(cluster.server.object(Resource.self, name: "files", namespace: "acme")?.status)
        #expect(status.phase == .failed)
        let stalled = try #require(status.conditions?[type: "Stalled"])
        #expect(stalled.status == .true)
        #expect(stalled.reason == "Forbidden")
        #expect(stalled.message == "the API server refused to apply IPFSCluster acme/files (403): injected failure")
        #expect(status.conditions?[type: "Ready"]?.status == .false)
        #expect(status.stages?.first { $0.name == .provisioning }?.state == .failed)
        #expect(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme") == nil)

        // Allowed again: the retry creates the child and clears the condition.
        _ = try await reconcileResource(cluster)
        #expect(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme") != nil)
        let after = cluster.server.object(Resource.self, name: "files", namespace: "acme")?.status
        #expect(after?.conditions?[type: "Stalled"]?.status == .false)
    }

    @Test func aTransientFailureIsAnErrorNotAStall() async throws {
        let cluster = FakeCluster()
        try seedResource(cluster)
        cluster.server.failNext(.patch, pathPrefix: Self.childPath, status: 503)
        await #expect(throws: KubeAPIError.self) { _ = try await reconcileResource(cluster) }
        #expect(cluster.server.object(Resource.self, name: "files", namespace: "acme")?.status == nil)
    }

    @Test func aTenantWhoseQuotaIsRefusedIsStalled() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(
            Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(owners: [.user("alice")], tier: .free)))
        cluster.server.failNext(.patch, pathPrefix: Self.quotaPath, status: 422)
        let reconciler = TenantReconciler(
            client: cluster.client, caches: cluster.tenantCaches, events: nil, now: FakeCluster.clock)
        let result = try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: nil, name: "acme")), context: cluster.context(for: Tenant.self))
        #expect(result == .requeue)
        let conditions = try #require(cluster.server.object(Tenant.self, name: "acme")?.status?.conditions)
        #expect(conditions[type: "Stalled"]?.status == .true)
        #expect(conditions[type: "Stalled"]?.reason == "Invalid")
        #expect(
            conditions[type: "Stalled"]?.message
                == "the API server refused to apply ResourceQuota acme/quartermaster-tenant (422): injected failure")
        #expect(conditions[type: "Ready"]?.status == .false)
    }
}
