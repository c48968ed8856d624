import Foundation
import KubeClient
import KubeCore
import Testing

@testable import KubeRuntime

@Suite struct ReflectorTests {
    static let path = Widget.resource.path()
    static let fast = Backoff(initial: .milliseconds(10), maximum: .milliseconds(50))

    func start(
        _ kube: FakeKube, options: ReflectorOptions = ReflectorOptions(backoff: fast)
    ) -> (Reflector<Widget>, EventLog<Widget>, Task<Void, Never>) {
        let log = EventLog<Widget>()
        let reflector = Reflector<Widget>(client: kube.client, options: options) { log.record($0) }
        let task = Task { await reflector.run() }
        return (reflector, log, task)
    }

    @Test func listsAtZeroThenWatchesFromTheListVersionAndResumesFromTheLastSeen() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10"), Widget("b", rv: "11")], rv: "100")
        let (reflector, log, task) = start(kube)
        defer { task.cancel() }

        let first = try #require(await kube.session(0, path: Self.path))
        #expect(reflector.hasSynced)
        #expect(reflector.store.count == 2)
        let lists = kube.listRequests(path: Self.path)
        #expect(lists.count == 1)
        #expect(lists.first?.query("resourceVersion") == "0")
        #expect(first.query("resourceVersion") == "100")
        #expect(first.query("allowWatchBookmarks") == "true")
        let timeout = try #require(first.query("timeoutSeconds").flatMap { Int($0) })
        #expect((300...600).contains(timeout))

        first.send("ADDED", Widget("c", rv: "101"))
        first.send("MODIFIED", Widget("a", rv: "102"))
        first.send("DELETED", Widget("b", rv: "103"))
        first.bookmark("150")
        #expect(await eventually { reflector.lastResourceVersion() == "150" })
        first.close()

