import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import Testing

@testable import QuartermasterControllers

/// The `ipfscluster` controller as built by `IPFSClusterController.make`, running over a
/// `FakeAPIServer`: caches and watches drive the reconciles.
@Suite("IPFSCluster controller over the fake API server")
struct IPFSClusterReconcilerControllerTests {
    /// The value of the gauge `name{label="value"}` in `text` (Prometheus text format).
    static func gauge(_ text: String, _ name: String, _ label: String, _ value: String) -> Double? {
        let prefix = "\(name){\(label)=\"\(value)\"} "
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Double(line.dropFirst(prefix.count))
    }

    @Test("the controller creates the objects, follows the StatefulSet's status to Ready, then settles without writes")
    func controllerConverges() async throws {
        let fake = FakeAPIServer()
        let client = KubeClient(transport: fake)
        let registry = PrometheusCollectorRegistry()
        let events = EventRecorder(client: client, component: "quartermaster-test", instance: "test")
        let settings = ControllerSettings(
            namespaces: ["ipfs"], registry: registry, events: events, logger: Logger(label: "test"))
        let cache = InformerCache(client: client)
        let controller = IPFSClusterController.make(cache: cache, settings: settings)
        #expect(controller.name == "ipfscluster")
        #expect(controller.declaredResources.contains("\(StatefulSet.resource)"))
        #expect(controller.declaredResources.contains("\(StorageClass.resource)"))
        #expect(
            controller.declaredResources.contains("\(PodDisruptionBudget.resource)"),
            "PDBs are cached once discovery shows policy/v1 (the fake serves v1.20's groups: never listed)")
        try fake.seed(IPFSCluster(metadata: ObjectMeta(name: "demo", namespace: "ipfs")))
        try fake.seed(IPFSCluster(metadata: ObjectMeta(name: "elsewhere", namespace: "other")))

        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await controller.runWorkers() }
            }
        }
        defer { task.cancel() }

        #expect(await eventually { fake.object(StatefulSet.self, name: "demo", namespace: "ipfs") != nil })
        #expect(fake.object(StatefulSet.self, name: "elsewhere", namespace: "other") == nil, "other namespaces are not watched")
        var sts = try #require(fake.object(StatefulSet.self, name: "demo", namespace: "ipfs"))
        sts.status = StatefulSetStatus(
            observedGeneration: sts.metadata.generation, replicas: 3, readyReplicas: 3, currentReplicas: 3,
            updatedReplicas: 3, currentRevision: "demo-1", updateRevision: "demo-1")
        _ = try await client.replaceStatus(sts)
        #expect(await eventually { fake.object(IPFSCluster.self, name: "demo", namespace: "ipfs")?.status?.phase == .ready })

        // Settled: nothing queued, no reconcile running, every event written (an event, not a
        // pause that a busy machine could outlast).
        #expect(
            await eventually {
                await events.flush()
                let text = registry.emitToString()
                return Self.gauge(text, "workqueue_depth", "name", "ipfscluster") == 0
                    && Self.gauge(text, "controller_runtime_active_workers", "controller", "ipfscluster") == 0
            })
        let settled = fake.writes.count
        // Converged: whatever still arrives (watch echoes of our own writes) reconciles without
        // writing. A quiet window, so it can only miss a stray write, never invent one.
        try await Task.sleep(for: .milliseconds(700))
        await events.flush()
        #expect(fake.writes.count == settled, "\(fake.writes.dropFirst(settled).map { "\($0.method) \($0.path)" })")
    }
}
