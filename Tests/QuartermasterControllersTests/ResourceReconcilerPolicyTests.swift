import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The Resource reconciler refuses, writing nothing but its status, a child its tenant's
/// policy does not allow and a reserved name.
@Suite struct ResourceReconcilerPolicyTests {
    typealias R = ResourceReconcilerTests
    static let childPath = R.childPath
    static let statusPath = R.statusPath

    @Test func aChildThePolicyRefusesIsNeitherCreatedNorChanged() async throws {
        let cluster = FakeCluster()
        try R().seed(cluster, spec: ResourceSpec(template: "small-storage"))
        try cluster.server.seed(
            Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(policy: TenantPolicy(allowDefaultStorageClass: false))))
        var r = try await R().reconcileRecordingEvents(cluster)
        #expect(r.writes == ["PUT \(Self.statusPath)"], "no child is created")
        let status = try #require(R().resource(cluster)?.status)
        #expect(status.phase == .failed)
        let stalled = try #require(status.conditions?[type: "Stalled"])
        #expect(stalled.status == .true && stalled.reason == "PolicyViolation")
        #expect(
            stalled.message?.hasPrefix(
                "the tenant's policy refuses it: spec.storage.ipfs.storageClassName: the cluster's default StorageClass is not allowed")
                == true)
        #expect(r.events == ["Warning PolicyViolation: \(stalled.message ?? "")"])

        // Allowing it lets the Resource create its child: the Tenant's change reconciles it.
        var tenant = try #require(cluster.server.object(Tenant.self, name: "acme"))
        tenant.spec.policy = nil
        _ = try await cluster.client.replace(tenant)
        r = try await R().reconcileRecordingEvents(cluster)
        #expect(r.writes == ["PATCH \(Self.childPath)", "PUT \(Self.statusPath)"])
    }

    @Test func aReservedNameWritesNothingButTheStatus() async throws {
        let cluster = FakeCluster()
        try R().seed(cluster, spec: ResourceSpec(template: "small-storage"))
        let name = "quartermaster-tenant"
        try cluster.server.seed(Resource(metadata: ObjectMeta(name: name, namespace: "acme"), spec: ResourceSpec(template: "small-storage")))
        let reconciler = ResourceReconciler(client: cluster.client, caches: cluster.resourceCaches, events: nil, now: FakeCluster.clock)
        let before = cluster.server.requests.count
        _ = try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: "acme", name: name)), context: cluster.context(for: Resource.self))
        #expect(cluster.writes(since: before) == ["PUT /apis/quartermaster.dev/v1alpha1/namespaces/acme/resources/\(name)/status"])
        let stalled = cluster.server.object(Resource.self, name: name, namespace: "acme")?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.reason == "ReservedName")
        #expect(stalled?.message?.contains("reserved for the operator's own objects") == true)
    }
}
