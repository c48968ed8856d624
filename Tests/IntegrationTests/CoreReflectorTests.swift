import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

/// `Reflector` against the real API server: resuming watches without relisting, relisting after
/// 410 Gone, and surviving an API server restart.
@Suite("Core: reflector against a real API server")
struct CoreReflectorTests {
    @Test(
        "watches that the server closes resume from the last resource version, without relisting or missing events",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func watchResumes() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("core-watch")
        let (client, counting) = try CoreTest.countingClient(env)
        _ = try await client.create(CoreTest.configMap("before", namespace: namespace, value: "0"))

        let trail = EventTrail()
        let reflector = Reflector<ConfigMap>(
            client: client, options: ReflectorOptions(namespaces: [namespace], watchTimeoutSeconds: 1...2)
        ) { event in
            switch event {
            case .added(let o): trail.record("added \(o.metadata.name ?? "")")
            case .updated(_, let o): trail.record("updated \(o.metadata.name ?? "") \(o.data?["v"] ?? "")")
            case .deleted(let o): trail.record("deleted \(o.metadata.name ?? "")")
            }
        }
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await CoreTest.eventually { reflector.hasSynced })
        #expect(reflector.store.get(name: "before", namespace: namespace)?.data == ["v": "0"])

        // Create, update and delete while watches keep closing every 1-2 s: writes land in
        // open watches and in the gaps between them.
        let started = ContinuousClock.now
        for i in 0..<12 {
            _ = try await client.create(CoreTest.configMap("cm-\(i)", namespace: namespace, value: "0"))
            try await Task.sleep(for: .milliseconds(350))
        }
        _ = try await client.mergePatch(
            ConfigMap.self, name: "cm-3", namespace: namespace, patch: ["data": ["v": "1"]])
        try await client.delete(ConfigMap.self, name: "cm-5", namespace: namespace)
        try await client.delete(ConfigMap.self, name: "before", namespace: namespace)

