import Foundation
import KubeClient
import KubeCore
import Synchronization

/// An in-memory Kubernetes API server behind the `HTTPTransport` protocol, for unit tests of
/// reflectors and controllers that need writes to come back as watch events.
///
/// It keeps objects as JSON, with one cluster-wide resource version counter, and implements:
///
/// - get, list (label selectors `k=v`, `k!=v`, `k`, `!k`; field selectors on `metadata.name`
///   and `metadata.namespace`; paging with `limit`/`continue`, ignored at `resourceVersion=0`
///   as the real watch cache does), watch (from a resource version, replaying the retained
///   history; 410 as an `ERROR` event when that version was compacted away; bookmarks on
///   request with `sendBookmarks()`; `timeoutSeconds`);
/// - create (uid, resourceVersion, generation 1, creationTimestamp, `generateName`), replace
///   (optimistic concurrency on `resourceVersion`), merge patch, JSON patch, server-side apply
///   (approximated as a merge patch that may create), delete (finalizers delay it:
///   `deletionTimestamp` is set; removing the last finalizer completes it);
/// - the `status` subresource: writes to it change only `status`; writes to the object keep
///   the stored `status`. `metadata.generation` grows when anything but `metadata` and
///   `status` changes.
///
/// - the pod log subresource (`pods/{name}/log`, plain text): lines a test writes with
///   ``appendPodLog(namespace:pod:container:_:)``, `tailLines`, `container` (400 when a pod
///   with several containers is read without one, as the real server answers), and `follow`,
///   which streams new lines until ``endPodLog(namespace:pod:container:)`` (the container
///   stopped). No kubelet serves logs in envtest, so this is where the log readers are tested.
///
/// Not implemented: garbage collection of dependents (envtest has none either), admission,
/// validation against schemas, strategic merge patch (answered 415).
public final class FakeAPIServer: HTTPTransport {
    private let state = Mutex(State())

    private struct Watcher {
        var id: Int
        var collection: String
        var namespace: String?
        var selector: LabelSelector
        var fields: [(String, String, Bool)]
        var continuation: AsyncThrowingStream<Data, any Error>.Continuation
    }

    private struct Event {
        var resourceVersion: Int
        var collection: String
        var type: String
        var object: JSONValue
    }

    private struct State {
        var resourceVersion = 100
        var objects: [String: [ObjectKey: JSONValue]] = [:]
        var history: [Event] = []
        /// Resource versions at or below this one are gone (410).
        var compactedThrough = 0
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 0
        var requests: [HTTPRequest] = []
        var failures: [(method: HTTPMethod?, pathPrefix: String, status: Int)] = []
        var uidCounter = 0
        var watchesHeld = false
        /// Pod logs by "namespace/pod/container".
        var podLogs: [String: PodLog] = [:]
        var nextLogFollowerID = 0
    }

    private struct PodLog {
        var lines: [String] = []
        var ended = false
        var followers: [Int: AsyncThrowingStream<Data, any Error>.Continuation] = [:]
    }

    public init() {}

    // MARK: Test controls

    /// Every request received so far.
    public var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// Requests that change something (everything but GET).
    public var writes: [HTTPRequest] { requests.filter { $0.method != .get } }

    /// The current resource version (the last write's).
    public var resourceVersion: String { state.withLock { String($0.resourceVersion) } }

    /// How many watches are open.
    public var openWatchCount: Int { state.withLock { $0.watchers.count } }

    /// Answers the next request whose method matches (any when `nil`) and whose path starts
    /// with `pathPrefix` with `status` and a `Status` body, once.
    public func failNext(_ method: HTTPMethod? = nil, pathPrefix: String, status: Int) {
        state.withLock { $0.failures.append((method, pathPrefix, status)) }
    }

    /// Forgets the watch history: watching from any resource version before now answers 410.
    public func compact() {
        state.withLock { s in
            s.history.removeAll()
            s.compactedThrough = s.resourceVersion
        }
    }

