import Foundation
import KubeCore
import Testing

@testable import KubeRuntime

@Suite struct StoreTests {
    @Test func upsertGetListAndCount() {
        let store = Store<Widget>()
        #expect(store.upsert(Widget("a")) == nil)
        store.upsert(Widget("b", namespace: "other"))
        let old = store.upsert(Widget("a", rv: "2"))
        #expect(old?.metadata.resourceVersion == "1")
        #expect(store.count == 2)
        #expect(store.get(ObjectKey(namespace: "default", name: "a"))?.metadata.resourceVersion == "2")
        #expect(store.get(name: "b", namespace: "other") != nil)
        #expect(store.get(name: "b", namespace: "default") == nil)
        #expect(store.list(namespace: "default").map(\.metadata.name) == ["a"])
        #expect(store.list().map(\.metadata.name) == ["a", "b"])
        #expect(store.remove(ObjectKey(namespace: "default", name: "a")) != nil)
        #expect(store.list(namespace: "default").isEmpty)
        #expect(store.count == 1)
    }

    @Test func ownerIndexFollowsChanges() {
        let store = Store<Gadget>()
        let w1 = Widget("w1")
        let w2 = Widget("w2")
        store.upsert(Gadget("g1", owner: w1))
        store.upsert(Gadget("g2", owner: w1))
        store.upsert(Gadget("g3", owner: w2))
        store.upsert(Gadget("g4"))
        #expect(store.owned(byUID: "uid-default-w1").map(\.metadata.name) == ["g1", "g2"])
        // Re-owning g2 moves it in the index.
        store.upsert(Gadget("g2", rv: "2", owner: w2))
        #expect(store.owned(byUID: "uid-default-w1").map(\.metadata.name) == ["g1"])
        #expect(store.owned(byUID: "uid-default-w2").map(\.metadata.name) == ["g2", "g3"])
        store.apply(.deleted(Gadget("g3")))
        #expect(store.owned(byUID: "uid-default-w2").map(\.metadata.name) == ["g2"])
        #expect(store.owned(byUID: "nobody").isEmpty)
    }

    @Test func replaceAllSwapsEverythingAndReturnsThePreviousContent() {
        let store = Store<Widget>()
        store.upsert(Widget("a"))
        store.upsert(Widget("b", namespace: "x"))
        let previous = store.replaceAll([Widget("c"), Widget("a", rv: "5")])
        #expect(Set(previous.keys.map(\.description)) == ["default/a", "x/b"])
        #expect(store.keys.map(\.description) == ["default/a", "default/c"])
        #expect(store.list(namespace: "x").isEmpty)
        #expect(store.get(name: "a", namespace: "default")?.metadata.resourceVersion == "5")
    }

    @Test func replaceOneNamespaceKeepsTheOthers() {
        let store = Store<Widget>()
        store.upsert(Widget("a", namespace: "n1"))
        store.upsert(Widget("b", namespace: "n2"))
        let previous = store.replaceAll([Widget("c", namespace: "n1")], namespace: "n1")
        #expect(previous.keys.map(\.description) == ["n1/a"])
        #expect(store.keys.map(\.description) == ["n1/c", "n2/b"])
    }

    @Test func concurrentReadersSeeWholeContents() async {
        let store = Store<Widget>()
        let setA = (0..<200).map { Widget("a\($0)") }
        let setB = (0..<100).map { Widget("b\($0)") }
        store.replaceAll(setA)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for i in 0..<200 { store.replaceAll(i % 2 == 0 ? setB : setA) }
                return true
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let n = store.list().count
                        if n != 100 && n != 200 { return false }
                    }
                    return true
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
