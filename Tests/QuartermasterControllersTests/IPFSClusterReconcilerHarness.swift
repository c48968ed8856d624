import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Synchronization

@testable import QuartermasterControllers

/// Runs `IPFSClusterReconciler` against a `FakeAPIServer`, with caches filled from the fake
/// server's content right before each reconcile (as a synced controller would have them).
struct IPFSClusterReconcilerHarness {
    let fake: FakeAPIServer
    let client: KubeClient
    let events: EventRecorder
    let reconciler: IPFSClusterReconciler
    let namespace = "ipfs"

    let clusters = Store<IPFSCluster>()
    let secrets = Store<Secret>()
    let configMaps = Store<ConfigMap>()
    let services = Store<Service>()
    let statefulSets = Store<StatefulSet>()
    let networkPolicies = Store<NetworkPolicy>()
    let ingresses = Store<Ingress>()
    let storageClasses = Store<StorageClass>()
    let podDisruptionBudgets = Store<PodDisruptionBudget>()
    let tenants = Store<Tenant>()
    /// Host claims, in ``claimNamespace``.
    let hostClaims = Store<Lease>()
    /// Where the reconciler keeps host claims.
    let claimNamespace = "quartermaster-system"

    /// - Parameter servePolicyV1: answer discovery of `policy/v1` as a v1.21+ server does.
    init(servePolicyV1: Bool = false) {
        let fake = FakeAPIServer()
        self.fake = fake
        let transport: any HTTPTransport = servePolicyV1 ? PolicyV1DiscoveryTransport(inner: fake) : fake
        client = KubeClient(transport: transport)
        events = EventRecorder(client: client, component: "quartermaster-test", instance: "test")
        reconciler = IPFSClusterReconciler(
            client: client,
            caches: IPFSClusterCaches(
                clusters: clusters, secrets: secrets, configMaps: configMaps, services: services,
                statefulSets: statefulSets, networkPolicies: networkPolicies, ingresses: ingresses,
                podDisruptionBudgets: podDisruptionBudgets, storageClasses: storageClasses, tenants: tenants,
                hostClaims: hostClaims),
            events: events, hostClaimNamespace: claimNamespace, now: { Date(timeIntervalSince1970: 1_700_000_000) })
    }

    /// Creates an IPFSCluster (spec defaults filled in by decoding, as the CRD schema does).
    @discardableResult
    func create(_ name: String, spec: IPFSClusterSpec = IPFSClusterSpec()) throws -> IPFSCluster {
        try fake.seed(IPFSCluster(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }

    func cluster(_ name: String) -> IPFSCluster? { fake.object(IPFSCluster.self, name: name, namespace: namespace) }

    /// Changes the spec as `kubectl edit` would (a merge patch; the generation grows).
    func editSpec(_ name: String, _ change: (inout IPFSClusterSpec) -> Void) async throws {
        guard var spec = cluster(name)?.spec else { throw HarnessError.missing(name) }
        change(&spec)
        _ = try await client.mergePatch(
            IPFSCluster.self, name: name, namespace: namespace, patch: ["spec": try JSONValue(encoding: spec)])
    }

    func refreshCaches() {
        clusters.replaceAll(fake.objects(IPFSCluster.self))
        secrets.replaceAll(fake.objects(Secret.self))
        configMaps.replaceAll(fake.objects(ConfigMap.self))
        services.replaceAll(fake.objects(Service.self))
        statefulSets.replaceAll(fake.objects(StatefulSet.self))
        networkPolicies.replaceAll(fake.objects(NetworkPolicy.self))
        ingresses.replaceAll(fake.objects(Ingress.self))
        storageClasses.replaceAll(fake.objects(StorageClass.self))
        podDisruptionBudgets.replaceAll(fake.objects(PodDisruptionBudget.self))
        tenants.replaceAll(fake.objects(Tenant.self))
        hostClaims.replaceAll(fake.objects(Lease.self))
    }

    @discardableResult
    func reconcile(_ name: String, refreshingCaches: Bool = true) async throws -> ReconcileResult {
        if refreshingCaches { refreshCaches() }
        let context = ReconcileContext(
            controller: "ipfscluster", reconcileID: UUID().uuidString, logger: Logger(label: "test"), store: clusters)
        return try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: namespace, name: name)), context: context)
    }

    /// Writes the StatefulSet's status as its controller does once `ready` pods are ready and
    /// every pod runs the current revision.
    func markStatefulSet(_ name: String, ready: Int) async throws {
        guard var sts = fake.object(StatefulSet.self, name: name, namespace: namespace) else {
            throw HarnessError.missing(name)
        }
        let replicas = sts.spec?.replicas ?? 1
        sts.status = StatefulSetStatus(
            observedGeneration: sts.metadata.generation, replicas: replicas, readyReplicas: ready,
            currentReplicas: replicas, updatedReplicas: replicas, currentRevision: "\(name)-1",
            updateRevision: "\(name)-1")
        _ = try await client.replaceStatus(sts)
    }

    /// Writes (non-GET requests) other than Events, after flushing the Event recorder.
    func writes() async -> [HTTPRequest] {
        await events.flush()
        return fake.writes
    }

    func events(reason: String) async -> [Event] {
        await events.flush()
        return fake.objects(Event.self).filter { $0.reason == reason }
    }

    enum HarnessError: Error { case missing(String) }
}
