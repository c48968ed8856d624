import Foundation
import KubeClient
import KubeCore
import Synchronization
import Testing

@testable import KubeRuntime

/// One object that does not decode never stops the others; a kind that is not served is not
/// listed.
@Suite struct ReflectorQuarantineTests {
    static let path = Widget.resource.path()

    @Test("a kind the server does not serve is never listed and counts as synced")
    func notServedKindIsNotListed() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10")], rv: "100")
        let asked = Mutex(0)
        let reflector = Reflector<Widget>(
            client: kube.client, servedCheck: {
                asked.withLock { $0 += 1 }
                return false
            })
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await eventually { reflector.hasSynced })
        #expect(asked.withLock { $0 } == 1)
        #expect(kube.listRequests(path: Self.path).isEmpty)
        #expect(reflector.store.count == 0)
    }

    @Test("a served kind is listed once the check says so")
    func servedKindIsListed() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("a", rv: "10")], rv: "100")
        let reflector = Reflector<Widget>(client: kube.client, servedCheck: { true })
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await eventually { reflector.store.count == 1 })
    }
}
