import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The Tenant controller's copy of `backup-credentials-<tenant>` (operator namespace) into the
/// tenant namespace as `quartermaster-backup-credentials`.
@Suite struct TenantBackupCredentialsTests {
    static let key = ObjectKey(namespace: nil, name: "acme")

    func reconcile(_ cluster: FakeCluster, settings: BackupObjectStoreSettings? = .init(destination: "s3://b/tenants")) async throws
        -> [String]
    {
        let before = cluster.server.requests.count
        var reconciler = TenantReconciler(
            client: cluster.client, caches: cluster.tenantCaches, events: nil, operatorNamespace: "qm-system",
            now: FakeCluster.clock)
        reconciler.backupObjectStore = settings
        _ = try await reconciler.reconcile(ReconcileRequest(key: Self.key), context: cluster.context(for: Tenant.self))
        return cluster.writes(since: before).filter { $0.contains("/secrets") }
    }

    func source(_ cluster: FakeCluster, secret: String = "s3cr3t") throws {
        _ = try cluster.server.seed(
            Secret(
                metadata: ObjectMeta(name: "backup-credentials-acme", namespace: "qm-system"),
                data: ["ACCESS_KEY_ID": Data("acme".utf8).base64EncodedString(),
                       "ACCESS_SECRET_KEY": Data(secret.utf8).base64EncodedString(), "other": "eA=="]))
    }

    func copy(_ cluster: FakeCluster) -> Secret? {
        cluster.server.object(Secret.self, name: "quartermaster-backup-credentials", namespace: "acme")
    }

    @Test func copiedKeptInStepAndDeletedWithItsSource() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(owners: [.user("alice")], tier: .free)))
        #expect(try await reconcile(cluster).isEmpty, "no source: nothing")
        try source(cluster)
        #expect(try await reconcile(cluster) == ["POST /api/v1/namespaces/acme/secrets"])
        let copied = try #require(copy(cluster))
        #expect(Set(copied.data?.keys.map { $0 } ?? []) == ["ACCESS_KEY_ID", "ACCESS_SECRET_KEY"])
        #expect(copied.metadata.labels?[TenantLabels.tenant] == "acme")
        #expect(copied.metadata.ownerReferences?.first?.kind == "Tenant")
        #expect(try await reconcile(cluster).isEmpty, "converged: no write")

        _ = try await cluster.client.delete(Secret.self, name: "backup-credentials-acme", namespace: "qm-system")
        try source(cluster, secret: "rotated")
        #expect(try await reconcile(cluster) == ["PUT /api/v1/namespaces/acme/secrets/quartermaster-backup-credentials"])
        #expect(copy(cluster)?.data?["ACCESS_SECRET_KEY"] == Data("rotated".utf8).base64EncodedString())

        _ = try await cluster.client.delete(Secret.self, name: "backup-credentials-acme", namespace: "qm-system")
        #expect(try await reconcile(cluster) == ["DELETE /api/v1/namespaces/acme/secrets/quartermaster-backup-credentials"])
        #expect(copy(cluster) == nil)
    }

    @Test func neverOverAForeignSecretNorWithoutObjectStorage() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(owners: [.user("alice")], tier: .free)))
        try source(cluster)
        #expect(try await reconcile(cluster, settings: nil).isEmpty)
        _ = try await reconcile(cluster, settings: nil)  // the namespace exists now
        _ = try cluster.server.seed(Secret(metadata: ObjectMeta(name: "quartermaster-backup-credentials", namespace: "acme"), data: ["x": "eA=="]))
        #expect(try await reconcile(cluster).isEmpty)
        #expect(copy(cluster)?.data == ["x": "eA=="])
    }
}
