import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Prometheus
import Synchronization
import Testing

@testable import KubeRuntime

/// Creates one Gadget per Widget and reports readiness in the Widget's status, like a real
/// operator would.
final class GadgetMaker: Reconciler {
    typealias Object = Widget
    let client: KubeClient
    let gadgets: Store<Gadget>
    let counts = Locked<[String: Int]>([:])

    init(client: KubeClient, gadgets: Store<Gadget>) {
        self.client = client
        self.gadgets = gadgets
    }

    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Widget>) async throws -> ReconcileResult {
        counts.withLock { $0[request.name, default: 0] += 1 }
        guard let widget = context.store.get(request.key) else { return .done }
        if gadgets.get(name: widget.metadata.name ?? "", namespace: widget.metadata.namespace) == nil {
            var g = Gadget(widget.metadata.name ?? "", namespace: widget.metadata.namespace ?? "default", owner: widget)
            g.metadata.resourceVersion = nil
            g.metadata.labels = ["app.kubernetes.io/managed-by": "quartermaster"]
            _ = try await client.apply(g, fieldManager: "test-operator")
        }
        var status = widget
        status.status = .init(ready: true)
        _ = try await client.replaceStatus(status)
        return .done
    }

    func count(_ name: String) -> Int { counts.withLock { $0[name, default: 0] } }
}

@Suite struct ControllerFakeServerTests {
    @Test func ownStatusWritesDoNotCauseAReconcileStorm() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        try server.seed(Widget("w1"))
        // With the opt-in predicate that ignores status-only changes (the default reconciles
        // them; ControllerStatusDriftTests covers that a converged reconcile writes nothing).
        let cache = InformerCache(client: client)
        var builder = ControllerBuilder<Widget>(
            cache: cache, name: "gadgets",
            options: ControllerOptions(
                updatePredicate: { Predicates.generationOrMetadataChanged(old: $0.metadata, new: $1.metadata) },
                ownedLabelSelector: "app.kubernetes.io/managed-by=quartermaster"))
        let reconciler = GadgetMaker(client: client, gadgets: builder.owns(Gadget.self))
        let controller = builder.complete(reconciler)
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }

        #expect(await eventually { server.object(Widget.self, name: "w1")?.status?.ready == true })
        #expect(await eventually { server.objects(Gadget.self).count == 1 })
        // First reconcile creates the gadget; its ADDED event reconciles the owner once more.
        #expect(await eventually { reconciler.count("w1") == 2 })
        let settled = reconciler.count("w1")
        try await Task.sleep(for: .milliseconds(300))
        #expect(reconciler.count("w1") == settled, "status writes must not re-trigger reconciles")

        // A spec change does.
        _ = try await client.mergePatch(Widget.self, name: "w1", namespace: "default", patch: ["spec": ["size": 3]])
        #expect(await eventually { reconciler.count("w1") == settled + 1 })
        // Deleting the owned gadget reconciles the owner, which recreates it.
        try await client.delete(Gadget.self, name: "w1", namespace: "default")
        #expect(await eventually { reconciler.count("w1") >= settled + 2 })
        #expect(await eventually { server.objects(Gadget.self).count == 1 })
    }
}
