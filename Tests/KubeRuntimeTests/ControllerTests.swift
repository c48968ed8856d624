import Foundation
import KubeClient
import KubeCore
import Prometheus
import Synchronization
import Testing

@testable import KubeRuntime

/// A reconciler whose behaviour is a closure, recording every call.
final class ScriptedReconciler: Reconciler {
    typealias Object = Widget
    private let calls = Mutex<[(key: ObjectKey, retries: Int)]>([])
    let behaviour: @Sendable (ObjectKey, Int) throws -> ReconcileResult

    init(_ behaviour: @escaping @Sendable (ObjectKey, Int) throws -> ReconcileResult = { _, _ in .done }) {
        self.behaviour = behaviour
    }

    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Widget>) async throws -> ReconcileResult {
        #expect(context.logger[metadataKey: "reconcileID"] == "\(request.reconcileID)")
        #expect(context.logger[metadataKey: "name"] == "\(request.key.name)")
        #expect(context.logger[metadataKey: "namespace"] == "\(request.key.namespace ?? "")")
        #expect(context.logger[metadataKey: "controller"] == "\(context.controller)")
        #expect(UUID(uuidString: request.reconcileID) != nil)
        calls.withLock { $0.append((request.key, context.retries)) }
        return try behaviour(request.key, context.retries)
    }

    func count(_ name: String) -> Int { calls.withLock { $0.filter { $0.key.name == name }.count } }
    var names: [String] { calls.withLock { $0.map(\.key.name) } }
    var retries: [Int] { calls.withLock { $0.map(\.retries) } }
}

struct Boom: Error {}

@Suite struct ControllerTests {
    static let widgets = Widget.resource.path()
    static let gadgets = Gadget.resource.path()

    func run(_ made: (cache: InformerCache, controller: Controller<ScriptedReconciler>)) -> Task<Void, Never> {
        runInBackground(made.controller, cache: made.cache)
    }

    @Test func ownedObjectEventsEnqueueTheirControllerOwner() async throws {
        let kube = FakeKube()
        let w1 = Widget("w1")
        kube.setObjects([w1], rv: "10")
        kube.setObjects([Gadget]([]), rv: "20")
        let rec = ScriptedReconciler()
        var gadgets: Store<Gadget>?
        let made = makeController(
            name: "widgets", client: kube.client, reconciler: rec,
            options: ControllerOptions(ownedLabelSelector: "app.kubernetes.io/managed-by=quartermaster")
        ) { gadgets = $0.owns(Gadget.self) }
        let task = run(made)
        defer { task.cancel() }

        #expect(await eventually { rec.count("w1") == 1 })
        let gadgetWatch = try #require(await kube.session(0, path: Self.gadgets))
        #expect(gadgetWatch.query("labelSelector") == "app.kubernetes.io/managed-by=quartermaster")

        // Owned by w1 as controller: w1 is reconciled.
        gadgetWatch.send("ADDED", Gadget("g1", owner: w1))
        #expect(await eventually { rec.count("w1") == 2 })
        // Same kind name but another group, and a non-controller reference: ignored.
        var foreign = Gadget("g2")
        foreign.metadata.ownerReferences = [
            OwnerReference(apiVersion: "other.io/v1", kind: "Widget", name: "w9", uid: "x", controller: true),
            OwnerReference(apiVersion: "example.com/v1", kind: "Widget", name: "w8", uid: "y", controller: false),
        ]
        gadgetWatch.send("ADDED", foreign)
        // Deleting the owned object reconciles the owner too.
        gadgetWatch.send("DELETED", Gadget("g1", rv: "2", owner: w1))
        #expect(await eventually { rec.count("w1") == 3 })
        #expect(!rec.names.contains("w9") && !rec.names.contains("w8"))
        #expect(gadgets?.count == 1)
    }

    @Test func statusOnlyUpdatesOfThePrimaryDoNotEnqueueWithGenerationOrMetadataChanged() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1", rv: "10"), Widget("w2", rv: "11")], rv: "20")
        let rec = ScriptedReconciler()
        let made = makeController(
            name: "widgets", client: kube.client, reconciler: rec,
            options: ControllerOptions(
                updatePredicate: { Predicates.generationOrMetadataChanged(old: $0.metadata, new: $1.metadata) }))
        let controller = made.controller
        let task = run(made)
        defer { task.cancel() }
        #expect(await eventually { rec.count("w1") == 1 && rec.count("w2") == 1 })
        let watch = try #require(await kube.session(0, path: Self.widgets))

