import Foundation
import KubeCore

/// Typed access to the Kubernetes API over an `HTTPTransport`.
///
/// Every method builds its request with `APIRequests` (sans-IO), adds credentials from the
/// `CredentialProvider`, sends it, and decodes the answer; any non-2xx answer is thrown as a
/// `KubeAPIError`. A 401 invalidates the credentials and is retried once with fresh ones.
public final class KubeClient: Sendable {
    public let transport: any HTTPTransport
    public let credentials: any CredentialProvider
    /// The namespace of the kubeconfig context (or the pod's, in cluster). Default `default`.
    public let defaultNamespace: String
    /// Host name reported to `observer`, for the `host` label of request metrics.
    public let host: String
    /// Called after every request with its method, status code (`"<error>"` for a transport
    /// failure) and host. Default: does nothing.
    public let observer: @Sendable (_ method: String, _ code: String, _ host: String) -> Void
    /// The field manager sent with this client's creates, patches and server-side applies
    /// unless a call names another (an operator's `OperatorIdentity.fieldManager`). Default
    /// `nil`: creates and patches carry none, so the API server names the manager after the
    /// transport's user agent, and `apply` must be given one.
    public let fieldManager: String?
    /// The largest request body sent; a larger one is refused before anything is sent, with
    /// `KubeAPIError.other(code: 413, reason: "RequestEntityTooLarge", …)`, as the API server
    /// would refuse it. Default ``defaultMaxRequestBodySize``.
    public let maxRequestBodySize: Int
    /// Whether lists and watches of kinds that are ``ProtobufDecodable`` (built-in kinds given a
    /// protobuf reader: ConfigMap, Secret) ask for the Kubernetes protobuf encoding, which the
    /// API server encodes and this client decodes at a fraction of JSON's cost. JSON stays the
    /// fallback: an answer in JSON is read as JSON. Every other request is JSON. Default `true`.
    public let protobuf: Bool

    /// kube-apiserver's limit on a request body: 3 MiB (`MaxRequestBodyBytes` of its generic
    /// server configuration). A larger body is answered with 413, which over HTTP/2 often
    /// reaches the client only as a reset stream.
    public static let defaultMaxRequestBodySize = 3 << 20
    /// A body at least this large whose stream fails (connection reset, HTTP/2 stream error)
    /// is reported as refused for its size (413), not as a network error: the API server
    /// resets the stream of a request it refuses before reading its body. 1 MiB.
    public static let largeRequestBodySize = 1 << 20

    public init(
        transport: any HTTPTransport, credentials: any CredentialProvider = StaticCredentials(),
        defaultNamespace: String = "default", host: String = "", fieldManager: String? = nil,
        maxRequestBodySize: Int = KubeClient.defaultMaxRequestBodySize, protobuf: Bool = true,
        observer: @escaping @Sendable (String, String, String) -> Void = { _, _, _ in }
    ) {
        self.maxRequestBodySize = maxRequestBodySize
        self.protobuf = protobuf
        self.transport = transport
        self.credentials = credentials
        self.defaultNamespace = defaultNamespace
        self.host = host
        self.fieldManager = fieldManager
        self.observer = observer
    }

    /// Stops the transport when it is a ``CurlTransport`` (its thread ends; open requests and
    /// streams fail, later ones fail at once); other transports are left alone. Idempotent.
    ///
    /// Call it before a command-line process exits: the process's exit handlers tear libcurl
    /// and OpenSSL down, and a transfer still running on the transport's thread would then use
    /// freed locks (a crash after the command's work is done).
    public func shutdown() {
        (transport as? CurlTransport)?.shutdown()
    }

    // MARK: Raw requests

