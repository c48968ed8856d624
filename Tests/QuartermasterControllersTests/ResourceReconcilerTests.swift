import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

@Suite struct ResourceReconcilerTests {
    static let childPath = "/apis/quartermaster.dev/v1alpha1/namespaces/acme/ipfsclusters/files"
    static let statusPath = "/apis/quartermaster.dev/v1alpha1/namespaces/acme/resources/files/status"

    func reconcile(_ cluster: FakeCluster) async throws -> [String] {
        let before = cluster.server.requests.count
        let reconciler = ResourceReconciler(client: cluster.client, caches: cluster.resourceCaches, events: nil, now: FakeCluster.clock)
        _ = try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: "acme", name: "files")),
            context: cluster.context(for: Resource.self))
        return cluster.writes(since: before)
    }

    /// A free-tier tenant namespace with its counted quota, and one Resource.
    func seed(_ cluster: FakeCluster, spec: ResourceSpec, storageUsed: Quantity = 0, suspendedTenant: Bool = false)
        throws
    {
        var labels = [TenantLabels.tenant: "acme"]
        if suspendedTenant { labels[TenantLabels.suspended] = "true" }
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "acme", labels: labels)))
        let hard = TenantTier.free.quota.hard
        var used: [String: Quantity] = hard.mapValues { _ in 0 }
        used["requests.storage"] = storageUsed
        try cluster.server.seed(
            ResourceQuota(
                metadata: ObjectMeta(name: "quartermaster-tenant", namespace: "acme"),
                spec: ResourceQuotaSpec(hard: hard), status: ResourceQuotaStatus(hard: hard, used: used)))
        try cluster.server.seed(Resource(metadata: ObjectMeta(name: "files", namespace: "acme"), spec: spec))
    }

    func resource(_ cluster: FakeCluster) -> Resource? { cluster.server.object(Resource.self, name: "files", namespace: "acme") }

    @Test func createsTheChildThenReflectsItsReadinessAndConvergesWithoutWrites() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage"))

        #expect(try await reconcile(cluster) == ["PATCH \(Self.childPath)", "PUT \(Self.statusPath)"])
        let child = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        #expect(child.spec.replicas == 1)
        #expect(child.spec.storage.ipfs.size == "5Gi")
        #expect(child.spec.resources?.kubo?.requests == ["cpu": "250m", "memory": "512Mi"])
        #expect(child.metadata.ownerReferences?.first?.kind == "Resource")
        #expect(child.metadata.ownerReferences?.first?.controller == true)
        #expect(child.spec.suspended == false)
        var status = try #require(resource(cluster)?.status)
        #expect(status.phase == .provisioning)
        #expect(status.progress == 80)
        #expect(status.progressText == "80%")
        #expect(status.stages?.map(\.state) == [.done, .done, .done, .done, .inProgress, .pending])
        #expect(status.stages?.first?.finishedAt == "2027-01-15T08:00:00Z")
        #expect(status.childRef == ResourceChildReference(apiVersion: "quartermaster.dev/v1alpha1", kind: "IPFSCluster", name: "files"))
        #expect(status.templateVersion == "small-storage@v1")
        #expect(status.conditions?[type: "Reconciling"]?.status == .true)

        #expect(try await reconcile(cluster) == [], "a converged reconcile sends no write")

        // The IPFSCluster's controller reports it ready (simulated here).
        var ready = child
        ready.status = IPFSClusterStatus(
            observedGeneration: child.metadata.generation, phase: .ready, replicas: 1, readyReplicas: 1,
            endpoints: .init(api: "http://files-api.acme.svc.cluster.local:9094"),
            credentialsSecretRef: .init(name: "files-api-credentials"),
            conditions: [.init(type: "Ready", status: .true, lastTransitionTime: "2027-01-15T08:00:00Z", reason: "Ready", message: "1/1")])
        _ = try await cluster.client.replaceStatus(ready)

        #expect(try await reconcile(cluster) == ["PUT \(Self.statusPath)"])
        status = try #require(resource(cluster)?.status)
        #expect(status.phase == .ready)
        #expect(status.progressText == "100%")
        #expect(status.endpoint == "http://files-api.acme.svc.cluster.local:9094")
        #expect(status.credentialsSecretRef?.name == "files-api-credentials")
        #expect(status.conditions?.isTrue("Ready") == true)
        #expect(try await reconcile(cluster) == [])
    }

    @Test func quotaExceededCreatesNothingUntilQuotaFrees() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "large-storage"))

        #expect(try await reconcile(cluster) == ["PUT \(Self.statusPath)"])
        #expect(cluster.server.objects(IPFSCluster.self).isEmpty)
        let status = try #require(resource(cluster)?.status)
        #expect(status.phase == .failed)
        let stalled = try #require(status.conditions?[type: "Stalled"])
        #expect(stalled.status == .true && stalled.reason == "QuotaExceeded")
        #expect(stalled.message?.contains("requests.storage: needs 101Gi, 20Gi of 20Gi hard remains (0 used)") == true)
        #expect(status.progress == 20)
        #expect(try await reconcile(cluster) == [])

        // The administrator raises the quota (as counted by the quota controller).
        var quota = try #require(cluster.server.object(ResourceQuota.self, name: "quartermaster-tenant", namespace: "acme"))
        quota.status?.hard?["requests.storage"] = "200Gi"
        _ = try await cluster.client.replaceStatus(quota)
        #expect(try await reconcile(cluster) == ["PATCH \(Self.childPath)", "PUT \(Self.statusPath)"])
        #expect(resource(cluster)?.status?.conditions?[type: "Stalled"]?.status == .false)
    }

    @Test func usedQuotaCountsAgainstHeadroom() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage"), storageUsed: "16Gi")
        #expect(try await reconcile(cluster) == ["PUT \(Self.statusPath)"])
        #expect(resource(cluster)?.status?.conditions?[type: "Stalled"]?.message?.contains("needs 6Gi, 4Gi of 20Gi") == true)
    }

    @Test func invalidParametersCreateNothing() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage", parameters: ResourceParameters(size: "50Gi")))
        #expect(try await reconcile(cluster) == ["PUT \(Self.statusPath)"])
        #expect(cluster.server.objects(IPFSCluster.self).isEmpty)
        #expect(resource(cluster)?.status?.conditions?[type: "Stalled"]?.reason == "InvalidParameters")
        #expect(resource(cluster)?.status?.progress == 0)
    }

    @Test func suspensionMarksTheChildAndReportsSuspended() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage", suspended: true))
        _ = try await reconcile(cluster)
        let child = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        #expect(child.spec.suspended == true)
        #expect(resource(cluster)?.status?.phase == .suspended)
        #expect(try await reconcile(cluster) == [])

        // Resuming sets the child's spec.suspended back to false.
        _ = try await cluster.client.mergePatch(
            Resource.self, name: "files", namespace: "acme", patch: ["spec": ["suspended": false]])
        #expect(try await reconcile(cluster) == ["PATCH \(Self.childPath)", "PUT \(Self.statusPath)"])
        #expect(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme")?.spec.suspended == false)
        #expect(resource(cluster)?.status?.phase == .provisioning)
    }

    @Test func aSuspendedTenantSuspendsItsResources() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage"), suspendedTenant: true)
        _ = try await reconcile(cluster)
        let child = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        #expect(child.spec.suspended == true)
        #expect(resource(cluster)?.status?.phase == .suspended)
    }

    @Test func aFailedChildStallsTheResource() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage"))
        _ = try await reconcile(cluster)
        var child = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        child.status = IPFSClusterStatus(
            observedGeneration: child.metadata.generation, phase: .failed,
            conditions: [.init(type: "Stalled", status: .true, lastTransitionTime: "2027-01-15T08:00:00Z", reason: "InvalidSpec", message: "bad image")])
        _ = try await cluster.client.replaceStatus(child)
        _ = try await reconcile(cluster)
        let stalled = resource(cluster)?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.reason == "WorkloadFailed")
        #expect(stalled?.message?.contains("bad image") == true)
    }

    @Test func quotaChangesMapToEveryResourceOfTheNamespace() {
        let store = Store<Resource>()
        store.upsert(Resource(metadata: ObjectMeta(name: "a", namespace: "acme"), spec: ResourceSpec(template: "small-storage")))
        store.upsert(Resource(metadata: ObjectMeta(name: "b", namespace: "acme"), spec: ResourceSpec(template: "small-storage")))
        store.upsert(Resource(metadata: ObjectMeta(name: "c", namespace: "globex"), spec: ResourceSpec(template: "small-storage")))
        #expect(ResourceController.keys(in: "acme", resources: store).map(\.name) == ["a", "b"])
    }
}