        var statusOnly = Widget("w1", rv: "30")
        statusOnly.status = .init(ready: true)
        watch.send("MODIFIED", statusOnly)
        // A spec change of w2 after it: with one worker and a FIFO queue, w1 would come first.
        watch.send("MODIFIED", Widget("w2", rv: "31", generation: 2))
        #expect(await eventually { rec.count("w2") == 2 })
        #expect(rec.count("w1") == 1, "a status write must not set off a reconcile")
        #expect(controller.store.get(name: "w1", namespace: "default")?.status?.ready == true)

        var labelled = Widget("w1", rv: "32")
        labelled.metadata.labels = ["tier": "gold"]
        watch.send("MODIFIED", labelled)
        #expect(await eventually { rec.count("w1") == 2 }, "label changes do enqueue")
        watch.send("DELETED", labelled)
        #expect(await eventually { rec.count("w1") == 3 }, "deletes enqueue")
    }

    @Test func thrownErrorsAreRetriedWithBackoffAndCounted() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "20")
        let rec = ScriptedReconciler { _, retries in
            if retries < 3 { throw Boom() }
            return .done
        }
        let registry = PrometheusCollectorRegistry()
        let made = makeController(
            name: "retrying", client: kube.client, reconciler: rec, options: ControllerOptions(registry: registry))
        let controller = made.controller
        let task = run(made)
        defer { task.cancel() }
        #expect(await eventually { rec.count("w1") == 4 })
        #expect(rec.retries == [0, 1, 2, 3])
        #expect(await eventually { controller.queue.retries(ObjectKey(namespace: "default", name: "w1")) == 0 })
        let text = registry.emitToString()
        #expect(text.contains(#"controller_runtime_reconcile_total{controller="retrying",result="error"} 3"#))
        #expect(text.contains(#"controller_runtime_reconcile_total{controller="retrying",result="success"} 1"#))
        #expect(text.contains(#"controller_runtime_reconcile_errors_total{controller="retrying"} 3"#))
        #expect(text.contains(#"controller_runtime_reconcile_errors_by_reason_total{controller="retrying",reason="Other"} 3"#))
        #expect(text.contains(#"workqueue_retries_total{name="retrying"} 3"#))
        #expect(text.contains(#"controller_runtime_reconcile_time_seconds_count{controller="retrying"} 4"#))
    }

    @Test func terminalErrorsAreNotRetried() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("bad", rv: "1"), Widget("good", rv: "2")], rv: "20")
        let rec = ScriptedReconciler { key, _ in
            if key.name == "bad" { throw TerminalError("spec.size must be positive") }
            return .done
        }
        let registry = PrometheusCollectorRegistry()
        let made = makeController(
            name: "terminal", client: kube.client, reconciler: rec, options: ControllerOptions(registry: registry))
        let task = run(made)
        defer { task.cancel() }
        #expect(await eventually { rec.count("bad") == 1 && rec.count("good") == 1 })
        // A later key goes through while "bad" is not retried.
        let watch = try #require(await kube.session(0, path: Self.widgets))
        watch.send("ADDED", Widget("later", rv: "3"))
        #expect(await eventually { rec.count("later") == 1 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(rec.count("bad") == 1)
        let text = registry.emitToString()
        #expect(text.contains(#"controller_runtime_reconcile_total{controller="terminal",result="error"} 1"#))
        #expect(text.contains(#"controller_runtime_reconcile_errors_total{controller="terminal"} 1"#))
        #expect(text.contains(#"controller_runtime_terminal_reconcile_errors_total{controller="terminal"} 1"#))
        #expect(text.contains(#"controller_runtime_reconcile_errors_by_reason_total{controller="terminal",reason="Terminal"} 1"#))
        #expect(text.contains(#"workqueue_retries_total{name="terminal"} 0"#))
    }

    @Test func requeueAfterReconcilesAgain() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "20")
        let rec = ScriptedReconciler { _, _ in .requeueAfter(.milliseconds(20)) }
        let registry = PrometheusCollectorRegistry()
        let made = makeController(
            name: "periodic", client: kube.client, reconciler: rec, options: ControllerOptions(registry: registry))
        let task = run(made)
        defer { task.cancel() }
        #expect(await eventually { rec.count("w1") >= 3 })
        #expect(registry.emitToString().contains(#"result="requeue_after"} "#))
    }

    @Test func metricsArePresetToZero() {
        let registry = PrometheusCollectorRegistry()
        let kube = FakeKube()
        _ = makeController(
            name: "fresh", client: kube.client, reconciler: ScriptedReconciler(),
            options: ControllerOptions(maxConcurrentReconciles: 3, registry: registry))
        let text = registry.emitToString()
        for result in ["success", "error", "requeue", "requeue_after"] {
            #expect(text.contains(#"controller_runtime_reconcile_total{controller="fresh",result="\#(result)"} 0"#))
        }
        #expect(text.contains(#"controller_runtime_reconcile_errors_total{controller="fresh"} 0"#))
        for reason in ReconcileErrorReason.allCases {
            #expect(text.contains(
                #"controller_runtime_reconcile_errors_by_reason_total{controller="fresh",reason="\#(reason.rawValue)"} 0"#))
        }
        #expect(text.contains(#"controller_runtime_max_concurrent_reconciles{controller="fresh"} 3"#))
        #expect(text.contains(#"controller_runtime_active_workers{controller="fresh"} 0"#))
        for name in [
            "workqueue_depth", "workqueue_adds_total", "workqueue_retries_total", "workqueue_unfinished_work_seconds",
            "workqueue_longest_running_processor_seconds",
        ] {
            #expect(text.contains(#"\#(name){name="fresh"} 0"#))
        }
        #expect(text.contains(#"workqueue_queue_duration_seconds_count{name="fresh"} 0"#))
        #expect(text.contains(#"workqueue_work_duration_seconds_count{name="fresh"} 0"#))
        #expect(text.contains("# HELP controller_runtime_reconcile_total Total number of reconciliations per controller"))
    }

    @Test func workersRunConcurrentlyUpToTheLimit() async throws {
        let kube = FakeKube()
        kube.setObjects((0..<6).map { Widget("w\($0)") }, rv: "20")
        let slow = SlowBox()
        let (cache, controller) = makeController(
            name: "pool", client: kube.client, reconciler: slow, options: ControllerOptions(maxConcurrentReconciles: 2))
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }
        #expect(await eventually { slow.done == 6 })
        #expect(slow.peak == 2)
    }

    @Test func waitUntilSyncedReturnsOnceEveryDeclaredInformerListed() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "20")
        let rec = ScriptedReconciler()
        let (cache, controller) = makeController(
            name: "synced", client: kube.client, reconciler: rec, declare: { _ = $0.owns(Widget.self) })
        #expect(!controller.hasSynced)
        let cacheTask = Task { await cache.run() }
        defer { cacheTask.cancel() }
        await controller.waitUntilSynced()
        #expect(controller.hasSynced)
        #expect(controller.store.count == 1)
        #expect(rec.count("w1") == 0, "no worker runs before runWorkers")
    }

    @Test func waitUntilSyncedReturnsWhenCancelled() async {
        let kube = FakeKube()
        let rec = ScriptedReconciler()
        let (_, controller) = makeController(name: "never", client: kube.client, reconciler: rec)
        let waiter = Task { () -> Bool in
            await controller.waitUntilSynced()
            return controller.hasSynced
        }
        waiter.cancel()
        #expect(await waiter.value == false, "the cache never ran")
    }

    @Test func cancellingStopsCachesAndWorkers() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "20")
        let rec = ScriptedReconciler()
        let made = makeController(name: "stop", client: kube.client, reconciler: rec)
        let controller = made.controller
        let task = run(made)
        #expect(await eventually { rec.count("w1") == 1 })
        #expect(controller.hasSynced)
        task.cancel()
        await task.value
        #expect(controller.queue.isShuttingDown)
    }
}