    /// Sends a request with credentials; returns the 2xx response or throws `KubeAPIError`.
    ///
    /// A body larger than ``maxRequestBodySize`` is not sent: 413 `RequestEntityTooLarge`. A
    /// transport failure of a request whose body is at least ``largeRequestBodySize`` is
    /// reported as 413 too (the API server resets the stream of a body it refuses; libcurl
    /// reports "Stream error in the HTTP/2 framing layer"), with the transport's message.
    ///
    /// With `bodySink`, a 2xx body goes to the sink as it arrives (``HTTPTransport/send(_:bodySink:)``)
    /// and the returned response's body is empty.
    public func send(_ request: HTTPRequest, bodySink: (any HTTPBodySink)? = nil) async throws -> HTTPResponse {
        let bodySize = request.body?.count ?? 0
        if bodySize > maxRequestBodySize {
            observer(request.method.rawValue, "<error>", host)
            throw KubeAPIError.other(
                code: 413, reason: "RequestEntityTooLarge",
                message: "not sent: the request body of \(request.description) is \(bodySize) bytes, more than the "
                    + "\(maxRequestBodySize) bytes the API server accepts")
        }
        var attempt = 0
        while true {
            var req = request
            let creds = try await credentials.credentials()
            if let auth = creds.authorizationHeader { req.headers["Authorization"] = auth }
            if let identity = creds.clientIdentity { req.clientIdentity = identity }
            let response: HTTPResponse
            do {
                if let bodySink {
                    response = try await transport.send(req, bodySink: bodySink)
                } else {
                    response = try await transport.send(req)
                }
            } catch let error as TransportError where bodySize >= Self.largeRequestBodySize {
                observer(request.method.rawValue, "<error>", host)
                guard case .connection(let reason) = error else { throw error }
                throw KubeAPIError.other(
                    code: 413, reason: "RequestEntityTooLarge",
                    message: "the API server dropped \(request.description) while its body of \(bodySize) bytes was "
                        + "sent (\(reason)): most likely refused as too large")
            } catch {
                observer(request.method.rawValue, "<error>", host)
                throw error
            }
            observer(request.method.rawValue, String(response.status), host)
            if (200..<300).contains(response.status) { return response }
            if response.status == 401 && attempt == 0 {
                attempt += 1
                await credentials.invalidate()
                continue
            }
            throw KubeAPIError(status: response.status, headers: response.headers, body: response.body)
        }
    }

    /// Opens a streaming request with credentials; throws `KubeAPIError` for a non-2xx head.
    ///
    /// - Parameter idleTimeout: how long the body may stay silent before the stream fails with
    ///   `TransportError.idle`; default `nil`, the transport's (`TransportOptions.watchIdleTimeout`).
    public func stream(_ request: HTTPRequest, idleTimeout: Duration? = nil) async throws -> HTTPLineStream {
        var req = request
        let creds = try await credentials.credentials()
        if let auth = creds.authorizationHeader { req.headers["Authorization"] = auth }
        if let identity = creds.clientIdentity { req.clientIdentity = identity }
        let s: HTTPLineStream
        do {
            if let idleTimeout {
                s = try await transport.stream(req, idleTimeout: idleTimeout)
            } else {
                s = try await transport.stream(req)
            }
        } catch {
            observer(request.method.rawValue, "<error>", host)
            throw error
        }
        observer(request.method.rawValue, String(s.status), host)
        guard (200..<300).contains(s.status) else {
            if s.status == 401 { await credentials.invalidate() }
            let body = (try? await s.collectBody()) ?? Data()
            throw KubeAPIError(status: s.status, headers: s.headers, body: body)
        }
        return s
    }

    // MARK: Reads

