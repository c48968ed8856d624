import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

@testable import KubeRuntime

/// Keeps every Widget's status at `ready: true`, writing only when it differs (quiet when
/// converged), and records what each reconcile saw.
final class StatusKeeper: Reconciler {
    typealias Object = Widget
    let client: KubeClient

    private struct Record: Sendable {
        var reconciles: [String: Int] = [:]
        var statusWrites: [String: Int] = [:]
        /// The resource version of the object each key's latest reconcile started from.
        var seen: [String: String] = [:]
        var inFlight = 0
    }
    private let record = Locked(Record())

    init(client: KubeClient) { self.client = client }

    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Widget>) async throws -> ReconcileResult {
        let widget = context.store.get(request.key)
        record.withLock { r in
            r.inFlight += 1
            r.reconciles[request.name, default: 0] += 1
            r.seen[request.name] = widget?.metadata.resourceVersion ?? ""
        }
        defer { record.withLock { $0.inFlight -= 1 } }
        guard let widget, widget.status != .init(ready: true) else { return .done }
        var updated = widget
        updated.status = .init(ready: true)
        _ = try await client.replaceStatus(updated)
        record.withLock { $0.statusWrites[request.name, default: 0] += 1 }
        return .done
    }

    func reconciles(_ name: String) -> Int { record.withLock { $0.reconciles[name, default: 0] } }
    func statusWrites(_ name: String) -> Int { record.withLock { $0.statusWrites[name, default: 0] } }
    func seen(_ name: String) -> String? { record.withLock { $0.seen[name] } }
    var inFlight: Int { record.withLock { $0.inFlight } }
}

@Suite struct ControllerStatusDriftTests {
    /// Nothing is left to happen for `name`, the object written last: the cache has the
    /// server's latest version, a reconcile started from it, none is running and none is queued.
    static func settled<R: Reconciler>(
        _ name: String, server: FakeAPIServer, controller: Controller<R>, keeper: StatusKeeper
    ) -> Bool {
        let latest = server.resourceVersion
        return controller.store.get(name: name, namespace: "default")?.metadata.resourceVersion == latest
            && keeper.seen(name) == latest && keeper.inFlight == 0 && controller.queue.count == 0
    }

    @Test func aStatusEditedBySomeoneElseIsRewrittenAndNothingIsWrittenOnceConverged() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        try server.seed(Widget("w1"))
        let keeper = StatusKeeper(client: client)
        let (cache, controller) = makeController(
            name: "keeper", client: client, reconciler: keeper, options: ControllerOptions(resync: nil))
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }

        #expect(await eventually { server.object(Widget.self, name: "w1")?.status?.ready == true })
        // Our own status write comes back as MODIFIED; its reconcile finds the status equal.
        #expect(await eventually { Self.settled("w1", server: server, controller: controller, keeper: keeper) })
        #expect(keeper.statusWrites("w1") == 1)
        #expect(keeper.reconciles("w1") >= 2, "the controller's own status write is reconciled once more")

        // Someone else (or a stale write) changes only the status.
        var edited = try #require(server.object(Widget.self, name: "w1"))
        edited.status = .init(ready: false)
        _ = try await client.replaceStatus(edited)
        #expect(await eventually { server.object(Widget.self, name: "w1")?.status?.ready == true })
        #expect(await eventually { Self.settled("w1", server: server, controller: controller, keeper: keeper) })
        #expect(keeper.statusWrites("w1") == 2)
        let writes = server.writes.count

        // A second object passes through the same watch, queue and worker after every event
        // of w1: were w1 still being rewritten, its writes would show up meanwhile.
        try server.seed(Widget("w2"))
        #expect(await eventually { Self.settled("w2", server: server, controller: controller, keeper: keeper) })
        #expect(server.object(Widget.self, name: "w2")?.status?.ready == true)
        #expect(keeper.statusWrites("w1") == 2, "converged reconciles write nothing")
        #expect(server.writes.count == writes + 1, "only w2's status write")
    }

    @Test func statusOnlyUpdatesOfThePrimaryEnqueueItByDefault() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1", rv: "10")], rv: "20")
        let rec = ScriptedReconciler()
        let (cache, controller) = makeController(
            name: "widgets", client: kube.client, reconciler: rec, options: ControllerOptions(resync: nil))
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }
        #expect(await eventually { rec.count("w1") == 1 })
        let watch = try #require(await kube.session(0, path: Widget.resource.path()))

        var statusOnly = Widget("w1", rv: "30")
        statusOnly.status = .init(ready: false)
        watch.send("MODIFIED", statusOnly)
        #expect(await eventually { rec.count("w1") == 2 }, "a status-only change is reconciled")
    }

    @Test func thePredicates() {
        var old = ObjectMeta(name: "w1", namespace: "default")
        old.resourceVersion = "1"
        old.generation = 1
        var statusOnly = old
        statusOnly.resourceVersion = "2"
        #expect(Predicates.resourceVersionChanged(old: old, new: statusOnly))
        #expect(!Predicates.resourceVersionChanged(old: old, new: old))
        #expect(!Predicates.generationOrMetadataChanged(old: old, new: statusOnly))
        var unversioned = old
        unversioned.resourceVersion = nil
        #expect(Predicates.resourceVersionChanged(old: unversioned, new: unversioned))
    }
}
