import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

@testable import KubeRuntime

/// Records the keys it reconciles and, for each, what `probe` said at that moment.
final class ProbingReconciler: Reconciler {
    typealias Object = Widget
    private let calls = Locked<[(name: String, probe: Int)]>([])
    private let probe: @Sendable () -> Int

    init(probe: @escaping @Sendable () -> Int = { 0 }) { self.probe = probe }

    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Widget>) async throws -> ReconcileResult {
        let seen = probe()
        calls.withLock { $0.append((request.name, seen)) }
        return .done
    }

    func count(_ name: String) -> Int { calls.withLock { $0.filter { $0.name == name }.count } }
    var probes: [Int] { calls.withLock { $0.map(\.probe) } }
}

@Suite struct InformerCacheTests {
    static let gadgets = Gadget.resource.path()
    static let widgets = Widget.resource.path()
    static let managed = "app.kubernetes.io/managed-by=quartermaster"

    /// Requests for `path` (any namespace scope) with this label selector: (lists, watches).
    static func requests(_ server: FakeAPIServer, path: String, labelSelector: String?) -> (lists: Int, watches: Int) {
        let matching = server.requests.filter { $0.method == .get && $0.path == path && $0.query("labelSelector") == labelSelector }
        let watches = matching.filter { $0.query("watch") != nil }.count
        return (matching.count - watches, watches)
    }

    @Test func twoControllersDeclaringTheSameInformerShareOneListAndOneWatch() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        let w1 = try server.seed(Widget("w1"))
        var owned = Gadget("g1", owner: w1)
        owned.metadata.resourceVersion = nil
        owned.metadata.labels = ["app.kubernetes.io/managed-by": "quartermaster", "widget": "w1"]
        try server.seed(owned)

        let cache = InformerCache(client: client)
        // "owners" reconciles a Widget when a Gadget it controls changes.
        var ownersBuilder = ControllerBuilder<Widget>(
            cache: cache, name: "owners", options: ControllerOptions(ownedLabelSelector: Self.managed))
        let ownersGadgets = ownersBuilder.owns(Gadget.self)
        let ownersWidgets = ownersBuilder.primary
        let owners = ProbingReconciler()
        let ownersController = ownersBuilder.complete(owners)
        // "mapped" declares the same Gadgets (all namespaces, same selector) with a mapping.
        var mappedBuilder = ControllerBuilder<Widget>(cache: cache, name: "mapped")
        let mappedGadgets = mappedBuilder.watches(Gadget.self, options: ReflectorOptions(labelSelector: Self.managed)) {
            gadget in
            (gadget.metadata.labels?["widget"]).map { [ObjectKey(namespace: gadget.metadata.namespace, name: $0)] } ?? []
        }
        let mappedWidgets = mappedBuilder.primary
        let mapped = ProbingReconciler()
        let mappedController = mappedBuilder.complete(mapped)

        #expect(ownersGadgets === mappedGadgets, "one store for one informer")
        #expect(ownersWidgets === mappedWidgets, "the same primary informer is shared too")
        #expect(cache.informerCount == 2)

        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await ownersController.runWorkers() }
                group.addTask { try? await mappedController.runWorkers() }
            }
        }
        defer { task.cancel() }
        #expect(await eventually { cache.hasSynced && owners.count("w1") >= 1 && mapped.count("w1") >= 1 })

        // Both controllers get the events of the one watch.
        let ownersBefore = owners.count("w1")
        let mappedBefore = mapped.count("w1")
        var second = Gadget("g2", owner: w1)
        second.metadata.resourceVersion = nil
        second.metadata.labels = ["app.kubernetes.io/managed-by": "quartermaster", "widget": "w1"]
        _ = try await client.create(second)
        #expect(await eventually { owners.count("w1") > ownersBefore && mapped.count("w1") > mappedBefore })
        #expect(ownersGadgets.count == 2)

        let gadgetRequests = Self.requests(server, path: Self.gadgets, labelSelector: Self.managed)
        #expect(gadgetRequests.lists == 1 && gadgetRequests.watches == 1, "\(gadgetRequests)")
        let widgetRequests = Self.requests(server, path: Self.widgets, labelSelector: nil)
        #expect(widgetRequests.lists == 1 && widgetRequests.watches == 1, "\(widgetRequests)")
    }

    @Test func differentSelectorsGetSeparateInformers() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        try server.seed(Widget("w1"))
        var gold = Gadget("gold")
        gold.metadata.labels = ["tier": "gold"]
        try server.seed(gold)
        try server.seed(Gadget("plain"))

        let cache = InformerCache(client: client)
        var builder = ControllerBuilder<Widget>(cache: cache, name: "selective")
        let golden = builder.watches(Gadget.self, options: ReflectorOptions(labelSelector: "tier=gold")) { _ in [] }
        let every = builder.watches(Gadget.self) { _ in [] }
        let controller = builder.complete(ProbingReconciler())

        #expect(golden !== every)
        #expect(cache.informerCount == 3)
        #expect(cache.informerDescriptions.filter { $0.hasSuffix("labelSelector=tier=gold") }.count == 1)
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }
        #expect(await eventually { controller.hasSynced })
        #expect(golden.keys.map(\.name) == ["gold"])
        #expect(every.keys.map(\.name) == ["gold", "plain"])
        let selected = Self.requests(server, path: Self.gadgets, labelSelector: "tier=gold")
        let unselected = Self.requests(server, path: Self.gadgets, labelSelector: nil)
        #expect(selected.lists == 1 && unselected.lists == 1)
    }

    @Test func workersWaitUntilEveryDeclaredInformerSynced() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        try server.seed(Widget("w1"))
        try server.seed(Gadget("g1"))
        // The Gadget list fails once: that informer syncs only after the reflector's backoff,
        // well after the Widgets.
        server.failNext(.get, pathPrefix: Self.gadgets, status: 500)

        let cache = InformerCache(client: client)
        var builder = ControllerBuilder<Widget>(cache: cache, name: "patient")
        let gadgets = builder.watches(Gadget.self) { _ in [] }
        let reconciler = ProbingReconciler { gadgets.count }
        let controller = builder.complete(reconciler)
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }

        #expect(await eventually { reconciler.count("w1") == 1 })
        #expect(reconciler.probes == [1], "the first reconcile already saw the Gadget cache synced")
        #expect(Self.requests(server, path: Self.gadgets, labelSelector: nil).lists == 2, "the first list failed")
    }
}