/// Sleeps in each reconcile and records the peak number running at once.
final class SlowBox: Reconciler {
    typealias Object = Widget
    private let state = Mutex((active: 0, peak: 0, done: 0))
    var peak: Int { state.withLock { $0.peak } }
    var done: Int { state.withLock { $0.done } }
    func reconcile(_ r: ReconcileRequest, context: ReconcileContext<Widget>) async throws -> ReconcileResult {
        state.withLock {
            $0.active += 1
            $0.peak = max($0.peak, $0.active)
        }
        try await Task.sleep(for: .milliseconds(200))
        state.withLock {
            $0.active -= 1
            $0.done += 1
        }
        return .done
    }
}


@Suite struct ControllerWatchTests {
    /// Anything can map to keys: here a Gadget names the Widget to reconcile in a label.
    @Test func watchedKindsEnqueueTheMappedKeys() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "10")
        kube.setObjects([Gadget]([]), rv: "20")
        let rec = ScriptedReconciler()
        var gadgets: Store<Gadget>?
        let (cache, controller) = makeController(name: "mapped", client: kube.client, reconciler: rec) {
            gadgets = $0.watches(Gadget.self) { gadget in
                guard let target = gadget.metadata.labels?["widget"] else { return [] }
                return [ObjectKey(namespace: gadget.metadata.namespace, name: target)]
            }
        }
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }
        #expect(await eventually { rec.count("w1") == 1 })
        let watch = try #require(await kube.session(0, path: Gadget.resource.path()))
        #expect(watch.query("labelSelector") == nil)
        var g = Gadget("g1")
        g.metadata.labels = ["widget": "w1"]
        watch.send("ADDED", g)
        #expect(await eventually { rec.count("w1") == 2 })
        // Relabelled to another widget: both the old and the new target are reconciled.
        var moved = g
        moved.metadata.resourceVersion = "2"
        moved.metadata.labels = ["widget": "w2"]
        watch.send("MODIFIED", moved)
        #expect(await eventually { rec.count("w1") == 3 && rec.count("w2") == 1 })
        #expect(gadgets?.get(name: "g1", namespace: "default") == moved)
    }

    /// With `coalescing`, a burst of changes mapping to one key leaves one delayed add of it
    /// and no reconcile until the window ends (a window of an hour: nothing fires during the test).
    @Test func aCoalescedWatchTurnsABurstIntoOneDelayedKey() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "10")
        kube.setObjects([Gadget]([]), rv: "20")
        let rec = ScriptedReconciler()
        var gadgets: Store<Gadget>?
        let (cache, controller) = makeController(name: "coalesced", client: kube.client, reconciler: rec) {
            gadgets = $0.watches(Gadget.self, coalescing: .seconds(3600)) { _ in [ObjectKey(namespace: "default", name: "w1")] }
        }
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }
        let store = try #require(gadgets)
        #expect(await eventually { rec.count("w1") == 1 })
        let watch = try #require(await kube.session(0, path: Gadget.resource.path()))
        for i in 1...5 { watch.send("ADDED", Gadget("g\(i)", rv: "\(20 + i)")) }
        #expect(await eventually { store.count == 5 && controller.queue.pendingDelayedCount == 1 })
        #expect(rec.count("w1") == 1, "no reconcile before the window ends")
        #expect(controller.queue.count == 0)
    }

    @Test func anInformerDeclaredAfterTheCacheStartedStartsAtOnceAndReplaysItsObjects() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1")], rv: "10")
        kube.setObjects([Gadget("g1")], rv: "20")
        let cache = InformerCache(client: kube.client)
        let early = cache.informer(Widget.self)
        let task = Task { await cache.run() }
        defer { task.cancel() }
        #expect(await eventually { early.hasSynced })

        let late = cache.informer(Gadget.self)
        #expect(await eventually { late.hasSynced && late.store.count == 1 }, "started although declared late")
        // A subscriber of a running informer first gets what the store holds.
        let log = EventLog<Widget>()
        early.subscribe(handler: { log.record($0) })
        #expect(log.all == ["added default/w1"])
        let watch = try #require(await kube.session(0, path: Self.widgetsPath))
        watch.send("ADDED", Widget("w2", rv: "11"))
        #expect(await eventually { log.all == ["added default/w1", "added default/w2"] })
    }

    static let widgetsPath = Widget.resource.path()
}