    /// Sends a `BOOKMARK` at the current resource version to every open watch that asked for
    /// bookmarks... (all of them: the reflector always asks).
    public func sendBookmarks() {
        let (watchers, rv) = state.withLock { s in (Array(s.watchers.values), s.resourceVersion) }
        for w in watchers {
            let frame: JSONValue = [
                "type": "BOOKMARK", "object": ["kind": "Bookmark", "metadata": ["resourceVersion": .string(String(rv))]],
            ]
            w.continuation.yield(Self.encode(frame))
        }
    }

    /// While held, new watch requests wait (without an answer) until `releaseWatches()`; lets a
    /// test change things while no one watches.
    public func holdWatches() { state.withLock { $0.watchesHeld = true } }

    /// Lets waiting and future watch requests through.
    public func releaseWatches() { state.withLock { $0.watchesHeld = false } }

    /// Ends every open watch normally (as the server does at `timeoutSeconds`).
    public func closeAllWatches() {
        let watchers = state.withLock { s -> [Watcher] in
            let w = Array(s.watchers.values)
            s.watchers.removeAll()
            return w
        }
        for w in watchers { w.continuation.finish() }
    }

    /// Writes `lines` to the log of a pod's container (the pod need not exist yet); followers
    /// of that log receive them at once. `container`: default the pod's first container.
    public func appendPodLog(namespace: String, pod: String, container: String? = nil, _ lines: [String]) {
        let key = podLogKey(namespace: namespace, pod: pod, container: container)
        let followers = state.withLock { s -> [AsyncThrowingStream<Data, any Error>.Continuation] in
            s.podLogs[key, default: PodLog()].lines.append(contentsOf: lines)
            return s.podLogs[key].map { Array($0.followers.values) } ?? []
        }
        for follower in followers {
            for line in lines { follower.yield(Data(line.utf8)) }
        }
    }

    /// The container stopped: followed log streams of it end normally, and later follow
    /// requests answer the lines written and end.
    public func endPodLog(namespace: String, pod: String, container: String? = nil) {
        let key = podLogKey(namespace: namespace, pod: pod, container: container)
        let followers = state.withLock { s -> [AsyncThrowingStream<Data, any Error>.Continuation] in
            s.podLogs[key, default: PodLog()].ended = true
            defer { s.podLogs[key]?.followers.removeAll() }
            return s.podLogs[key].map { Array($0.followers.values) } ?? []
        }
        for follower in followers { follower.finish() }
    }

    /// How many followed pod log streams are open.
    public var openPodLogFollowerCount: Int {
        state.withLock { s in s.podLogs.values.reduce(0) { $0 + $1.followers.count } }
    }

    private func podLogKey(namespace: String, pod: String, container: String?) -> String {
        let name = container ?? firstContainer(namespace: namespace, pod: pod) ?? ""
        return "\(namespace)/\(pod)/\(name)"
    }

    private func firstContainer(namespace: String, pod: String) -> String? {
        let stored = state.withLock { $0.objects[Self.collectionKey(Pod.resource)]?[ObjectKey(namespace: namespace, name: pod)] }
        return stored.flatMap { try? $0.decode(as: Pod.self) }?.spec?.containers.first?.name
    }

    /// Stores `object` as is (no checks), as if created; returns it with server fields set.
    @discardableResult
    public func seed<T: KubeResource>(_ object: T) throws -> T {
        let json = try JSONValue(encoding: object)
        let path = T.resource.path(namespace: object.metadata.namespace)
        let response = handleCreate(collection: Self.collectionKey(T.resource), namespace: T.resource.namespaced
            ? object.metadata.namespace ?? "default" : nil, body: json, path: path)
        guard (200..<300).contains(response.status) else {
            throw KubeAPIError(status: response.status, body: response.body)
        }
        return try KubeJSON.decode(T.self, from: response.body)
    }