    /// GET one object. Throws `KubeAPIError.notFound` when it does not exist.
    public func get<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil) async throws -> T {
        let r = try await send(APIRequests.get(T.resource, namespace: ns(T.self, namespace), name: name))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// GET one object, or `nil` when it does not exist.
    public func getIfExists<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil) async throws
        -> T?
    {
        do { return try await get(type, name: name, namespace: namespace) } catch KubeAPIError.notFound {
            return nil
        }
    }

    /// One page of a list. `namespace: nil` lists all namespaces for namespaced kinds.
    ///
    /// Items are decoded one by one: an item that does not decode as `T` is left out of `items`
    /// and reported in `undecodable` (``KubeJSON/decodeList(_:from:)``), so one odd object
    /// never hides the others.
    public func list<T: KubeResource>(_ type: T.Type, namespace: String? = nil, options: ListOptions = .init())
        async throws -> ObjectList<T>
    {
        // Decoded as it arrives: the body is never held whole.
        let protobufReader = protobufObjectDecoder(for: T.self)
        let decoder = ObjectListStreamDecoder<T>(protobuf: protobufReader)
        var request = APIRequests.list(T.resource, namespace: namespace, options: options)
        if protobufReader != nil { request.headers["Accept"] = KubeProtobuf.accept }
        _ = try await send(request, bodySink: decoder)
        return try decoder.finish()
    }

    /// Every page of a list, following `continue` tokens, `pageSize` items at a time.
    ///
    /// Returns the items and the list's `resourceVersion` (the one of the first page, which the
    /// continued pages share); items that do not decode are left out (``listPages(_:namespace:options:pageSize:)``
    /// reports them).
    public func listAll<T: KubeResource>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = .init(), pageSize: Int = 500
    ) async throws -> (items: [T], resourceVersion: String) {
        let all = try await listPages(type, namespace: namespace, options: options, pageSize: pageSize)
        return (all.items, all.metadata.resourceVersion ?? "")
    }

    /// Every page of a list merged into one: the items, the items that did not decode
    /// (`undecodable`), and the `resourceVersion` of the first page, which the continued pages
    /// share. A continue token that expired (410) restarts the list once without paging, as
    /// client-go's pager does.
    public func listPages<T: KubeResource>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = .init(), pageSize: Int = 500
    ) async throws -> ObjectList<T> {
        var opts = options
        opts.limit = pageSize
        var all = ObjectList<T>(metadata: ListMeta(), items: [])
        var resourceVersion: String?
        while true {
            let page: ObjectList<T>
            do {
                page = try await list(type, namespace: namespace, options: opts)
            } catch KubeAPIError.gone where opts.continueToken != nil {
                var full = options
                full.limit = nil
                full.continueToken = nil
                return try await list(type, namespace: namespace, options: full)
            }
            if resourceVersion == nil { resourceVersion = page.metadata.resourceVersion }
            all.items.append(contentsOf: page.items)
            all.undecodable.append(contentsOf: page.undecodable)
            guard let next = page.metadata.continue, !next.isEmpty else { break }
            opts.continueToken = next
            opts.resourceVersion = nil
        }
        all.metadata.resourceVersion = resourceVersion ?? ""
        return all
    }

    /// Watches a collection. The stream yields decoded events until the server closes the
    /// watch (normal end) or the connection fails (thrown). Lines are decoded only as the
    /// consumer asks for events, so memory stays bounded by the transport's stream buffer. A watch `ERROR` event arrives as
    /// `.error`; the caller decides whether to resume or relist.
    public func watch<T: KubeResource>(_ type: T.Type, namespace: String? = nil, options: WatchOptions = .init())
        async throws -> AsyncThrowingStream<WatchEvent<T>, any Error>
    {
        var req = APIRequests.watch(T.resource, namespace: namespace, options: options)
        req.timeout = .seconds(30)
        let protobufReader = protobufObjectDecoder(for: T.self)
        if protobufReader != nil { req.headers["Accept"] = KubeProtobuf.accept }
        let answer = try await stream(req)
        // Decoded as the consumer reads: a slow consumer leaves the lines in the transport's
        // bounded buffer (which pauses the transfer) instead of in an unbounded stream here.
        if let protobufReader, KubeProtobuf.isProtobuf(contentType: answer.headers["content-type"]) {
            return answer.decodedLines { frame in
                try WatchEvent<T>.decode(protobufFrame: frame, object: protobufReader)
            }
        }
        return answer.decodedLines { line in
            line.isEmpty ? nil : try WatchEvent<T>.decode(line: line)
        }
    }

    /// The protobuf reader of `T` when this client asks for protobuf (``protobuf``) and `T` has
    /// one; `nil`: JSON.
    private func protobufObjectDecoder<T: KubeResource>(for type: T.Type) -> (
        @Sendable (inout ProtobufReader) throws -> T
    )? {
        protobuf ? KubeProtobuf.objectDecoder(for: T.self) : nil
    }

    // MARK: Writes

    /// POST a new object. Throws `KubeAPIError.alreadyExists` when the name is taken.
    ///
    /// - Parameter fieldManager: default: the client's `fieldManager` (none when that is `nil`).
    public func create<T: KubeResource>(_ object: T, namespace: String? = nil, fieldManager: String? = nil)
        async throws -> T
    {
        let r = try await send(
            APIRequests.create(
                T.resource, namespace: ns(T.self, namespace ?? object.metadata.namespace),
                body: KubeJSON.encode(object), fieldManager: fieldManager ?? self.fieldManager))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// Server-side apply: sends the fields this manager wants to own.
    ///
    /// - Parameters:
    ///   - fieldManager: default: the client's `fieldManager`. With neither, throws
    ///     `KubeAPIError.badRequest` without sending anything (the API server refuses an apply
    ///     without a manager, and guessing one would leave fields owned by the wrong manager).
    ///   - force: default `true`: take over fields another manager owns (controllers own their
    ///     objects' desired state).
    ///   - subresource: `status` to apply status fields.
    public func apply<T: KubeResource>(
        _ object: T, subresource: String? = nil, fieldManager: String? = nil, force: Bool = true,
        dryRun: Bool = false
    ) async throws -> T {
        guard let name = object.metadata.name else {
            throw KubeAPIError.badRequest("server-side apply needs metadata.name")
        }
        guard let manager = fieldManager ?? self.fieldManager else {
            throw KubeAPIError.badRequest("server-side apply needs a field manager")
        }
        let r = try await send(
            APIRequests.patch(
                T.resource, namespace: ns(T.self, object.metadata.namespace), name: name, type: .apply,
                body: KubeJSON.encode(object), subresource: subresource, fieldManager: manager, force: force,
                dryRun: dryRun))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// JSON merge patch (RFC 7386).
    public func mergePatch<T: KubeResource>(
        _ type: T.Type, name: String, namespace: String? = nil, patch: JSONValue, subresource: String? = nil
    ) async throws -> T {
        let r = try await send(
            APIRequests.patch(
                T.resource, namespace: ns(T.self, namespace), name: name, type: .merge, body: KubeJSON.encode(patch),
                subresource: subresource, fieldManager: fieldManager))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// JSON patch (RFC 6902). A failing `test` operation makes the server answer 422
    /// (`KubeAPIError.invalid`) and change nothing.
    public func jsonPatch<T: KubeResource>(
        _ type: T.Type, name: String, namespace: String? = nil, operations: [JSONPatchOperation],
        subresource: String? = nil
    ) async throws -> T {
        let r = try await send(
            APIRequests.patch(
                T.resource, namespace: ns(T.self, namespace), name: name, type: .json,
                body: KubeJSON.encode(operations), subresource: subresource,
                fieldManager: fieldManager))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// PUT the whole object's `status` (with its `resourceVersion`: a stale one is a conflict).
    public func replaceStatus<T: KubeResource>(_ object: T) async throws -> T {
        guard let name = object.metadata.name else { throw KubeAPIError.badRequest("replace needs metadata.name") }
        let r = try await send(
            APIRequests.replace(
                T.resource, namespace: ns(T.self, object.metadata.namespace), name: name,
                body: KubeJSON.encode(object), subresource: "status"))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// PUT the whole object (with its `resourceVersion`: a stale one is a conflict).
    public func replace<T: KubeResource>(_ object: T) async throws -> T {
        guard let name = object.metadata.name else { throw KubeAPIError.badRequest("replace needs metadata.name") }
        let r = try await send(
            APIRequests.replace(
                T.resource, namespace: ns(T.self, object.metadata.namespace), name: name,
                body: KubeJSON.encode(object)))
        return try KubeJSON.decode(T.self, from: r.body)
    }

    /// DELETE one object. Returns normally when it was deleted or deletion has begun (an
    /// object with finalizers lingers until they are removed).
    public func delete<T: KubeResource>(
        _ type: T.Type, name: String, namespace: String? = nil, options: DeleteOptions = .init()
    ) async throws {
        _ = try await send(APIRequests.delete(T.resource, namespace: ns(T.self, namespace), name: name, options: options))
    }

    // MARK: Helpers

    /// The namespace to use for `T`: `nil` for cluster-scoped kinds, otherwise the given one or
    /// the client's default.
    private func ns<T: KubeResource>(_ type: T.Type, _ namespace: String?) -> String? {
        T.resource.namespaced ? (namespace ?? defaultNamespace) : nil
    }
}
