import Foundation

/// Builds the HTTP requests of every API operation, without doing any I/O.
///
/// Every function is pure: the same arguments give the same request, which is what the
/// scripted-transport tests compare against.
public enum APIRequests {
    public static func get(_ r: ResourceDescriptor, namespace: String?, name: String, subresource: String? = nil)
        -> HTTPRequest
    {
        HTTPRequest(method: .get, path: r.path(namespace: namespace, name: name, subresource: subresource))
    }

    public static func list(_ r: ResourceDescriptor, namespace: String?, options: ListOptions = .init())
        -> HTTPRequest
    {
        var q: [QueryItem] = []
        if let s = options.labelSelector { q.append(.init("labelSelector", s)) }
        if let s = options.fieldSelector { q.append(.init("fieldSelector", s)) }
        if let l = options.limit { q.append(.init("limit", String(l))) }
        if let c = options.continueToken { q.append(.init("continue", c)) }
        if let rv = options.resourceVersion {
            q.append(.init("resourceVersion", rv))
            // A paged list from the watch cache must say how to match the version.
            if options.limit != nil && rv != "0" && !rv.isEmpty {
                q.append(.init("resourceVersionMatch", "NotOlderThan"))
            }
        }
        return HTTPRequest(method: .get, path: r.path(namespace: namespace), query: q)
    }

    public static func watch(_ r: ResourceDescriptor, namespace: String?, options: WatchOptions) -> HTTPRequest {
        var q: [QueryItem] = [.init("watch", "1")]
        if let s = options.labelSelector { q.append(.init("labelSelector", s)) }
        if let s = options.fieldSelector { q.append(.init("fieldSelector", s)) }
        if let rv = options.resourceVersion { q.append(.init("resourceVersion", rv)) }
        if let t = options.timeoutSeconds { q.append(.init("timeoutSeconds", String(t))) }
        if options.allowWatchBookmarks { q.append(.init("allowWatchBookmarks", "true")) }
        return HTTPRequest(method: .get, path: r.path(namespace: namespace), query: q)
    }

    /// The log of one pod's container, plain text (`Accept: text/plain, */*`); see
    /// ``PodLogOptions`` for the parameters. Sent as a stream by `KubeClient.podLogs`.
    public static func podLogs(namespace: String, name: String, options: PodLogOptions = .init()) -> HTTPRequest {
        var q: [QueryItem] = []
        if let c = options.container { q.append(.init("container", c)) }
        if options.follow { q.append(.init("follow", "true")) }
        if let n = options.tailLines { q.append(.init("tailLines", String(n))) }
        if let s = options.sinceSeconds { q.append(.init("sinceSeconds", String(s))) }
        if let t = options.sinceTime { q.append(.init("sinceTime", t)) }
        if options.timestamps { q.append(.init("timestamps", "true")) }
        if options.previous { q.append(.init("previous", "true")) }
        if let b = options.limitBytes { q.append(.init("limitBytes", String(b))) }
        return HTTPRequest(
            method: .get, path: Pod.resource.path(namespace: namespace, name: name, subresource: "log"), query: q,
            headers: ["Accept": "text/plain, */*"])
    }

    public static func create(_ r: ResourceDescriptor, namespace: String?, body: Data, fieldManager: String? = nil)
        -> HTTPRequest
    {
        HTTPRequest(
            method: .post, path: r.path(namespace: namespace),
            query: fieldManager.map { [.init("fieldManager", $0)] } ?? [],
            headers: ["Content-Type": "application/json"], body: body)
    }

    /// PUT of a whole object (or of its `status` with `subresource: "status"`); the body must
    /// carry the `resourceVersion` it was read at (optimistic concurrency).
    public static func replace(
        _ r: ResourceDescriptor, namespace: String?, name: String, body: Data, subresource: String? = nil
    ) -> HTTPRequest {
        HTTPRequest(
            method: .put, path: r.path(namespace: namespace, name: name, subresource: subresource),
            headers: ["Content-Type": "application/json"], body: body)
    }

    /// A patch of any flavour. For `.apply`, `fieldManager` is required by the server and
    /// `force` takes over fields other managers own.
    public static func patch(
        _ r: ResourceDescriptor, namespace: String?, name: String, type: PatchType, body: Data,
        subresource: String? = nil, fieldManager: String? = nil, force: Bool = false, dryRun: Bool = false
    ) -> HTTPRequest {
        var q: [QueryItem] = []
        if let fieldManager { q.append(.init("fieldManager", fieldManager)) }
        if force && type == .apply { q.append(.init("force", "true")) }
        if dryRun { q.append(.init("dryRun", "All")) }
        return HTTPRequest(
            method: .patch, path: r.path(namespace: namespace, name: name, subresource: subresource), query: q,
            headers: ["Content-Type": type.rawValue], body: body)
    }

    public static func delete(_ r: ResourceDescriptor, namespace: String?, name: String, options: DeleteOptions)
        -> HTTPRequest
    {
        HTTPRequest(
            method: .delete, path: r.path(namespace: namespace, name: name),
            headers: ["Content-Type": "application/json"], body: try? KubeJSON.encode(options))
    }
}
