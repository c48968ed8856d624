import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// Peer IDs and trusted peers as the ConfigMap states them, for one instance.
struct IPFSClusterConfigView {
    var identityIDs: [String]
    var trustedPeers: [[String]]

    init(_ configMap: ConfigMap, replicas: Int) throws {
        let data = configMap.data ?? [:]
        identityIDs = try (0..<replicas).map { i in
            let raw = try #require(data[IPFSConfigFiles.clusterIdentityKey(i)])
            return try #require(try KubeJSON.decode(JSONValue.self, from: Data(raw.utf8))["id"]?.stringValue)
        }
        trustedPeers = try (0..<replicas).map { i in
            let raw = try #require(data[IPFSConfigFiles.clusterServiceKey(i)])
            let json = try KubeJSON.decode(JSONValue.self, from: Data(raw.utf8))
            return (json.value(at: "consensus", "crdt", "trusted_peers")?.arrayValue ?? []).compactMap(\.stringValue)
        }
    }

    /// The cluster peer IDs derived from the keys in `secret`.
    static func peerIDs(fromSecret secret: Secret) throws -> [String] {
        let identities = try IPFSClusterIdentities(secretData: IPFSClusterDesiredState.decodedStringData(of: secret))
        return (0..<identities.count).map { identities.clusterPeerID($0).description }
    }
}

@Suite("IPFSCluster reconciler")
struct IPFSClusterReconcilerTests {
    typealias Status = IPFSClusterStatusComputation

