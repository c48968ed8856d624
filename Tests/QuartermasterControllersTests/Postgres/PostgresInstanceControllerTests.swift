import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import Testing

@testable import QuartermasterControllers

/// The `postgresinstance` controller as built by `PostgresInstanceController.make`, running over
/// a `FakeAPIServer`: caches and watches drive the reconciles, the status client is scripted.
@Suite("PostgresInstance controller over the fake API server")
struct PostgresInstanceControllerTests {
    @Test("the controller creates the instance, follows its pod and report to Ready, then settles without writes")
    func controllerConverges() async throws {
        let fake = FakeAPIServer()
        let client = KubeClient(transport: fake)
        let registry = PrometheusCollectorRegistry()
        let events = EventRecorder(client: client, component: "quartermaster-test", instance: "test")
        let reports = ScriptedInstanceStatusClient()
        let settings = ControllerSettings(
            namespaces: ["ns"], registry: registry, events: events, logger: Logger(label: "test"),
            operatorNamespace: "qm-system", postgresOperatorImage: "example.org/quartermaster:test",
            instanceStatusClient: reports)
        let cache = InformerCache(client: client)
        let controller = PostgresInstanceController.make(cache: cache, settings: settings)
        #expect(controller.name == "postgresinstance")
        #expect(!controller.declaredResources.contains("\(Namespace.resource)"), "namespaces are cached only when all are watched")
        for kind in [Pod.resource, PersistentVolumeClaim.resource, Secret.resource, Tenant.resource, Role.resource] {
            #expect(controller.declaredResources.contains("\(kind)"), "\(kind)")
        }
        try fake.seed(PostgresInstance(metadata: ObjectMeta(name: "pg", namespace: "ns")))
        try fake.seed(PostgresInstance(metadata: ObjectMeta(name: "pg", namespace: "other")))

        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await controller.runWorkers() }
            }
        }
        defer { task.cancel() }

        #expect(await eventually { fake.object(Pod.self, name: "pg-1", namespace: "ns") != nil })
        #expect(fake.object(Pod.self, name: "pg-1", namespace: "other") == nil, "other namespaces are not watched")
        var pod = try #require(fake.object(Pod.self, name: "pg-1", namespace: "ns"))
        #expect(pod.spec?.initContainers?.first?.image == "example.org/quartermaster:test")
        reports.set("10.0.0.1", InstanceReport(pod: "pg-1", role: "primary", ready: true, postgresVersion: 16))
        pod.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: "10.0.0.1")
        _ = try await client.replaceStatus(pod)
        #expect(await eventually { fake.object(PostgresInstance.self, name: "pg", namespace: "ns")?.status?.phase == .ready })
        let status = fake.object(PostgresInstance.self, name: "pg", namespace: "ns")?.status
        #expect(status?.currentPrimary == "pg-1")
        #expect(status?.endpoints?.rw == "pg-rw.ns.svc:5432")

        #expect(
            await eventually {
                await events.flush()
                let text = registry.emitToString()
                return IPFSClusterReconcilerControllerTests.gauge(text, "workqueue_depth", "name", "postgresinstance") == 0
                    && IPFSClusterReconcilerControllerTests.gauge(
                        text, "controller_runtime_active_workers", "controller", "postgresinstance") == 0
            })
        let settled = fake.writes.count
        // A quiet window: it can only miss a stray write, never invent one.
        try await Task.sleep(for: .milliseconds(700))
        await events.flush()
        #expect(fake.writes.count == settled, "\(fake.writes.dropFirst(settled).map { "\($0.method) \($0.path)" })")
    }
}