        let second = try #require(await kube.session(1, path: Self.path))
        #expect(second.query("resourceVersion") == "150")
        #expect(kube.listRequests(path: Self.path).count == 1, "a normal close resumes without relisting")
        #expect(reflector.store.keys.map(\.name) == ["a", "c"])
        #expect(
            log.all == [
                "added default/a", "added default/b", "added default/c", "updated default/a 10->102",
                "deleted default/b",
            ])
    }

    @Test func waitUntilSyncedReturnsOnceTheFirstListIsStored() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10"), Widget("b", rv: "11")], rv: "100")
        let reflector = Reflector<Widget>(client: kube.client, options: ReflectorOptions(backoff: Self.fast))
        #expect(!reflector.hasSynced)
        let waiter = Task { () -> (Bool, Int) in
            await reflector.waitUntilSynced()
            return (reflector.hasSynced, reflector.store.count)
        }
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        let (synced, count) = await waiter.value
        #expect(synced)
        #expect(count == 2)
        await reflector.waitUntilSynced()  // returns at once once synced
    }

    @Test func waitUntilSyncedReturnsWhenCancelledBeforeAnySync() async {
        let kube = FakeKube()
        let reflector = Reflector<Widget>(client: kube.client, options: ReflectorOptions(backoff: Self.fast))
        let waiter = Task { () -> Bool in
            await reflector.waitUntilSynced()
            return reflector.hasSynced
        }
        waiter.cancel()
        #expect(await waiter.value == false)
    }

    @Test func goneAsFirstWatchEventRelistsConsistentlyAndReportsVanishedObjects() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10"), Widget("b", rv: "11"), Widget("c", rv: "12")], rv: "100")
        let (reflector, log, task) = start(kube)
        defer { task.cancel() }

        let first = try #require(await kube.session(0, path: Self.path))
        kube.setObjects([Widget("a", rv: "10"), Widget("c", rv: "205"), Widget("d", rv: "206")], rv: "300")
        first.error(code: 410, reason: "Expired")
        first.close()

        let second = try #require(await kube.session(1, path: Self.path))
        #expect(second.query("resourceVersion") == "300")
        let lists = kube.listRequests(path: Self.path)
        #expect(lists.count == 2)
        #expect(lists.last?.query("resourceVersion") == nil, "the relist after 410 is a consistent read")
        #expect(reflector.store.keys.map(\.name) == ["a", "c", "d"])
        let afterRelist = Array(log.all.dropFirst(3))
        #expect(afterRelist.contains("deleted default/b"))
        #expect(afterRelist.contains("updated default/c 12->205"))
        #expect(afterRelist.contains("added default/d"))
        #expect(!afterRelist.contains { $0.contains("default/a") }, "unchanged objects are not reported")
    }

    @Test func goneAsTheWatchResponseStatusRelists() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10")], rv: "100")
        kube.failWatches(Widget.self, statuses: [410])
        let (reflector, _, task) = start(kube)
        defer { task.cancel() }

        let session = try #require(await kube.session(0, path: Self.path))
        let lists = kube.listRequests(path: Self.path)
        #expect(lists.map { $0.query("resourceVersion") } == ["0", nil])
        #expect(session.query("resourceVersion") == "100")
        #expect(reflector.hasSynced)
    }

    @Test func recreatedObjectAcrossRelistIsDeletedThenAdded() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10", uid: "u1")], rv: "100")
        let (_, log, task) = start(kube)
        defer { task.cancel() }
        let first = try #require(await kube.session(0, path: Self.path))
        kube.setObjects([Widget("a", rv: "20", uid: "u2")], rv: "200")
        first.error(code: 410, reason: "Gone")
        _ = try #require(await kube.session(1, path: Self.path))
        #expect(log.all == ["added default/a", "deleted default/a", "added default/a"])
    }

    @Test func failedListsAreRetriedWithBackoffUntilSynced() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a")], rv: "7")
        kube.failLists(Widget.self, statuses: [500, 503])
        let (reflector, _, task) = start(kube)
        defer { task.cancel() }
        _ = try #require(await kube.session(0, path: Self.path))
        #expect(reflector.hasSynced)
        #expect(kube.listRequests(path: Self.path).count == 3)
    }

    @Test func otherWatchErrorsRewatchFromTheLastVersionWithoutRelisting() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a")], rv: "7")
        kube.failWatches(Widget.self, statuses: [500])
        let (_, _, task) = start(kube)
        defer { task.cancel() }
        let session = try #require(await kube.session(0, path: Self.path))
        #expect(session.query("resourceVersion") == "7")
        #expect(kube.listRequests(path: Self.path).count == 1)
    }

    @Test func selectorsAndNamespacesScopeTheRequests() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", namespace: "n1")], rv: "5", namespace: "n1")
        kube.setObjects([Widget("b", namespace: "n2")], rv: "6", namespace: "n2")
        let options = ReflectorOptions(
            labelSelector: "app=x", fieldSelector: "metadata.name!=z", namespaces: ["n1", "n2"], backoff: Self.fast)
        let (reflector, _, task) = start(kube, options: options)
        defer { task.cancel() }
        let p1 = Widget.resource.path(namespace: "n1")
        let p2 = Widget.resource.path(namespace: "n2")
        let s1 = try #require(await kube.session(0, path: p1))
        let s2 = try #require(await kube.session(0, path: p2))
        #expect(s1.query("resourceVersion") == "5")
        #expect(s2.query("resourceVersion") == "6")
        for req in kube.transport.requests {
            #expect(req.query("labelSelector") == "app=x")
            #expect(req.query("fieldSelector") == "metadata.name!=z")
        }
        #expect(reflector.hasSynced)
        #expect(reflector.store.keys.map(\.description) == ["n1/a", "n2/b"])
        // A relist of one namespace leaves the other's objects alone.
        kube.setObjects([Widget]([]), rv: "9", namespace: "n1")
        s1.error(code: 410, reason: "Expired")
        _ = try #require(await kube.session(1, path: p1))
        #expect(reflector.store.keys.map(\.description) == ["n2/b"])
    }

    @Test func notSyncedUntilEveryNamespaceListed() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget]([]), rv: "5", namespace: "n1")
        kube.failLists(Widget.self, statuses: Array(repeating: 500, count: 1000), namespace: "n2")
        let options = ReflectorOptions(namespaces: ["n1", "n2"], backoff: Self.fast)
        let (reflector, _, task) = start(kube, options: options)
        defer { task.cancel() }
        _ = try #require(await kube.session(0, path: Widget.resource.path(namespace: "n1")))
        #expect(!reflector.hasSynced)
    }

    @Test func cancellationStopsPromptly() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a")], rv: "7")
        let (_, _, task) = start(kube)
        _ = try #require(await kube.session(0, path: Self.path))
        task.cancel()
        // The event itself: the reflector's task ends (the hang guard is `eventually`'s).
        let stopped = Locked(false)
        Task {
            await task.value
            stopped.withLock { $0 = true }
        }
        #expect(await eventually { stopped.value })
    }
}