    /// The stored objects of a kind, decoded, sorted by key.
    public func objects<T: KubeResource>(_ type: T.Type) -> [T] {
        let stored = state.withLock { $0.objects[Self.collectionKey(T.resource)] ?? [:] }
        return stored.keys.sorted().compactMap { key in
            stored[key].flatMap { try? $0.decode(as: T.self) }
        }
    }

    /// One stored object, decoded.
    public func object<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil) -> T? {
        let key = ObjectKey(namespace: T.resource.namespaced ? namespace ?? "default" : nil, name: name)
        return state.withLock { $0.objects[Self.collectionKey(T.resource)]?[key] }.flatMap { try? $0.decode(as: T.self) }
    }

    // MARK: HTTPTransport

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if let failure = takeFailure(request) { return Self.status(failure, reason: "InternalError", "injected failure") }
        guard let target = Target(path: request.path) else {
            return Self.status(404, reason: "NotFound", "no such path \(request.path)")
        }
        let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let body = request.body.flatMap { try? KubeJSON.decode(JSONValue.self, from: $0) }
        if request.method == .get, target.plural == "pods", target.subresource == "log", let name = target.name {
            switch podLogBacklog(target, name: name, query: query) {
            case .failure(let failure): return failure.response
            case .success(let (lines, _)):
                let text = lines.map { $0 + "\n" }.joined()
                return HTTPResponse(status: 200, headers: ["content-type": "text/plain"], body: Data(text.utf8))
            }
        }
        switch (request.method, target.name) {
        case (.get, nil):
            return handleList(target, query: query)
        case (.get, let name?):
            return state.withLock { s in
                guard let o = s.objects[target.collection]?[target.key(name)] else {
                    return Self.status(404, reason: "NotFound", "\(target.plural) \"\(name)\" not found")
                }
                return Self.ok(o)
            }
        case (.post, nil):
            guard let body else { return Self.status(400, reason: "BadRequest", "body is not JSON") }
            return handleCreate(collection: target.collection, namespace: target.namespace, body: body, path: request.path)
        case (.put, let name?):
            guard let body else { return Self.status(400, reason: "BadRequest", "body is not JSON") }
            return handleUpdate(target, name: name) { _ in body }
        case (.patch, let name?):
            guard let raw = request.body else { return Self.status(400, reason: "BadRequest", "no body") }
            return handlePatch(target, name: name, contentType: request.headers["Content-Type"] ?? "", body: raw)
        case (.delete, let name?):
            return handleDelete(target, name: name)
        default:
            return Self.status(405, reason: "MethodNotAllowed", "\(request.method.rawValue) \(request.path)")
        }
    }

    public func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        while state.withLock({ $0.watchesHeld }) { try await Task.sleep(for: .milliseconds(2)) }
        if let failure = takeFailure(request) {
            let (lines, c) = AsyncThrowingStream.makeStream(of: Data.self)
            c.yield(Self.status(failure, reason: failure == 410 ? "Expired" : "InternalError", "injected").body)
            c.finish()
            return HTTPLineStream(status: failure, headers: [:], lines: lines)
        }
        if let target = Target(path: request.path), target.plural == "pods", target.subresource == "log",
            let name = target.name
        {
            return streamPodLog(target, name: name, request: request)
        }
        guard let target = Target(path: request.path), target.name == nil else {
            let (lines, c) = AsyncThrowingStream.makeStream(of: Data.self)
            c.finish()
            return HTTPLineStream(status: 404, headers: [:], lines: lines)
        }
        let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let selector = LabelSelector(query["labelSelector"] ?? "")
        let fields = Self.fieldSelector(query["fieldSelector"] ?? "")
        let (lines, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        let id = state.withLock { s -> Int in
            let from = query["resourceVersion"].flatMap { Int($0) }
            var backlog: [Data] = []
            if let from, from != 0 {
                if from < s.compactedThrough {
                    let status: JSONValue = [
                        "kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 410, "reason": "Expired",
                        "message": .string("too old resource version: \(from) (\(s.compactedThrough))"),
                    ]
                    backlog.append(Self.encode(["type": "ERROR", "object": status]))
                    for line in backlog { continuation.yield(line) }
                    continuation.finish()
                    return -1
                }
                for e in s.history where e.resourceVersion > from && e.collection == target.collection {
                    if Self.matches(e.object, namespace: target.namespace, selector, fields) {
                        backlog.append(Self.encode(["type": .string(e.type), "object": e.object]))
                    }
                }
            } else {
                for (_, o) in (s.objects[target.collection] ?? [:]).sorted(by: { $0.key < $1.key })
                where Self.matches(o, namespace: target.namespace, selector, fields) {
                    backlog.append(Self.encode(["type": "ADDED", "object": o]))
                }
            }
            for line in backlog { continuation.yield(line) }
            s.nextWatcherID += 1
            s.watchers[s.nextWatcherID] = Watcher(
                id: s.nextWatcherID, collection: target.collection, namespace: target.namespace,
                selector: selector, fields: fields, continuation: continuation)
            return s.nextWatcherID
        }
        if id >= 0 {
            continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) } }
            if let seconds = query["timeoutSeconds"].flatMap({ Int($0) }) {
                Task { [weak self] in
                    try? await Task.sleep(for: .seconds(seconds))
                    let w = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
                    w?.continuation.finish()
                }
            }
        }
        return HTTPLineStream(status: 200, headers: ["content-type": "application/json"], lines: lines)
    }

    // MARK: Handlers

    /// The container's log key and its lines so far (after `tailLines`), or the error answer.
    private func podLogBacklog(_ target: Target, name: String, query: [String: String])
        -> Result<(lines: [String], key: String), HTTPResponseFailure>
    {
        let namespace = target.namespace ?? "default"
        let stored = state.withLock { $0.objects[target.collection]?[target.key(name)] }
        guard let stored, let pod = try? stored.decode(as: Pod.self) else {
            return .failure(.init(Self.status(404, reason: "NotFound", "pods \"\(name)\" not found")))
        }
        let containers = pod.spec?.containers.map(\.name) ?? []
        let container: String
        if let asked = query["container"] {
            guard containers.contains(asked) else {
                return .failure(.init(Self.status(
                    400, reason: "BadRequest", "container \(asked) is not valid for pod \(name)")))
            }
            container = asked
        } else if containers.count == 1 {
            container = containers[0]
        } else {
            return .failure(.init(Self.status(
                400, reason: "BadRequest",
                "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")))
        }
        let key = "\(namespace)/\(name)/\(container)"
        var lines = state.withLock { $0.podLogs[key]?.lines ?? [] }
        if let tail = query["tailLines"].flatMap({ Int($0) }), tail >= 0 { lines = Array(lines.suffix(tail)) }
        return .success((lines, key))
    }

    private func streamPodLog(_ target: Target, name: String, request: HTTPRequest) -> HTTPLineStream {
        let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let (lines, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        let backlog: [String]
        let key: String
        switch podLogBacklog(target, name: name, query: query) {
        case .failure(let failure):
            continuation.yield(failure.response.body)
            continuation.finish()
            return HTTPLineStream(status: failure.response.status, headers: [:], lines: lines)
        case .success(let found): (backlog, key) = found
        }
        let follow = query["follow"] == "true"
        let id = state.withLock { s -> Int? in
            for line in backlog { continuation.yield(Data(line.utf8)) }
            guard follow, s.podLogs[key]?.ended != true else {
                continuation.finish()
                return nil
            }
            s.nextLogFollowerID += 1
            s.podLogs[key, default: PodLog()].followers[s.nextLogFollowerID] = continuation
            return s.nextLogFollowerID
        }
        if let id {
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.podLogs[key]?.followers.removeValue(forKey: id) }
            }
        }
        return HTTPLineStream(status: 200, headers: ["content-type": "text/plain"], lines: lines)
    }

    private func handleList(_ target: Target, query: [String: String]) -> HTTPResponse {
        let selector = LabelSelector(query["labelSelector"] ?? "")
        let fields = Self.fieldSelector(query["fieldSelector"] ?? "")
        return state.withLock { s in
            let all = (s.objects[target.collection] ?? [:]).sorted { $0.key < $1.key }
                .filter { Self.matches($0.value, namespace: target.namespace, selector, fields) }
            var items = all.map(\.value)
            var meta: [String: JSONValue] = ["resourceVersion": .string(String(s.resourceVersion))]
            // The watch cache (resourceVersion=0) ignores paging, as the real server does.
            if query["resourceVersion"] != "0", let limit = query["limit"].flatMap({ Int($0) }), limit > 0 {
                let start = query["continue"].flatMap { Int($0) } ?? 0
                let end = min(items.count, start + limit)
                if end < items.count { meta["continue"] = .string(String(end)) }
                items = start < items.count ? Array(items[start..<end]) : []
            }
            return Self.ok(["kind": "List", "apiVersion": "v1", "metadata": .object(meta), "items": .array(items)])
        }
    }

    private func handleCreate(collection: String, namespace: String?, body: JSONValue, path: String) -> HTTPResponse {
        state.withLock { s in
            var object = body
            var meta = object["metadata"]?.objectValue ?? [:]
            if meta["name"]?.stringValue == nil, let prefix = meta["generateName"]?.stringValue {
                s.uidCounter += 1
                meta["name"] = .string(prefix + String(s.uidCounter, radix: 36))
            }
            guard let name = meta["name"]?.stringValue, !name.isEmpty else {
                return Self.status(422, reason: "Invalid", "metadata.name: Required value")
            }
            if let namespace { meta["namespace"] = .string(namespace) }
            let key = ObjectKey(namespace: namespace, name: name)
            if s.objects[collection]?[key] != nil {
                return Self.status(409, reason: "AlreadyExists", "\"\(name)\" already exists")
            }
            s.uidCounter += 1
            s.resourceVersion += 1
            meta["uid"] = .string(Self.uid(s.uidCounter))
            meta["resourceVersion"] = .string(String(s.resourceVersion))
            meta["generation"] = .int(1)
            meta["creationTimestamp"] = .string(Self.timestamp())
            meta["deletionTimestamp"] = nil
            object["metadata"] = .object(meta)
            s.objects[collection, default: [:]][key] = object
            record(&s, collection: collection, type: "ADDED", object: object)
            return Self.ok(object, status: 201)
        }
    }

    /// Applies `change` to the stored object (or to `nil` when absent, for apply) and stores
    /// the result with the status-subresource and generation rules.
    private func handleUpdate(
        _ target: Target, name: String, createIfMissing: Bool = false,
        change: (JSONValue?) throws -> JSONValue
    ) -> HTTPResponse {
        state.withLock { s in
            let key = target.key(name)
            let old = s.objects[target.collection]?[key]
            if old == nil && !(createIfMissing && target.subresource == nil) {
                return Self.status(404, reason: "NotFound", "\(target.plural) \"\(name)\" not found")
            }
            var new: JSONValue
            do { new = try change(old) } catch let e as KubeAPIError {
                return Self.status(e.code, reason: e.reason, "\(e)")
            } catch {
                return Self.status(400, reason: "BadRequest", "\(error)")
            }
            guard let old else {
                // Server-side apply of a missing object creates it.
                s.uidCounter += 1
                s.resourceVersion += 1
                var meta = new["metadata"]?.objectValue ?? [:]
                meta["name"] = .string(name)
                if let ns = target.namespace { meta["namespace"] = .string(ns) }
                meta["uid"] = .string(Self.uid(s.uidCounter))
                meta["resourceVersion"] = .string(String(s.resourceVersion))
                meta["generation"] = .int(1)
                meta["creationTimestamp"] = .string(Self.timestamp())
                new["metadata"] = .object(meta)
                s.objects[target.collection, default: [:]][key] = new
                record(&s, collection: target.collection, type: "ADDED", object: new)
                return Self.ok(new, status: 201)
            }
            if let sent = new.value(at: "metadata", "resourceVersion")?.stringValue, !sent.isEmpty,
                sent != old.value(at: "metadata", "resourceVersion")?.stringValue
            {
                return Self.status(
                    409, reason: "Conflict",
                    "Operation cannot be fulfilled on \(target.plural) \"\(name)\": the object has been modified")
            }
            // The status subresource changes only status; the main resource everything else.
            if target.subresource == "status" {
                var merged = old
                merged["status"] = new["status"]
                new = merged
            } else {
                new["status"] = old["status"]
                var meta = new["metadata"]?.objectValue ?? [:]
                // Server-owned fields cannot be changed by clients.
                for field in ["uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace", "name"] {
                    meta[field] = old.value(at: "metadata", field)
                }
                new["metadata"] = .object(meta)
            }
            var oldSpec = old
            oldSpec["metadata"] = nil
            oldSpec["status"] = nil
            var newSpec = new
            newSpec["metadata"] = nil
            newSpec["status"] = nil
            var generation = old.value(at: "metadata", "generation")?.intValue ?? 1
            if oldSpec != newSpec { generation += 1 }
            var meta = new["metadata"]?.objectValue ?? [:]
            meta["generation"] = .int(generation)
            // Unchanged objects keep their resource version and send no event.
            var unchanged = new
            var unchangedMeta = meta
            unchangedMeta["resourceVersion"] = old.value(at: "metadata", "resourceVersion")
            unchanged["metadata"] = .object(unchangedMeta)
            if unchanged == old { return Self.ok(old) }

            s.resourceVersion += 1
            meta["resourceVersion"] = .string(String(s.resourceVersion))
            new["metadata"] = .object(meta)
            let finalizers = new.value(at: "metadata", "finalizers")?.arrayValue ?? []
            if new.value(at: "metadata", "deletionTimestamp") != nil && finalizers.isEmpty {
                s.objects[target.collection]?[key] = nil
                record(&s, collection: target.collection, type: "DELETED", object: new)
            } else {
                s.objects[target.collection]?[key] = new
                record(&s, collection: target.collection, type: "MODIFIED", object: new)
            }
            return Self.ok(new)
        }
    }

    private func handlePatch(_ target: Target, name: String, contentType: String, body: Data) -> HTTPResponse {
        switch contentType {
        case PatchType.merge.rawValue, PatchType.apply.rawValue:
            guard let patch = try? KubeJSON.decode(JSONValue.self, from: body) else {
                return Self.status(400, reason: "BadRequest", "patch is not JSON")
            }
            let isApply = contentType == PatchType.apply.rawValue
            return handleUpdate(target, name: name, createIfMissing: isApply) { old in
                var merged = Self.mergePatch(old ?? [:], patch)
                // A patch does not carry optimistic concurrency unless it names a version.
                if patch.value(at: "metadata", "resourceVersion") == nil {
                    merged["metadata"]?["resourceVersion"] = old?.value(at: "metadata", "resourceVersion")
                }
                return merged
            }
        case PatchType.json.rawValue:
            guard let ops = try? KubeJSON.decode([JSONPatchOperation].self, from: body) else {
                return Self.status(400, reason: "BadRequest", "patch is not a JSON patch")
            }
            return handleUpdate(target, name: name) { old in
                var doc = old ?? [:]
                for op in ops { try Self.apply(op, to: &doc) }
                return doc
            }
        default:
            return Self.status(415, reason: "UnsupportedMediaType", "unsupported patch type \(contentType)")
        }
    }

    private func handleDelete(_ target: Target, name: String) -> HTTPResponse {
        state.withLock { s in
            let key = target.key(name)
            guard var object = s.objects[target.collection]?[key] else {
                return Self.status(404, reason: "NotFound", "\(target.plural) \"\(name)\" not found")
            }
            let finalizers = object.value(at: "metadata", "finalizers")?.arrayValue ?? []
            s.resourceVersion += 1
            if finalizers.isEmpty {
                object["metadata"]?["resourceVersion"] = .string(String(s.resourceVersion))
                s.objects[target.collection]?[key] = nil
                record(&s, collection: target.collection, type: "DELETED", object: object)
                return Self.ok(object)
            }
            if object.value(at: "metadata", "deletionTimestamp") == nil {
                object["metadata"]?["deletionTimestamp"] = .string(Self.timestamp())
                object["metadata"]?["resourceVersion"] = .string(String(s.resourceVersion))
                s.objects[target.collection]?[key] = object
                record(&s, collection: target.collection, type: "MODIFIED", object: object)
            } else {
                s.resourceVersion -= 1
            }
            return Self.ok(object, status: 202)
        }
    }

    private func record(_ s: inout State, collection: String, type: String, object: JSONValue) {
        s.history.append(Event(resourceVersion: s.resourceVersion, collection: collection, type: type, object: object))
        let line = Self.encode(["type": .string(type), "object": object])
        for w in s.watchers.values where w.collection == collection {
            if Self.matches(object, namespace: w.namespace, w.selector, w.fields) { w.continuation.yield(line) }
        }
    }

    private func takeFailure(_ request: HTTPRequest) -> Int? {
        state.withLock { s in
            s.requests.append(request)
            guard
                let i = s.failures.firstIndex(where: {
                    ($0.method == nil || $0.method == request.method) && request.path.hasPrefix($0.pathPrefix)
                })
            else { return nil }
            return s.failures.remove(at: i).status
        }
    }

    // MARK: JSON helpers

    /// RFC 7386 merge patch.
    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (k, v) in p {
            if v == .null {
                result[k] = nil
            } else {
                result[k] = mergePatch(result[k] ?? .null, v)
            }
        }
        return .object(result)
    }

    /// RFC 6902 operations add, remove, replace and test (no move/copy).
    static func apply(_ op: JSONPatchOperation, to doc: inout JSONValue) throws {
        let tokens = op.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        func walk(_ node: inout JSONValue, _ rest: ArraySlice<String>) throws {
            guard let token = rest.first else {
                switch op.op {
                case .test:
                    if node != op.value { throw KubeAPIError.invalid("test failed at \(op.path)", causes: []) }
                case .replace, .add: node = op.value ?? .null
                default: throw KubeAPIError.invalid("unsupported operation \(op.op)", causes: [])
                }
                return
            }
            let last = rest.count == 1
            switch node {
            case .object(var o):
                if last && op.op == .remove {
                    guard o.removeValue(forKey: token) != nil else {
                        throw KubeAPIError.invalid("path \(op.path) does not exist", causes: [])
                    }
                } else if last && op.op == .add {
                    o[token] = op.value ?? .null
                } else {
                    guard var child = o[token] else {
                        throw KubeAPIError.invalid("path \(op.path) does not exist", causes: [])
                    }
                    try walk(&child, rest.dropFirst())
                    o[token] = child
                }
                node = .object(o)
            case .array(var a):
                let index = token == "-" ? a.count : Int(token) ?? -1
                if last && op.op == .add && index >= 0 && index <= a.count {
                    a.insert(op.value ?? .null, at: index)
                } else if last && op.op == .remove && a.indices.contains(index) {
                    a.remove(at: index)
                } else if a.indices.contains(index) {
                    try walk(&a[index], rest.dropFirst())
                } else {
                    throw KubeAPIError.invalid("path \(op.path) does not exist", causes: [])
                }
                node = .array(a)
            default:
                throw KubeAPIError.invalid("path \(op.path) does not exist", causes: [])
            }
        }
        try walk(&doc, tokens[...])
    }

    static func matches(
        _ object: JSONValue, namespace: String?, _ selector: LabelSelector, _ fields: [(String, String, Bool)]
    ) -> Bool {
        if let namespace, object.value(at: "metadata", "namespace")?.stringValue != namespace { return false }
        let labels = (object.value(at: "metadata", "labels")?.objectValue ?? [:]).compactMapValues(\.stringValue)
        guard selector.matches(labels) else { return false }
        for (field, value, equal) in fields {
            let actual: String?
            switch field {
            case "metadata.name": actual = object.value(at: "metadata", "name")?.stringValue
            case "metadata.namespace": actual = object.value(at: "metadata", "namespace")?.stringValue
            default: actual = nil
            }
            if (actual == value) != equal { return false }
        }
        return true
    }

    static func fieldSelector(_ text: String) -> [(String, String, Bool)] {
        text.split(separator: ",").compactMap { term in
            let t = String(term)
            if let r = t.range(of: "!=") { return (String(t[..<r.lowerBound]), String(t[r.upperBound...]), false) }
            let parts = t.replacingOccurrences(of: "==", with: "=").split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]), true)
        }
    }

    static func collectionKey(_ r: ResourceDescriptor) -> String { "\(r.group)/\(r.plural)" }

    static func encode(_ value: JSONValue) -> Data { (try? KubeJSON.encode(value)) ?? Data("{}".utf8) }

    static func ok(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": "application/json"], body: encode(value))
    }

    static func status(_ code: Int, reason: String?, _ message: String) -> HTTPResponse {
        let body: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "status": "Failure", "code": .int(Int64(code)),
            "reason": reason.map { .string($0) } ?? .null, "message": .string(message),
        ]
        return HTTPResponse(status: code, headers: ["content-type": "application/json"], body: encode(body))
    }

    static func uid(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    static func timestamp() -> String { APITimestamp.time(Date()) }
}