    func condition(_ cluster: IPFSCluster?, _ type: String) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == type }
    }

    @Test("the first reconcile creates the Secret, ConfigMap, Services, StatefulSet and NetworkPolicy")
    func firstReconcileCreatesObjects() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        #expect(try await h.reconcile("ipfs") == .done)

        let secret = try #require(h.fake.object(Secret.self, name: "ipfs-identities", namespace: h.namespace))
        let configMap = try #require(h.fake.object(ConfigMap.self, name: "ipfs-config", namespace: h.namespace))
        let services = h.fake.objects(Service.self).compactMap(\.metadata.name)
        #expect(services == ["ipfs-api", "ipfs-gateway", "ipfs-peers"])
        let sts = try #require(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace))
        #expect(sts.spec?.replicas == 3)
        #expect(h.fake.object(NetworkPolicy.self, name: "ipfs", namespace: h.namespace) != nil)
        #expect(h.fake.objects(Ingress.self).isEmpty)
        #expect(h.fake.objects(PodDisruptionBudget.self).isEmpty, "v1.20-like discovery: policy/v1 not served")

        let cluster = try #require(h.cluster("ipfs"))
        let uid = try #require(cluster.metadata.uid)
        for owned in [secret.metadata, configMap.metadata, sts.metadata] {
            #expect(owned.isControlled(byUID: uid))
        }
        // Peer IDs in the ConfigMap and the status derive from the keys in the Secret.
        let fromSecret = try IPFSClusterConfigView.peerIDs(fromSecret: secret)
        let view = try IPFSClusterConfigView(configMap, replicas: 3)
        #expect(fromSecret.count == 3)
        #expect(view.identityIDs == fromSecret)
        #expect(view.trustedPeers.allSatisfy { $0 == fromSecret })
        #expect(cluster.status?.peers?.map(\.peerID) == fromSecret)

        #expect(cluster.status?.phase == .provisioning)
        #expect(cluster.status?.observedGeneration == cluster.metadata.generation)
        #expect(condition(cluster, Status.readyCondition)?.status == .false)
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .true)
        #expect(condition(cluster, Status.stalledCondition)?.status == .false)
        #expect(condition(cluster, Status.disruptionBudgetCondition)?.status == .false)
        #expect(cluster.metadata.finalizers == nil, "pvcRetention Retain adds no finalizer")
        #expect(await h.events(reason: "Created").count == 1)
    }

    @Test("a converged reconcile sends no write at all")
    func secondReconcileSendsNoWrite() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let before = await h.writes().count
        #expect(before > 0)
        #expect(try await h.reconcile("ipfs") == .done)
        let after = await h.writes()
        #expect(after.count == before, "unexpected writes: \(after.dropFirst(before).map { "\($0.method) \($0.path)" })")

        // Also once Ready.
        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs")?.status?.phase == .ready)
        let ready = await h.writes().count
        try await h.reconcile("ipfs")
        #expect(await h.writes().count == ready)
    }

    @Test("scaling 3 → 5 keeps the existing identities and extends the trusted peers")
    func scaleKeepsIdentities() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let secret3 = try #require(h.fake.object(Secret.self, name: "ipfs-identities", namespace: h.namespace))
        let ids3 = try IPFSClusterConfigView.peerIDs(fromSecret: secret3)

        try await h.editSpec("ipfs") { $0.replicas = 5 }
        try await h.reconcile("ipfs")

        let secret5 = try #require(h.fake.object(Secret.self, name: "ipfs-identities", namespace: h.namespace))
        let ids5 = try IPFSClusterConfigView.peerIDs(fromSecret: secret5)
        #expect(ids5.count == 5)
        #expect(Array(ids5.prefix(3)) == ids3)
        #expect(Set(ids5).count == 5)
        let configMap = try #require(h.fake.object(ConfigMap.self, name: "ipfs-config", namespace: h.namespace))
        let view = try IPFSClusterConfigView(configMap, replicas: 5)
        #expect(view.identityIDs == ids5)
        #expect(view.trustedPeers.allSatisfy { $0 == ids5 })
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?.spec?.replicas == 5)
        #expect(h.cluster("ipfs")?.status?.peers?.map(\.peerID) == ids5)
        #expect(await h.events(reason: "Scaled").first?.message == "scaled from 3 to 5 peers")
    }

    @Test("status is Reconciling until the StatefulSet reports every peer ready, then Ready with observedGeneration")
    func statusFollowsStatefulSet() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.editSpec("ipfs") { $0.privateSwarm = true }  // generation 2
        try await h.reconcile("ipfs")
        try await h.markStatefulSet("ipfs", ready: 2)
        try await h.reconcile("ipfs")
        var cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .provisioning)
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .true)
        #expect(condition(cluster, Status.readyCondition)?.status == .false)
        #expect(await h.events(reason: "Ready").isEmpty)

        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        cluster = h.cluster("ipfs")
        let generation = try #require(cluster?.metadata.generation)
        #expect(generation == 2)
        #expect(cluster?.status?.phase == .ready)
        #expect(cluster?.status?.observedGeneration == generation)
        #expect(condition(cluster, Status.readyCondition)?.status == .true)
        #expect(condition(cluster, Status.readyCondition)?.observedGeneration == generation)
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .false)
        #expect(cluster?.status?.readyReplicas == 3)
        #expect(await h.events(reason: "Ready").count == 1)
    }

    @Test("turning pubsub on in a Ready cluster rewrites the kubo configs and rolls the peers; then quiet")
    func pubsubToggleRollsPeers() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs")?.status?.phase == .ready)
        func hash() -> String? {
            h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?
                .spec?.template.metadata?.annotations?[IPFSClusterDesiredState.configHashAnnotation]
        }
        func kuboConfig() throws -> JSONValue {
            let data = h.fake.object(ConfigMap.self, name: "ipfs-config", namespace: h.namespace)?.data
            return try KubeJSON.decode(JSONValue.self, from: Data(try #require(data?[IPFSConfigFiles.kuboConfigKey(0)]).utf8))
        }
        let before = try #require(hash())
        #expect(try kuboConfig()["Pubsub"] == nil)

        try await h.editSpec("ipfs") { $0.pubsub = true }
        try await h.reconcile("ipfs")
        #expect(try kuboConfig().value(at: "Pubsub", "Enabled") == true)
        let after = try #require(hash())
        #expect(after != before, "the pod template must change so the StatefulSet rolls the peers")
        // The StatefulSet's status still describes the old template: not Ready until rolled out.
        var cluster = h.cluster("ipfs")
        #expect(condition(cluster, Status.readyCondition)?.status == .false)
        #expect(condition(cluster, Status.reconcilingCondition)?.status == .true)

        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .ready)
        let writes = await h.writes().count
        try await h.reconcile("ipfs")
        #expect(await h.writes().count == writes, "a converged cluster writes nothing")
    }

    @Test("a validation problem stalls the cluster and leaves the StatefulSet untouched")
    func validationProblemStalls() async throws {
        let h = IPFSClusterReconcilerHarness()
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let sts = try #require(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace))
        let writesBefore = await h.writes().count

        try await h.editSpec("ipfs") {
            $0.storage.ipfs.size = "5Gi"
            $0.replicas = 4
        }
        try await h.reconcile("ipfs")
        let cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .failed)
        #expect(condition(cluster, Status.stalledCondition)?.status == .true)
        #expect(condition(cluster, Status.stalledCondition)?.reason == "VolumeShrinkNotAllowed")
        #expect(condition(cluster, Status.readyCondition)?.status == .false)
        let after = try #require(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace))
        #expect(after.metadata.resourceVersion == sts.metadata.resourceVersion)
        #expect(after.spec?.replicas == 3)
        // Only the status was written (the merge patch of the edit aside), and the Secret
        // did not gain a fourth identity.
        let writes = await h.writes().dropFirst(writesBefore)
        let nonEvent = writes.filter { !$0.path.contains("/events") }
        #expect(nonEvent.map(\.path) == ["/apis/quartermaster.dev/v1alpha1/namespaces/ipfs/ipfsclusters/ipfs",
            "/apis/quartermaster.dev/v1alpha1/namespaces/ipfs/ipfsclusters/ipfs/status"])
        let secret = try #require(h.fake.object(Secret.self, name: "ipfs-identities", namespace: h.namespace))
        #expect(try IPFSClusterConfigView.peerIDs(fromSecret: secret).count == 3)
        #expect(await h.events(reason: "Stalled").count == 1)

        // Stalled again: no new write, no new event.
        let stalledWrites = await h.writes().count
        try await h.reconcile("ipfs")
        #expect(await h.writes().count == stalledWrites)
    }

    @Test("a missing StorageClass stalls a new cluster before its StatefulSet exists; creating the class unblocks it")
    func missingStorageClass() async throws {
        let h = IPFSClusterReconcilerHarness()
        var spec = IPFSClusterSpec()
        spec.storage.ipfs.storageClassName = "fast"
        try h.create("ipfs", spec: spec)
        try await h.reconcile("ipfs")
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace) == nil)
        #expect(condition(h.cluster("ipfs"), Status.stalledCondition)?.reason == "StorageClassNotFound")

        try h.fake.seed(StorageClass(metadata: ObjectMeta(name: "fast"), provisioner: "example.com/fast"))
        try await h.reconcile("ipfs")
        let sts = try #require(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace))
        #expect(sts.spec?.volumeClaimTemplates?.first?.spec?.storageClassName == "fast")
        #expect(condition(h.cluster("ipfs"), Status.stalledCondition)?.status == .false)
    }

    @Test("Ingresses and swarm Services the spec no longer asks for are deleted, only when controlled by the cluster")
    func obsoleteObjectsAreDeleted() async throws {
        let h = IPFSClusterReconcilerHarness()
        var spec = IPFSClusterSpec()
        spec.exposure.api = .init(type: .ingress, host: "api.example.com")
        spec.exposure.swarm = .init(type: .loadBalancer)
        try h.create("ipfs", spec: spec)
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(Ingress.self).compactMap(\.metadata.name) == ["ipfs-api"])
        #expect(h.fake.objects(Service.self).filter { $0.metadata.name?.contains("-swarm-") == true }.count == 3)
        // Someone else's Service with our labels but no owner reference.
        var foreign = Service(metadata: ObjectMeta(name: "ipfs-swarm-9", namespace: h.namespace))
        foreign.metadata.labels = IPFSClusterReconciler.instanceSelector("ipfs")
        try h.fake.seed(foreign)

        try await h.editSpec("ipfs") {
            $0.exposure.api = .init()
            $0.exposure.swarm = .init()
        }
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(Ingress.self).isEmpty)
        #expect(h.fake.objects(Service.self).compactMap(\.metadata.name) == ["ipfs-api", "ipfs-gateway", "ipfs-peers", "ipfs-swarm-9"])
    }

    @Test("with policy/v1 served, the PodDisruptionBudget is applied, and deleted when one peer remains")
    func podDisruptionBudgetWhenServed() async throws {
        let h = IPFSClusterReconcilerHarness(servePolicyV1: true)
        try h.create("ipfs")
        try await h.reconcile("ipfs")
        let pdb = try #require(h.fake.object(PodDisruptionBudget.self, name: "ipfs", namespace: h.namespace))
        #expect(pdb.spec?.maxUnavailable == .int(1))
        #expect(condition(h.cluster("ipfs"), Status.disruptionBudgetCondition) == nil)
        let converged = await h.writes().count
        try await h.reconcile("ipfs")
        #expect(await h.writes().count == converged)

        try await h.editSpec("ipfs") { $0.replicas = 1 }
        try await h.reconcile("ipfs")
        #expect(h.fake.objects(PodDisruptionBudget.self).isEmpty)
    }

    @Test("pvcRetention Delete: a guarded finalizer; on deletion the peer claims go, other claims stay")
    func pvcRetentionDelete() async throws {
        let h = IPFSClusterReconcilerHarness()
        var spec = IPFSClusterSpec(replicas: 1)
        spec.pvcRetention = .delete
        try h.create("ipfs", spec: spec)
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs")?.metadata.finalizers == [IPFSClusterReconciler.pvcCleanupFinalizer])
        let patch = try #require(h.fake.writes.first { $0.method == .patch && $0.path.hasSuffix("/ipfsclusters/ipfs") })
        let ops = try KubeJSON.decode([JSONPatchOperation].self, from: patch.body ?? Data())
        #expect(ops.first?.op == .test && ops.first?.path == "/metadata/resourceVersion")

        let storage = QuartermasterLabels.labels(name: IPFSClusterNames.appName, instance: "ipfs", component: "storage")
        let otherStorage = QuartermasterLabels.labels(name: IPFSClusterNames.appName, instance: "other", component: "storage")
        for (name, labels) in [
            ("ipfs-data-ipfs-0", storage), ("cluster-data-ipfs-0", storage), ("ipfs-data-ipfs-extra", storage),
            ("ipfs-data-other-0", otherStorage), ("unrelated", storage),
        ] {
            try h.fake.seed(PersistentVolumeClaim(metadata: ObjectMeta(name: name, namespace: h.namespace, labels: labels)))
        }
        try await h.client.delete(IPFSCluster.self, name: "ipfs", namespace: h.namespace)
        #expect(h.cluster("ipfs")?.metadata.deletionTimestamp != nil)
        #expect(try await h.reconcile("ipfs") == .done)
        #expect(h.cluster("ipfs") == nil)
        #expect(
            h.fake.objects(PersistentVolumeClaim.self).compactMap(\.metadata.name) == [
                "ipfs-data-ipfs-extra", "ipfs-data-other-0", "unrelated",
            ])
        #expect(h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace) == nil)
    }

    @Test("a stale cache showing a deleted cluster once more ends the reconcile without error")
    func staleDeletedCluster() async throws {
        let h = IPFSClusterReconcilerHarness()
        var spec = IPFSClusterSpec(replicas: 1)
        spec.pvcRetention = .delete
        try h.create("ipfs", spec: spec)
        try await h.reconcile("ipfs")
        try await h.client.delete(IPFSCluster.self, name: "ipfs", namespace: h.namespace)
        let deleting = try #require(h.cluster("ipfs"))
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs") == nil)
        h.clusters.upsert(deleting)
        #expect(try await h.reconcile("ipfs", refreshingCaches: false) == .done)
        var alive = deleting
        alive.metadata.deletionTimestamp = nil
        h.clusters.upsert(alive)
        #expect(try await h.reconcile("ipfs", refreshingCaches: false) == .done)
    }

    @Test("pvcRetention changed back to Retain removes the finalizer; deletion then leaves the claims")
    func pvcRetentionRetain() async throws {
        let h = IPFSClusterReconcilerHarness()
        var spec = IPFSClusterSpec(replicas: 1)
        spec.pvcRetention = .delete
        try h.create("ipfs", spec: spec)
        try await h.reconcile("ipfs")
        try await h.editSpec("ipfs") { $0.pvcRetention = .retain }
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs")?.metadata.finalizers?.isEmpty ?? true)
        let labels = QuartermasterLabels.labels(name: IPFSClusterNames.appName, instance: "ipfs", component: "storage")
        try h.fake.seed(PersistentVolumeClaim(metadata: ObjectMeta(name: "ipfs-data-ipfs-0", namespace: h.namespace, labels: labels)))
        try await h.client.delete(IPFSCluster.self, name: "ipfs", namespace: h.namespace)
        #expect(h.cluster("ipfs") == nil)
        #expect(try await h.reconcile("ipfs") == .done)
        #expect(h.fake.objects(PersistentVolumeClaim.self).count == 1)
    }

    @Test("peer claim names: <template>-<statefulset>-<ordinal> only")
    func peerClaimNames() {
        #expect(IPFSClusterReconciler.isPeerClaimName("ipfs-data-a-0", statefulSet: "a"))
        #expect(IPFSClusterReconciler.isPeerClaimName("cluster-data-a-12", statefulSet: "a"))
        #expect(!IPFSClusterReconciler.isPeerClaimName("ipfs-data-a-b-0", statefulSet: "a"))
        #expect(!IPFSClusterReconciler.isPeerClaimName("ipfs-data-a-", statefulSet: "a"))
        #expect(!IPFSClusterReconciler.isPeerClaimName("data-a-0", statefulSet: "a"))
    }

    @Test("the finalizer patch tests the resource version and the current list")
    func finalizerPatch() {
        let f = IPFSClusterReconciler.pvcCleanupFinalizer
        let add = Finalizers.patch(current: ["x"], updated: ["x", f], resourceVersion: "7")
        #expect(
            add == [
                .test("/metadata/resourceVersion", "7"), .test("/metadata/finalizers", ["x"]),
                .replace("/metadata/finalizers", ["x", .string(f)]),
            ])
        let first = Finalizers.patch(current: nil, updated: [f], resourceVersion: "7")
        #expect(first == [.test("/metadata/resourceVersion", "7"), .add("/metadata/finalizers", [.string(f)])])
        let remove = Finalizers.patch(current: ["x", f], updated: ["x"], resourceVersion: "8")
        #expect(remove.last == .replace("/metadata/finalizers", ["x"]))
    }
}
