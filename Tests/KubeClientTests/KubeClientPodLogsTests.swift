import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization
import Testing

/// `KubeClient.podLogs`: the request (path, parameters, plain-text `Accept`), the lines, the
/// idle limit of a followed log, and refusals as `KubeAPIError`.
@Suite struct KubeClientPodLogsTests {
    /// Records the idle limit each stream was opened with, then lets the fake answer.
    final class IdleRecordingTransport: HTTPTransport {
        let inner: FakeAPIServer
        private let idles = Mutex<[Duration?]>([])
        var idleLimits: [Duration?] { idles.withLock { $0 } }
        init(_ inner: FakeAPIServer) { self.inner = inner }
        func send(_ request: HTTPRequest) async throws -> HTTPResponse { try await inner.send(request) }
        func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
            idles.withLock { $0.append(nil) }
            return try await inner.stream(request)
        }
        func stream(_ request: HTTPRequest, idleTimeout: Duration?) async throws -> HTTPLineStream {
            idles.withLock { $0.append(idleTimeout) }
            return try await inner.stream(request)
        }
    }

    static func server() throws -> FakeAPIServer {
        let fake = FakeAPIServer()
        try fake.seed(
            Pod(
                metadata: ObjectMeta(name: "web-a", namespace: "acme"),
                spec: PodSpec(containers: [Container(name: "app", image: "x"), Container(name: "proxy", image: "y")])))
        fake.appendPodLog(namespace: "acme", pod: "web-a", container: "app", ["one", "twö ✓", "", "three"])
        fake.appendPodLog(namespace: "acme", pod: "web-a", container: "proxy", ["proxy line"])
        return fake
    }

    @Test func requestParameters() {
        let all = APIRequests.podLogs(
            namespace: "acme", name: "web-a",
            options: .init(
                container: "app", follow: true, tailLines: 10, sinceSeconds: 60, sinceTime: "2026-12-03T17:00:00Z",
                timestamps: true, previous: true, limitBytes: 4096))
        #expect(all.path == "/api/v1/namespaces/acme/pods/web-a/log")
        #expect(all.method == .get)
        #expect(all.headers["Accept"] == "text/plain, */*")
        #expect(
            all.query == [
                .init("container", "app"), .init("follow", "true"), .init("tailLines", "10"),
                .init("sinceSeconds", "60"), .init("sinceTime", "2026-12-03T17:00:00Z"), .init("timestamps", "true"),
                .init("previous", "true"), .init("limitBytes", "4096"),
            ])
        #expect(APIRequests.podLogs(namespace: "acme", name: "web-a").query.isEmpty)
    }

    @Test func linesOfOneContainerIncludingEmptyAndNonASCIIOnes() async throws {
        let fake = try Self.server()
        let transport = IdleRecordingTransport(fake)
        let client = KubeClient(transport: transport)
        var lines: [String] = []
        for try await line in try await client.podLogs(name: "web-a", namespace: "acme", options: .init(container: "app")) {
            lines.append(line)
        }
        #expect(lines == ["one", "twö ✓", "", "three"])
        // Not following: the transport's own idle limit.
        #expect(transport.idleLimits == [nil])
    }

    @Test func aFollowedLogMayStayQuietLongerThanAWatch() async throws {
        let fake = try Self.server()
        let transport = IdleRecordingTransport(fake)
        let client = KubeClient(transport: transport)
        let lines = try await client.podLogs(
            name: "web-a", namespace: "acme", options: .init(container: "proxy", follow: true, tailLines: 0))
        var iterator = lines.makeAsyncIterator()
        fake.appendPodLog(namespace: "acme", pod: "web-a", container: "proxy", ["new"])
        #expect(try await iterator.next() == "new")
        fake.endPodLog(namespace: "acme", pod: "web-a", container: "proxy")
        #expect(try await iterator.next() == nil)
        #expect(transport.idleLimits == [KubeClient.followedLogIdleLimit])
        #expect(KubeClient.followedLogIdleLimit > TransportOptions().watchIdleTimeout)
    }

    @Test func refusalsAreAPIErrors() async throws {
        let client = KubeClient(transport: try Self.server())
        await #expect(throws: KubeAPIError.self) {
            _ = try await client.podLogs(name: "missing", namespace: "acme")
        }
        do {
            _ = try await client.podLogs(name: "web-a", namespace: "acme")
            Issue.record("a pod with two containers was read without a container name")
        } catch KubeAPIError.badRequest(let message) {
            #expect(message == "a container name must be specified for pod web-a, choose one of: [app proxy]")
        }
        do {
            _ = try await client.podLogs(name: "missing", namespace: "acme")
        } catch KubeAPIError.notFound(let message) {
            #expect(message.contains("missing"))
        }
    }
}