/// An error answer, as the failure of a `Result`.
struct HTTPResponseFailure: Error {
    var response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}

/// The parts of an API path: `/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]`
/// or `/apis/{group}/{version}/...`.
struct Target {
    var group: String
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?

    var collection: String { "\(group)/\(plural)" }
    func key(_ name: String) -> ObjectKey { ObjectKey(namespace: namespace, name: name) }

    init?(path: String) {
        var parts = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        if parts.first == "api", parts.count >= 2 {
            group = ""
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 3 {
            group = parts[1]
            parts.removeFirst(3)
        } else {
            return nil
        }
        if parts.first == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let plural = parts.first else { return nil }
        self.plural = plural
        name = parts.count > 1 ? parts[1] : nil
        subresource = parts.count > 2 ? parts[2] : nil
    }
}

/// Equality-based label selectors: `k=v`, `k==v`, `k!=v`, `k` (exists), `!k` (absent),
/// comma-separated (all must hold). Set-based terms (`in`, `notin`) are not supported.
struct LabelSelector {
    enum Term {
        case equals(String, String), notEquals(String, String), exists(String), absent(String)
    }
    var terms: [Term]

    init(_ text: String) {
        terms = text.split(separator: ",").map { raw in
            let t = raw.trimmingCharacters(in: .whitespaces)
            if let r = t.range(of: "!=") { return .notEquals(String(t[..<r.lowerBound]), String(t[r.upperBound...])) }
            if let r = t.range(of: "==") { return .equals(String(t[..<r.lowerBound]), String(t[r.upperBound...])) }
            if let r = t.range(of: "=") { return .equals(String(t[..<r.lowerBound]), String(t[r.upperBound...])) }
            if t.hasPrefix("!") { return .absent(String(t.dropFirst())) }
            return .exists(t)
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .exists(let k): return labels[k] != nil
            case .absent(let k): return labels[k] == nil
            }
        }
    }
}

extension KubeAPIError {
    /// The HTTP code and reason the fake server answers this error with.
    fileprivate var code: Int {
        switch self {
        case .badRequest: return 400
        case .unauthorized: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .alreadyExists, .conflict: return 409
        case .gone: return 410
        case .invalid: return 422
        case .tooManyRequests: return 429
        case .serverTimeout: return 504
        case .other(let code, _, _): return code
        }
    }

    fileprivate var reason: String? {
        switch self {
        case .invalid: return "Invalid"
        case .conflict: return "Conflict"
        case .notFound: return "NotFound"
        default: return nil
        }
    }
}
