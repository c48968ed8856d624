import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization

/// Wraps a real transport and records every request it forwards (with its path, query and
/// status; the benchmark's `CountingTransport` only counts), so tests can count what a
/// component really sends (lists vs watches, writes) without mocking the server.
final class RecordingTransport: HTTPTransport {
    /// One forwarded request.
    struct Record: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var query: [QueryItem]
        var streaming: Bool
        /// The answer's status; `nil` while pending or when the transport failed.
        var status: Int?
        fileprivate var id = 0

        var isWatch: Bool { query.contains { $0.name == "watch" && ($0.value == "1" || $0.value == "true") } }
        /// A GET of a collection that is not a watch.
        var isList: Bool { method == .get && !isWatch && !streaming }
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        var description: String {
            "\(method.rawValue) \(path)?\(query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))"
        }
    }

    let inner: any HTTPTransport
    private let records = Mutex<[Record]>([])
    private let gate = Mutex<Gate>(Gate())

    private struct Gate {
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(_ inner: any HTTPTransport) { self.inner = inner }

    var all: [Record] { records.withLock { $0 } }

    /// Records about `path` (exact match on the collection path).
    func requests(to path: String) -> [Record] { all.filter { $0.path == path } }

    func reset() { records.withLock { $0.removeAll() } }

    private let beforeSendHook = Mutex<(@Sendable (HTTPRequest) async -> Void)?>(nil)

    /// Runs `hook` before each later `send` is forwarded (`nil` removes it): lets a test change
    /// the server's state at an exact point of a multi-request operation.
    func beforeSend(_ hook: (@Sendable (HTTPRequest) async -> Void)?) { beforeSendHook.withLock { $0 = hook } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if let hook = beforeSendHook.withLock({ $0 }) { await hook(request) }
        let index = append(request, streaming: false)
        let response = try await inner.send(request)
        setStatus(response.status, id: index)
        return response
    }

    private let nextID = Mutex(0)

    private func append(_ request: HTTPRequest, streaming: Bool) -> Int {
        let id = nextID.withLock { n in
            n += 1
            return n
        }
        var record = Record(method: request.method, path: request.path, query: request.query, streaming: streaming)
        record.id = id
        records.withLock { $0.append(record) }
        return id
    }

    private func setStatus(_ status: Int, id: Int) {
        records.withLock { all in
            if let i = all.lastIndex(where: { $0.id == id }) { all[i].status = status }
        }
    }

    /// Makes later `stream` calls (watches) wait until `releaseStreams()`: the test holds a
    /// reflector between two watches while it changes the world behind its back.
    func holdStreams() { gate.withLock { $0.closed = true } }

    /// Lets held and later `stream` calls through.
    func releaseStreams() {
        let waiters = gate.withLock { g in
            g.closed = false
            defer { g.waiters = [] }
            return g.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many `stream` calls wait at the gate.
    var heldStreams: Int { gate.withLock { $0.waiters.count } }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let passes = gate.withLock { g in
                if g.closed { g.waiters.append(continuation) }
                return !g.closed
            }
            if passes { continuation.resume() }
        }
        let index = append(request, streaming: true)
        let stream = try await inner.stream(request)
        setStatus(stream.status, id: index)
        return stream
    }
}

/// `core/v1 PodTemplate`, kept as raw JSON past the metadata: the one kind whose watch cache
/// the envtest API server turns off, so compaction shows as 410 Gone on its watches.
struct PodTemplate: KubeResource, Hashable {
    static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "PodTemplate", plural: "podtemplates", namespaced: true)

    var apiVersion = "v1"
    var kind = "PodTemplate"
    var metadata: ObjectMeta
    var template: JSONValue?

    init(name: String, namespace: String, image: String = "example.invalid/app:1") {
        metadata = ObjectMeta(name: name, namespace: namespace)
        template = .object([
            "spec": .object(["containers": .array([.object(["name": "app", "image": .string(image)])])])
        ])
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, template }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? "PodTemplate"
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        template = try c.decodeIfPresent(JSONValue.self, forKey: .template)
    }
}

enum CoreTest {
    /// A client for `user` over a fresh `CurlTransport`, counting its requests; it acts as
    /// `identity` (its user agent and field manager).
    static func countingClient(
        _ env: EnvTest, user: EnvTestUser = .admin, identity: OperatorIdentity = .testOperator
    ) throws -> (KubeClient, RecordingTransport) {
        let configuration = env.clientConfiguration(user: user)
        let curl = try CurlTransport(
            server: configuration.server, tls: configuration.tls, options: TransportOptions(userAgent: identity.userAgent))
        let counting = RecordingTransport(curl)
        let client = KubeClient(
            transport: counting, credentials: configuration.credentials, defaultNamespace: "default",
            host: curl.hostAndPort, fieldManager: identity.fieldManager)
        return (client, counting)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` (a hang guard, default 300 s:
    /// on two busy cores shared with other control planes one API write can take seconds)
    /// passes; returns whether it held.
    static func eventually(
        timeout: Duration = .seconds(300), _ condition: @Sendable () async -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    /// A ConfigMap with one data entry.
    static func configMap(_ name: String, namespace: String, value: String, labels: [String: String]? = nil)
        -> ConfigMap
    {
        ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels), data: ["v": value])
    }

    /// The repository root, from this file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Records reflector events as short strings (`added ns/name`), thread-safe.
final class EventTrail: Sendable {
    private let lines = Mutex<[String]>([])
    func record(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
