import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

@testable import KubeRuntime

@Suite struct FakeAPIServerTests {
    @Test func crudWithGenerationsStatusAndConflicts() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        var w = Widget("a")
        w.metadata.resourceVersion = nil
        w.metadata.uid = nil
        let created = try await client.create(w)
        #expect(created.metadata.generation == 1)
        #expect(created.metadata.uid != nil)
        await #expect(throws: KubeAPIError.self) { _ = try await client.create(w) }

        // A status write leaves the generation alone; a spec change bumps it.
        var withStatus = created
        withStatus.status = .init(ready: true)
        let s1 = try await client.replaceStatus(withStatus)
        #expect(s1.metadata.generation == 1)
        #expect(s1.status?.ready == true)
        var bigger = s1
        bigger.spec = .init(size: 5)
        bigger.status = nil
        let s2 = try await client.replace(bigger)
        #expect(s2.metadata.generation == 2)
        #expect(s2.status?.ready == true, "a write to the object keeps the stored status")

        // A stale resourceVersion is a conflict.
        do {
            _ = try await client.replace(bigger)
            Issue.record("expected a conflict")
        } catch KubeAPIError.conflict {}

        let patched = try await client.mergePatch(
            Widget.self, name: "a", namespace: "default", patch: ["metadata": ["labels": ["x": "y"]]])
        #expect(patched.metadata.labels == ["x": "y"])
        #expect(patched.metadata.generation == 2)
        let jp = try await client.jsonPatch(
            Widget.self, name: "a", namespace: "default", operations: [.test("/spec/size", 5), .replace("/spec/size", 6)])
        #expect(jp.spec?.size == 6)
        do {
            _ = try await client.jsonPatch(
                Widget.self, name: "a", namespace: "default", operations: [.test("/spec/size", 1)])
            Issue.record("expected a failed test")
        } catch KubeAPIError.invalid {}
    }

    @Test func finalizersDelayDeletion() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        var w = Widget("a")
        w.metadata.resourceVersion = nil
        w.metadata.finalizers = ["example.com/cleanup"]
        _ = try await client.create(w)
        try await client.delete(Widget.self, name: "a", namespace: "default")
        let lingering = try #require(server.object(Widget.self, name: "a"))
        #expect(lingering.metadata.deletionTimestamp != nil)
        _ = try await client.jsonPatch(
            Widget.self, name: "a", namespace: "default", operations: [.remove("/metadata/finalizers")])
        #expect(server.object(Widget.self, name: "a") == nil)
    }

    @Test func listPagingAndSelectors() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        for i in 0..<5 {
            var w = Widget("w\(i)")
            w.metadata.labels = ["even": i % 2 == 0 ? "yes" : "no"]
            try server.seed(w)
        }
        let all = try await client.listAll(Widget.self, pageSize: 2)
        #expect(all.items.count == 5)
        #expect(server.requests.filter { $0.query("continue") != nil }.count == 2)
        let even = try await client.list(Widget.self, options: ListOptions(labelSelector: "even=yes"))
        #expect(even.items.map(\.metadata.name) == ["w0", "w2", "w4"])
        let named = try await client.list(Widget.self, options: ListOptions(fieldSelector: "metadata.name=w3"))
        #expect(named.items.map(\.metadata.name) == ["w3"])
    }

    /// The reflector against the fake server: writes come back as events; compaction makes
    /// the next resume answer 410, and the relist catches up with what happened meanwhile.
    @Test func reflectorFollowsWritesAndRecoversFromCompaction() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        try server.seed(Widget("a"))
        try server.seed(Widget("b"))
        let log = EventLog<Widget>()
        let reflector = Reflector<Widget>(
            client: client, options: ReflectorOptions(backoff: Backoff(initial: .milliseconds(10)))
        ) { log.record($0) }
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await eventually { reflector.hasSynced && server.openWatchCount == 1 })

        var c = Widget("c")
        c.metadata.resourceVersion = nil
        _ = try await client.create(c)
        try await client.delete(Widget.self, name: "a", namespace: "default")
        #expect(await eventually { reflector.store.keys.map(\.name) == ["b", "c"] })
        server.sendBookmarks()
        #expect(await eventually { reflector.lastResourceVersion() == server.resourceVersion })

        // Close the watch, change things while nobody watches, and forget the history.
        server.holdWatches()
        server.closeAllWatches()
        try await client.delete(Widget.self, name: "b", namespace: "default")
        server.compact()
        server.releaseWatches()
        #expect(await eventually { reflector.store.keys.map(\.name) == ["c"] })
        #expect(log.all.contains("deleted default/b"))
        let lists = server.requests.filter { $0.query("watch") == nil && $0.method == .get }
        #expect(lists.map { $0.query("resourceVersion") } == ["0", nil])
    }
}
