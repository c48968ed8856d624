import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// Key material is never regenerated over what the server holds, whatever the cache shows.
@Suite("IPFSCluster: identities are written once")
struct IPFSClusterIdentitiesSafetyTests {
    func secret(_ h: IPFSClusterReconcilerHarness) throws -> Secret {
        try #require(h.fake.object(Secret.self, name: "ipfs-identities", namespace: h.namespace))
    }

    func secretWrites(_ h: IPFSClusterReconcilerHarness, since count: Int) async -> [String] {
        await h.writes().dropFirst(count).filter { $0.path.contains("/secrets") }.map {
            "\($0.method.rawValue) \($0.headers["Content-Type"] ?? "")"
        }
    }

    @Test("the Secret is created with POST and never server-side applied")
    func createdWithPost() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        #expect(await secretWrites(h, since: 0) == ["POST application/json"])
        #expect(try secret(h).data?["api-password"] != nil)
    }

    @Test("removing the Secret's labels (it leaves the label-selected cache) changes no key")
    func labelEditChangesNoKey() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let before = try secret(h).data
        var stripped = try secret(h)
        stripped.metadata.labels = nil
        _ = try await h.client.replace(stripped)
        let writes = await h.writes().count

        h.refreshCaches()
        h.secrets.replaceAll([])  // the cache selects by label: the Secret is not in it
        try await h.reconcile("ipfs", refreshingCaches: false)

        #expect(try secret(h).data == before)
        #expect(try secret(h).metadata.labels?["app.kubernetes.io/managed-by"] == "quartermaster", "labels restored")
        #expect(await secretWrites(h, since: writes) == ["PATCH application/merge-patch+json"])
    }

    @Test("a cache that lags (no Secret yet) reads the server and generates nothing")
    func laggingCacheGeneratesNothing() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let before = try secret(h).data
        let writes = await h.writes().count
        h.refreshCaches()
        h.secrets.replaceAll([])
        try await h.reconcile("ipfs", refreshingCaches: false)
        #expect(try secret(h).data == before)
        #expect(await secretWrites(h, since: writes) == [])
    }

    @Test("scaling up adds keys with a PUT guarded by the resource version; existing keys stay")
    func scaleUpAddsKeysWithAGuardedUpdate() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let before = try secret(h).data ?? [:]
        let writes = await h.writes().count
        try await h.editSpec("ipfs") { $0.replicas = 4 }
        try await h.reconcile("ipfs")
        let after = try secret(h).data ?? [:]
        #expect(await secretWrites(h, since: writes) == ["PUT application/json"])
        #expect(before.allSatisfy { after[$0.key] == $0.value })
        #expect(after["kubo-3.key"] != nil && after["cluster-3.key"] != nil)
        let put = try #require(await h.writes().dropFirst(writes).first { $0.method == .put })
        let sent = try KubeJSON.decode(Secret.self, from: put.body ?? Data())
        #expect(sent.metadata.resourceVersion != nil, "the update is guarded by the version it was computed from")
    }

    @Test("a stale cached Secret makes the guarded update conflict: nothing is lost, the reconcile retries")
    func staleCacheConflicts() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        h.refreshCaches()
        // Someone changes the Secret after the cache saw it.
        var changed = try secret(h)
        changed.metadata.annotations = ["touched": "yes"]
        _ = try await h.client.replace(changed)
        let before = try secret(h).data
        try await h.editSpec("ipfs") { $0.replicas = 4 }
        h.clusters.replaceAll(h.fake.objects(IPFSCluster.self))
        #expect(try await h.reconcile("ipfs", refreshingCaches: false) == .requeue)
        #expect(try secret(h).data == before)
    }

    @Test("an unreadable Secret is Stalled, never regenerated")
    func unreadableSecretIsStalled() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        var broken = try secret(h)
        broken.data?["cluster-secret"] = Data("not-hex".utf8).base64EncodedString()
        _ = try await h.client.replace(broken)
        let data = try secret(h).data
        try await h.reconcile("ipfs")
        #expect(try secret(h).data == data)
        let stalled = h.cluster("ipfs")?.status?.conditions?.first { $0.type == "Stalled" }
        #expect(stalled?.status == .true)
    }
}
