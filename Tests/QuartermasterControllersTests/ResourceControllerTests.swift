import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import Testing

@testable import QuartermasterControllers

/// The `resources` controller as built by `ResourceController.make`, over a `FakeAPIServer`:
/// which informers it declares, and what its caches and watches reconcile.
@Suite("Resource controller over the fake API server")
struct ResourceControllerTests {
    /// Polls `condition` every 50 ms, at most 2400 times (a bound on a hang, not a duration
    /// the test relies on).
    func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<2400 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    func settings(_ client: KubeClient) -> ControllerSettings {
        ControllerSettings(
            namespaces: ["acme"], registry: PrometheusCollectorRegistry(),
            events: EventRecorder(client: client, component: "quartermaster-test", instance: "test"),
            logger: Logger(label: "test"))
    }

    @Test func theOfferedKindIsTheInformerItsOwnControllerDeclares() {
        let client = KubeClient(transport: FakeAPIServer())
        let cache = InformerCache(client: client)
        _ = IPFSClusterController.make(cache: cache, settings: settings(client))
        let before = cache.informerDescriptions.filter { $0.contains(IPFSCluster.resource.plural) }
        #expect(before.count == 1)
        let controller = ResourceController.make(cache: cache, settings: settings(client))
        #expect(controller.declaredResources.contains("\(IPFSCluster.resource)"))
        #expect(
            cache.informerDescriptions.filter { $0.contains(IPFSCluster.resource.plural) } == before,
            "no list or watch of IPFSClusters of its own")
    }

    @Test func aResourceStalledOnANameConflictCreatesItsChildOnceTheNameIsFree() async throws {
        let fake = FakeAPIServer()
        let client = KubeClient(transport: fake)
        let hard = TenantTier.free.quota.hard
        try fake.seed(
            ResourceQuota(
                metadata: ObjectMeta(name: "quartermaster-tenant", namespace: "acme"),
                spec: ResourceQuotaSpec(hard: hard), status: ResourceQuotaStatus(hard: hard, used: hard.mapValues { _ in 0 })))
        let mine = try fake.seed(
            IPFSCluster(metadata: ObjectMeta(name: "files", namespace: "acme"), spec: IPFSClusterSpec(replicas: 5)))
        try fake.seed(
            Resource(metadata: ObjectMeta(name: "files", namespace: "acme"), spec: ResourceSpec(template: "small-storage")))

        let cache = InformerCache(client: client)
        let controller = ResourceController.make(cache: cache, settings: settings(client))
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await controller.runWorkers() }
            }
        }
        defer { task.cancel() }

        #expect(
            await eventually {
                fake.object(Resource.self, name: "files", namespace: "acme")?.status?.conditions?[type: "Stalled"]?.reason
                    == "NameConflict"
            })
        #expect(fake.object(IPFSCluster.self, name: "files", namespace: "acme") == mine, "the user's cluster is left alone")

        // Nothing controls the user's cluster, so only its name leads to the Resource.
        try await client.delete(IPFSCluster.self, name: "files", namespace: "acme")
        #expect(
            await eventually {
                let uid = fake.object(Resource.self, name: "files", namespace: "acme")?.metadata.uid
                return uid != nil
                    && fake.object(IPFSCluster.self, name: "files", namespace: "acme")?.metadata.controllerReference?.uid == uid
            })
        #expect(
            await eventually {
                fake.object(Resource.self, name: "files", namespace: "acme")?.status?.phase == .provisioning
            })
    }
}
