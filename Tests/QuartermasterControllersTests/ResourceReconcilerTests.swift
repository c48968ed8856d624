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

    /// Reconciles with an Event recorder on the same server: the result, the writes other than
    /// Events, and the Events this reconcile recorded, as `Type Reason: message`.
    func reconcileRecordingEvents(_ cluster: FakeCluster, caches: ResourceCaches? = nil) async throws
        -> (result: ReconcileResult, writes: [String], events: [String])
    {
        let before = cluster.server.requests.count
        let known = Set(cluster.server.objects(Event.self).compactMap(\.metadata.name))
        let recorder = EventRecorder(client: cluster.client, component: "quartermaster-test", instance: "test")
        let context = cluster.context(for: Resource.self)
        let reconciler = ResourceReconciler(
            client: cluster.client, caches: caches ?? cluster.resourceCaches, events: recorder, now: FakeCluster.clock)
        let result = try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: "acme", name: "files")), context: context)
        await recorder.flush()
        let writes = cluster.writes(since: before).filter { !$0.contains("/events") }
        let events = cluster.server.objects(Event.self).filter { !known.contains($0.metadata.name ?? "") }
            .map { "\($0.type ?? "") \($0.reason ?? ""): \($0.message ?? "")" }
        return (result, writes, events)
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

    @Test func eventsFollowThePhaseAsBefore() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage"))
        var r = try await reconcileRecordingEvents(cluster)
        #expect(r.events == ["Normal Created: created IPFSCluster files from template small-storage@v1"])
        #expect(r.result == .done)
        r = try await reconcileRecordingEvents(cluster)
        #expect(r.writes.isEmpty && r.events.isEmpty, "a converged reconcile sends and records nothing")

        // Ready, with the endpoint.
        var child = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        child.status = IPFSClusterStatus(
            observedGeneration: child.metadata.generation, phase: .ready, replicas: 1, readyReplicas: 1,
            endpoints: .init(api: "http://files-api.acme.svc.cluster.local:9094"),
            conditions: [.init(type: "Ready", status: .true, lastTransitionTime: "2027-01-15T08:00:00Z", reason: "Ready", message: "1/1")])
        _ = try await cluster.client.replaceStatus(child)
        r = try await reconcileRecordingEvents(cluster)
        #expect(r.events == ["Normal Ready: ready at http://files-api.acme.svc.cluster.local:9094"])

        // Suspended.
        _ = try await cluster.client.mergePatch(
            Resource.self, name: "files", namespace: "acme", patch: ["spec": ["suspended": true]])
        r = try await reconcileRecordingEvents(cluster)
        #expect(r.events == ["Normal Suspended: workloads scaled to zero, data kept"])
        r = try await reconcileRecordingEvents(cluster)
        #expect(r.events.isEmpty)

        // Resumed and the child failed: a Warning with the Stalled reason and message.
        _ = try await cluster.client.mergePatch(
            Resource.self, name: "files", namespace: "acme", patch: ["spec": ["suspended": false]])
        child = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        child.status = IPFSClusterStatus(
            observedGeneration: child.metadata.generation, phase: .failed,
            conditions: [.init(type: "Stalled", status: .true, lastTransitionTime: "2027-01-15T08:00:00Z", reason: "InvalidSpec", message: "bad image")])
        _ = try await cluster.client.replaceStatus(child)
        r = try await reconcileRecordingEvents(cluster)
        #expect(r.events == ["Warning WorkloadFailed: workloads failed: bad image"])

        // An unknown template reads InvalidTemplate.
        _ = try await cluster.client.mergePatch(
            Resource.self, name: "files", namespace: "acme", patch: ["spec": ["template": "nope"]])
        r = try await reconcileRecordingEvents(cluster)
        let stalled = try #require(resource(cluster)?.status?.conditions?[type: "Stalled"])
        #expect(stalled.reason == "UnknownTemplate")
        #expect(r.events == ["Warning InvalidTemplate: \(stalled.message ?? "")"])
    }

    @Test func quotaExceededIsAWarningEvent() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "large-storage"))
        let r = try await reconcileRecordingEvents(cluster)
        let message = try #require(resource(cluster)?.status?.conditions?[type: "Stalled"]?.message)
        #expect(r.events == ["Warning QuotaExceeded: \(message)"])
    }

    @Test func aStatusConflictRequeuesAndRecordsNothing() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "large-storage"))
        cluster.server.failNext(.put, pathPrefix: Self.statusPath, status: 409)
        let r = try await reconcileRecordingEvents(cluster)
        #expect(r.result == .requeue)
        #expect(r.events.isEmpty)
        #expect(resource(cluster)?.status == nil)
    }

    @Test func aRefusedStatusIsAWarningEvent() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "large-storage"))
        cluster.server.failNext(.put, pathPrefix: Self.statusPath, status: 422)
        let r = try await reconcileRecordingEvents(cluster)
        #expect(r.result == .done)
        #expect(r.events.count == 1)
        #expect(r.events.first?.hasPrefix("Warning QuotaExceeded: quota exceeded: requests.storage") == true)
        #expect(r.events.first?.contains("the status cannot be written") == true)
    }

    @Test func aResourceGoneBeforeItsStatusIsWrittenIsDone() async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "large-storage"))
        cluster.server.failNext(.put, pathPrefix: Self.statusPath, status: 404)
        let r = try await reconcileRecordingEvents(cluster)
        #expect(r.result == .done)
        #expect(r.events.isEmpty)
    }

    struct ForeignCluster: Sendable, CustomTestStringConvertible {
        var name: String
        /// The user's cluster's controller owner reference, if any.
        var controller: OwnerReference?
        /// What the Stalled message says of its owner.
        var owner: String
        /// The Resource controller's cache shows the cluster (else only the API server does).
        var cached: Bool
        var testDescription: String { name }
    }

    static let foreignClusters: [ForeignCluster] = [
        ForeignCluster(
            name: "the user's own, cached", controller: nil,
            owner: "was not created by Quartermaster for this object", cached: true),
        ForeignCluster(
            name: "the user's own, not cached yet", controller: nil,
            owner: "was not created by Quartermaster for this object", cached: false),
        ForeignCluster(
            name: "another owner's",
            controller: OwnerReference(
                apiVersion: "apps/v1", kind: "Deployment", name: "mine", uid: "uid-of-mine", controller: true),
            owner: "belongs to Deployment/mine", cached: true),
    ]

    @Test(arguments: foreignClusters)
    func aClusterNamedLikeTheResourceIsNeitherChangedNorAdopted(_ foreign: ForeignCluster) async throws {
        let cluster = FakeCluster()
        try seed(cluster, spec: ResourceSpec(template: "small-storage"))
        let mine = try cluster.server.seed(
            IPFSCluster(
                metadata: ObjectMeta(
                    name: "files", namespace: "acme", labels: ["team": "data"],
                    ownerReferences: foreign.controller.map { [$0] }),
                spec: IPFSClusterSpec(replicas: 5)))
        let caches = foreign.cached
            ? cluster.resourceCaches
            : ResourceCaches(
                children: [ResourceChildCache(Store<IPFSCluster>())],
                namespaces: cluster.stores.namespaces)

        var r = try await reconcileRecordingEvents(cluster, caches: caches)
        #expect(r.writes == ["PUT \(Self.statusPath)"], "nothing is applied over the user's cluster")
        let after = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        #expect(after == mine, "neither changed nor adopted")
        #expect(after.metadata.resourceVersion == mine.metadata.resourceVersion)
        let status = try #require(resource(cluster)?.status)
        #expect(status.phase == .failed)
        #expect(status.childRef == nil, "someone else's cluster is not reported as the child")
        let stalled = try #require(status.conditions?[type: "Stalled"])
        #expect(stalled.status == .true && stalled.reason == "NameConflict")
        #expect(stalled.message?.contains("IPFSCluster files already exists and \(foreign.owner)") == true)
        #expect(r.events == ["Warning NameConflict: \(stalled.message ?? "")"])

        r = try await reconcileRecordingEvents(cluster)
        #expect(r.writes.isEmpty && r.events.isEmpty, "converged while the name is taken")

        // The user deletes their cluster: the Resource creates its own.
        try await cluster.client.delete(IPFSCluster.self, name: "files", namespace: "acme")
        r = try await reconcileRecordingEvents(cluster)
        #expect(r.writes == ["PATCH \(Self.childPath)", "PUT \(Self.statusPath)"])
        let own = try #require(cluster.server.object(IPFSCluster.self, name: "files", namespace: "acme"))
        #expect(own.metadata.controllerReference?.uid == resource(cluster)?.metadata.uid)
        #expect(own.spec.replicas == 1)
        #expect(resource(cluster)?.status?.phase == .provisioning)
        #expect(resource(cluster)?.status?.conditions?.isTrue("Stalled") == false)
        #expect(r.events == ["Normal Created: created IPFSCluster files from template small-storage@v1"])
    }
}
