import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import Synchronization
import Testing

@testable import QuartermasterControllers

/// One object cannot hold up the others: the `ipfscluster` controller as the operator builds
/// it (default settings: ``ControllerSettings/defaultMaxConcurrentReconciles`` workers) over a
/// `FakeAPIServer` whose answers to one cluster's writes are held (a request that does not
/// return) or refused (403 every time). The other cluster is reconciled to its StatefulSet all
/// the same; the refused one is `Stalled`, reason `Forbidden`, with the server's message, and
/// is retried from the queue with backoff, not inside its reconcile.
@Suite struct IPFSClusterWorkBoundTests {
    /// `FakeAPIServer`, except that server-side applies of a ConfigMap whose path contains
    /// `heldPath` wait until ``release()``, and those containing `refusedPath` are answered 403.
    final class Gate: HTTPTransport {
        let fake = FakeAPIServer()
        let heldPath: String
        let refusedPath: String
        private let state = Mutex<(waiting: [CheckedContinuation<Void, Never>], released: Bool, held: Int, refused: Int)>(
            ([], false, 0, 0))

        init(heldPath: String, refusedPath: String) {
            self.heldPath = heldPath
            self.refusedPath = refusedPath
        }

        static let refusal =
            "configmaps \"refused-config\" is forbidden: User \"quartermaster\" cannot patch resource \"configmaps\" "
            + "in API group \"\" in the namespace \"ipfs\""

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            if request.method == .patch, request.path.contains(refusedPath) {
                state.withLock { $0.refused += 1 }
                let status = APIStatus(message: Self.refusal, reason: "Forbidden", code: 403)
                return HTTPResponse(status: 403, body: try KubeJSON.encode(status))
            }
            if request.method == .patch, request.path.contains(heldPath) {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        s.held += 1
                        if s.released { return true }
                        s.waiting.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            return try await fake.send(request)
        }

        func stream(_ request: HTTPRequest) async throws -> HTTPLineStream { try await fake.stream(request) }

        /// How many requests were held so far, and refused.
        var held: Int { state.withLock { $0.held } }
        var refused: Int { state.withLock { $0.refused } }

        /// Lets every held request (and every later one) through.
        func release() {
            let waiting = state.withLock { s in
                s.released = true
                defer { s.waiting.removeAll() }
                return s.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    @Test func aHeldOrRefusedClusterDoesNotBlockAnother() async throws {
        let gate = Gate(heldPath: "/configmaps/held-config", refusedPath: "/configmaps/refused-config")
        let client = KubeClient(transport: gate)
        let registry = PrometheusCollectorRegistry()
        let events = EventRecorder(client: client, component: "quartermaster-test", instance: "test")
        let settings = ControllerSettings(
            namespaces: ["ipfs"], registry: registry, events: events, logger: Logger(label: "test"))
        #expect(settings.maxConcurrentReconciles > 1)
        let cache = InformerCache(client: client)
        let controller = IPFSClusterController.make(cache: cache, settings: settings)
        try gate.fake.seed(IPFSCluster(metadata: ObjectMeta(name: "held", namespace: "ipfs")))
        try gate.fake.seed(IPFSCluster(metadata: ObjectMeta(name: "refused", namespace: "ipfs")))

        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await controller.runWorkers() }
            }
        }
        defer {
            gate.release()
            task.cancel()
        }
        #expect(await eventually { gate.held == 1 }, "the held cluster's reconcile is waiting on its ConfigMap")

        // Created while one worker waits and another keeps failing: reconciled all the same.
        try gate.fake.seed(IPFSCluster(metadata: ObjectMeta(name: "healthy", namespace: "ipfs")))
        #expect(await eventually { gate.fake.object(StatefulSet.self, name: "healthy", namespace: "ipfs") != nil })
        #expect(gate.fake.object(StatefulSet.self, name: "held", namespace: "ipfs") == nil)

        // The refused one reports the refusal in full and goes back to the queue with backoff.
        #expect(
            await eventually {
                let stalled = gate.fake.object(IPFSCluster.self, name: "refused", namespace: "ipfs")?.status?.conditions?
                    .first { $0.type == "Stalled" && $0.status == .true }
                return stalled?.reason == "Forbidden"
                    && stalled?.message
                        == "the API server refused to apply ConfigMap ipfs/refused-config (403): \(Gate.refusal)"
            })
        #expect(await eventually { gate.refused >= 3 }, "retried from the queue")
        #expect(gate.fake.object(StatefulSet.self, name: "refused", namespace: "ipfs") == nil, "nothing after the refusal")
        let refusedKey = ObjectKey(namespace: "ipfs", name: "refused")
        #expect(controller.queue.retries(refusedKey) >= 1, "with the key's backoff")
        #expect(gate.held == 1, "the held request is still the only one of its cluster: a key is never reconciled twice at once")

        // Released: the held cluster completes too.
        gate.release()
        #expect(await eventually { gate.fake.object(StatefulSet.self, name: "held", namespace: "ipfs") != nil })
    }
}