        let expected = Set((0..<12).filter { $0 != 5 }.map { "cm-\($0)" })
        let path = "/api/v1/namespaces/\(namespace)/configmaps"
        #expect(
            await CoreTest.eventually {
                Set(reflector.store.list(namespace: namespace).compactMap(\.metadata.name)).subtracting(["kube-root-ca.crt"])
                    == expected
            })
        #expect(reflector.store.get(name: "cm-3", namespace: namespace)?.data == ["v": "1"])
        // Let at least one more watch close and resume after the last write.
        let watchesNow = counting.requests(to: path).filter(\.isWatch).count
        #expect(await CoreTest.eventually { counting.requests(to: path).filter(\.isWatch).count > watchesNow + 1 })
        task.cancel()
        await task.value

        let requests = counting.requests(to: path)
        let lists = requests.filter(\.isList)
        let watches = requests.filter(\.isWatch)
        print(
            "CoreReflectorTests.watchResumes: \(lists.count) list(s), \(watches.count) watches in "
                + "\(ContinuousClock.now - started); resource versions \(watches.compactMap { $0.value("resourceVersion") })")
        #expect(lists.count == 1, "no relist expected: \(lists)")
        #expect(watches.count >= 4)
        // Every watch resumes from a real version (never 0 or empty), and versions never go back.
        let versions = watches.compactMap { $0.value("resourceVersion") }.compactMap { Int($0) }
        #expect(versions.count == watches.count)
        #expect(versions == versions.sorted())
        #expect(!versions.contains(0))
        #expect(watches.allSatisfy { ($0.value("timeoutSeconds").flatMap(Int.init) ?? 0) <= 2 })

        let events = trail.all
        for name in expected.union(["cm-5"]) {
            #expect(events.filter { $0 == "added \(name)" }.count == 1, "\(name): \(events)")
        }
        #expect(events.contains("updated cm-3 1"))
        #expect(events.contains("deleted cm-5"))
        #expect(events.contains("deleted before"))
        try await env.kubectlChecked(["delete", "namespace", namespace, "--wait=false"])
    }

    @Test(
        "a watch resuming from a compacted version gets 410 and relists consistently; an expired continue token restarts the list",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func relistAfterGone() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        do {
            try await relistAfterGone(env)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    private func relistAfterGone(_ env: EnvTest) async throws {
        let namespace = try await env.createNamespace("core-gone")
        let (client, counting) = try CoreTest.countingClient(env)
        for name in ["keep", "change", "remove"] {
            _ = try await client.create(PodTemplate(name: name, namespace: namespace))
        }
        let trail = EventTrail()
        let reflector = Reflector<PodTemplate>(
            client: client, options: ReflectorOptions(namespaces: [namespace], watchTimeoutSeconds: 1...2)
        ) { event in
            switch event {
            case .added(let o): trail.record("added \(o.metadata.name ?? "")")
            case .updated(_, let o): trail.record("updated \(o.metadata.name ?? "")")
            case .deleted(let o): trail.record("deleted \(o.metadata.name ?? "")")
            }
        }
        let task = Task { await reflector.run() }
        defer {
            counting.releaseStreams()
            task.cancel()
        }
        // The reflector reports synced just before it records the list's version: wait for both.
        #expect(await CoreTest.eventually { reflector.hasSynced && reflector.lastResourceVersion(namespace: namespace) != nil })
        #expect(reflector.store.count == 3)
        let path = "/api/v1/namespaces/\(namespace)/podtemplates"
        let heldAt = try #require(reflector.lastResourceVersion(namespace: namespace))

        // Hold the reflector between two watches (the server closes each within 2 s) and change
        // the world behind its back, then compact etcd past the version it will resume from.
        counting.holdStreams()
        #expect(await CoreTest.eventually { counting.heldStreams == 1 })
        #expect(reflector.lastResourceVersion(namespace: namespace) == heldAt)
        _ = try await client.create(PodTemplate(name: "new", namespace: namespace))
        var change = try await client.get(PodTemplate.self, name: "change", namespace: namespace)
        change.template = PodTemplate(name: "x", namespace: namespace, image: "example.invalid/app:2").template
        _ = try await client.replace(change)
        try await client.delete(PodTemplate.self, name: "remove", namespace: namespace)
        // Unrelated writes, so the compacted revision is well past the held version + 1.
        for i in 0..<3 { _ = try await client.create(CoreTest.configMap("bump-\(i)", namespace: namespace, value: "")) }
        let compactedTo = try await env.compactEtcd()
        let listsBefore = counting.requests(to: path).filter(\.isList).count
        counting.releaseStreams()

        #expect(
            await CoreTest.eventually {
                reflector.store.list(namespace: namespace).compactMap(\.metadata.name) == ["change", "keep", "new"]
            })
        let changed = reflector.store.get(name: "change", namespace: namespace)
        #expect("\(changed?.template ?? .null)".contains("example.invalid/app:2"))
        let requests = counting.requests(to: path)
        let lists = requests.filter(\.isList)
        print(
            "CoreReflectorTests.relistAfterGone: held at \(heldAt), compacted to \(compactedTo), "
                + "\(lists.count) lists: \(lists)")
        #expect(lists.count == listsBefore + 1, "exactly one relist: \(lists)")
        // The first list may come from the watch cache (resourceVersion=0); the relist must be
        // a consistent read: no resourceVersion at all.
        #expect(lists.first?.value("resourceVersion") == "0")
        #expect(lists.last?.value("resourceVersion") == nil)
        // The held watch asked for the old version and got 410 for it.
        let resumed = requests.filter(\.isWatch).first { $0.value("resourceVersion") == heldAt }
        #expect(resumed != nil)
        let events = trail.all
        #expect(events.contains("added new"))
        #expect(events.contains("updated change"))
        #expect(events.contains("deleted remove"))
        #expect(!events.contains("deleted keep"))

        // An expired continue token (compaction between two pages) restarts the list once,
        // unpaged, as client-go's pager does.
        task.cancel()
        await task.value
        for i in 0..<5 { _ = try await client.create(CoreTest.configMap("page-\(i)", namespace: namespace, value: "")) }
        let compacted = Tally()
        counting.beforeSend { request in
            guard request.query.contains(where: { $0.name == "continue" }), compacted.value == 0 else { return }
            compacted.increment()
            // A write first, so the compaction passes the token's revision.
            _ = try? await env.kubectlChecked(["-n", namespace, "create", "secret", "generic", "bump"])
            _ = try? await env.compactEtcd()
        }
        counting.reset()
        let (items, listVersion) = try await client.listAll(ConfigMap.self, namespace: namespace, pageSize: 2)
        counting.beforeSend(nil)
        let configMaps = counting.requests(to: "/api/v1/namespaces/\(namespace)/configmaps").filter(\.isList)
        print("CoreReflectorTests.expiredContinue: \(configMaps.map { ($0.description, $0.status ?? 0) })")
        #expect(compacted.value == 1)
        #expect(Set(items.compactMap(\.metadata.name)).isSuperset(of: (0..<5).map { "page-\($0)" } + (0..<3).map { "bump-\($0)" }))
        #expect(!listVersion.isEmpty)
        #expect(configMaps.count == 3, "first page, expired continue, full list: \(configMaps)")
        #expect(configMaps.dropFirst().first?.status == 410)
        #expect(configMaps.last.map { $0.value("limit") == nil && $0.value("continue") == nil } == true)
    }

    @Test(
        "a synced reflector keeps working across an API server restart",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func survivesRestart() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        do {
            try await survivesRestart(env)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    private func survivesRestart(_ env: EnvTest) async throws {
        let namespace = try await env.createNamespace("core-restart")
        let (client, counting) = try CoreTest.countingClient(env)
        _ = try await client.create(CoreTest.configMap("before", namespace: namespace, value: "0"))
        let reflector = Reflector<ConfigMap>(client: client, options: ReflectorOptions(namespaces: [namespace]))
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await CoreTest.eventually { reflector.hasSynced })
        #expect(reflector.store.get(name: "before", namespace: namespace) != nil)

        let restartBegan = ContinuousClock.now
        try await env.restartAPIServer(downFor: .seconds(2))
        let restarted = ContinuousClock.now
        _ = try await client.create(CoreTest.configMap("after", namespace: namespace, value: "1"))
        #expect(
            await CoreTest.eventually(timeout: .seconds(90)) {
                reflector.store.get(name: "after", namespace: namespace)?.data == ["v": "1"]
            })
        let caughtUp = ContinuousClock.now
        #expect(reflector.store.get(name: "before", namespace: namespace) != nil)
        let requests = counting.requests(to: "/api/v1/namespaces/\(namespace)/configmaps")
        print(
            "CoreReflectorTests.survivesRestart: restart took \(restarted - restartBegan); the object created "
                + "after it reached the store \(caughtUp - restarted) later; "
                + "\(requests.filter(\.isList).count) lists, watches (resourceVersion, status): "
                + "\(requests.filter(\.isWatch).map { ($0.value("resourceVersion") ?? "-", $0.status ?? 0) })")
    }
}
