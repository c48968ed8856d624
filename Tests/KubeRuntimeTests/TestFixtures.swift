import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization
import Testing

@testable import KubeRuntime

/// A namespaced custom kind with a spec and a status, as our CRDs have.
struct Widget: KubeResource, Equatable {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true)
    var apiVersion = "example.com/v1"
    var kind = "Widget"
    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    struct Spec: Codable, Equatable, Sendable { var size: Int }
    struct Status: Codable, Equatable, Sendable { var ready: Bool }

    init(_ name: String, namespace: String = "default", rv: String = "1", uid: String? = nil, generation: Int64 = 1) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.resourceVersion = rv
        metadata.uid = uid ?? "uid-\(namespace)-\(name)"
        metadata.generation = generation
        spec = Spec(size: 1)
    }
}

/// A kind our controller creates and owns.
struct Gadget: KubeResource, Equatable {
    static let resource = ResourceDescriptor(
        group: "apps", version: "v1", kind: "Gadget", plural: "gadgets", namespaced: true)
    var apiVersion = "apps/v1"
    var kind = "Gadget"
    var metadata: ObjectMeta

    init(_ name: String, namespace: String = "default", rv: String = "1", owner: Widget? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.resourceVersion = rv
        metadata.uid = "uid-gadget-\(name)"
        if let ref = owner?.ownerReference() { metadata.ownerReferences = [ref] }
    }
}

/// Polls `condition` until it holds or the (generous) deadline passes. The deadline only
/// bounds a hang: conditions are events, never speed measurements.
func eventually(
    timeout: Duration = .seconds(120), _ condition: @Sendable () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}

/// An in-memory API server for list and watch of a few kinds, on top of `ScriptedTransport`.
///
/// Lists answer with the objects set by `setObjects`; each watch request opens a session the
/// test drives (`session(_:)`), or is answered with a scripted error status first.
final class FakeKube: Sendable {
    let transport = ScriptedTransport()
    let client: KubeClient
    private let state = Mutex(State())

    private struct State {
        var lists: [String: (items: [Data], rv: String)] = [:]
        var sessions: [WatchSession] = []
        var watchStatuses: [String: [Int]] = [:]
        var listStatuses: [String: [Int]] = [:]
    }

    /// One open watch: its request and a way to send it lines.
    final class WatchSession: Sendable {
        let request: HTTPRequest
        let continuation: AsyncThrowingStream<Data, any Error>.Continuation

        init(request: HTTPRequest, continuation: AsyncThrowingStream<Data, any Error>.Continuation) {
            self.request = request
            self.continuation = continuation
        }

        var path: String { request.path }
        func query(_ name: String) -> String? { request.query.first { $0.name == name }?.value }

        func send<T: KubeResource>(_ type: String, _ object: T) {
            let frame: JSONValue = ["type": .string(type), "object": (try? JSONValue(encoding: object)) ?? .null]
            continuation.yield((try? KubeJSON.encode(frame)) ?? Data())
        }
        func bookmark(_ rv: String) {
            continuation.yield(
                Data(#"{"type":"BOOKMARK","object":{"kind":"Widget","metadata":{"resourceVersion":"\#(rv)"}}}"#.utf8))
        }
        func error(code: Int, reason: String) {
            continuation.yield(
                Data(
                    #"{"type":"ERROR","object":{"kind":"Status","status":"Failure","code":\#(code),"reason":"\#(reason)","message":"too old resource version"}}"#
                        .utf8))
        }
        func close() { continuation.finish() }
    }

    init() {
        client = KubeClient(transport: transport)
        transport.on { req in
            guard req.method == .get, !req.query.contains(where: { $0.name == "watch" }) else { return nil }
            return self.state.withLock { s -> HTTPResponse? in
                if var statuses = s.listStatuses[req.path], !statuses.isEmpty {
                    let code = statuses.removeFirst()
                    s.listStatuses[req.path] = statuses
                    return HTTPResponse(status: code, body: Data(#"{"kind":"Status","code":\#(code)}"#.utf8))
                }
                guard let list = s.lists[req.path] else { return nil }
                let items = list.items.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",")
                let body = #"{"kind":"List","metadata":{"resourceVersion":"\#(list.rv)"},"items":[\#(items)]}"#
                return HTTPResponse(status: 200, body: Data(body.utf8))
            }
        }
        transport.onStream { req in
            self.state.withLock { s -> HTTPLineStream? in
                if var statuses = s.watchStatuses[req.path], !statuses.isEmpty {
                    let code = statuses.removeFirst()
                    s.watchStatuses[req.path] = statuses
                    let (lines, c) = AsyncThrowingStream.makeStream(of: Data.self)
                    let reason = code == 410 ? "Expired" : "InternalError"
                    c.yield(Data(#"{"kind":"Status","code":\#(code),"reason":"\#(reason)"}"#.utf8))
                    c.finish()
                    return HTTPLineStream(status: code, headers: [:], lines: lines)
                }
                let (lines, c) = AsyncThrowingStream.makeStream(of: Data.self)
                s.sessions.append(WatchSession(request: req, continuation: c))
                return HTTPLineStream(status: 200, headers: [:], lines: lines)
            }
        }
    }

    /// Sets what a list of `T` in `namespace` (nil: all namespaces) returns.
    func setObjects<T: KubeResource>(_ objects: [T], rv: String, namespace: String? = nil) {
        let path = T.resource.path(namespace: namespace)
        let items = objects.compactMap { try? KubeJSON.encode($0) }
        state.withLock { $0.lists[path] = (items, rv) }
    }

    /// The next watch requests of `T` are answered with these HTTP statuses instead of a stream.
    func failWatches<T: KubeResource>(_ type: T.Type, statuses: [Int], namespace: String? = nil) {
        state.withLock { $0.watchStatuses[T.resource.path(namespace: namespace)] = statuses }
    }

    /// The next list requests of `T` are answered with these HTTP statuses.
    func failLists<T: KubeResource>(_ type: T.Type, statuses: [Int], namespace: String? = nil) {
        state.withLock { $0.listStatuses[T.resource.path(namespace: namespace)] = statuses }
    }

    var sessions: [WatchSession] { state.withLock { $0.sessions } }

    /// Waits for the `index`-th watch session (0-based) opened on `path`.
    func session(_ index: Int, path: String) async -> WatchSession? {
        let found = await eventually { self.sessions.filter { $0.path == path }.count > index }
        guard found else { return nil }
        return sessions.filter { $0.path == path }[index]
    }

    /// List requests (not watches) sent for `path`.
    func listRequests(path: String) -> [HTTPRequest] {
        transport.requests.filter { $0.path == path && !$0.query.contains { $0.name == "watch" } }
    }

    func finishAll() { for s in sessions { s.close() } }
}

extension HTTPRequest {
    func query(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// Collects reflector events for assertions.
final class EventLog<T: KubeResource>: Sendable {
    private let events = Mutex<[String]>([])
    func record(_ e: ReflectorEvent<T>) {
        let line: String
        switch e {
        case .added(let o): line = "added \(o.key)"
        case .updated(let old, let new):
            line = "updated \(new.key) \(old.metadata.resourceVersion ?? "")->\(new.metadata.resourceVersion ?? "")"
        case .deleted(let o): line = "deleted \(o.key)"
        }
        events.withLock { $0.append(line) }
    }
    var all: [String] { events.withLock { $0 } }
}

/// A value shared between test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}
