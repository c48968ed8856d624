import Foundation
import KubeCore

extension KubeClient {
    /// `GET /version`.
    public func serverVersion() async throws -> ServerVersion {
        let r = try await send(HTTPRequest(method: .get, path: "/version"))
        return try KubeJSON.decode(ServerVersion.self, from: r.body)
    }

    /// Every API group the server serves, the core group (name `""`, from `GET /api`) first,
    /// then the named groups of `GET /apis` in the server's order.
    public func apiGroups() async throws -> [APIGroup] {
        let core = try KubeJSON.decode(APIVersions.self, from: try await send(HTTPRequest(method: .get, path: "/api")).body)
        let named = try KubeJSON.decode(
            APIGroupList.self, from: try await send(HTTPRequest(method: .get, path: "/apis")).body)
        let coreVersions = core.versions.map { APIGroup.GroupVersionForDiscovery(groupVersion: $0, version: $0) }
        return [APIGroup(name: "", versions: coreVersions, preferredVersion: coreVersions.first)] + named.groups
    }

    /// The resources of one group version (`v1`, `apps/v1`). Throws `KubeAPIError.notFound`
    /// when the server does not serve it.
    public func apiResources(groupVersion: String) async throws -> APIResourceList {
        let path = groupVersion.contains("/") ? "/apis/\(groupVersion)" : "/api/\(groupVersion)"
        let r = try await send(HTTPRequest(method: .get, path: path))
        return try KubeJSON.decode(APIResourceList.self, from: r.body)
    }
}

/// Caches what the API server serves, one request per group version.
///
/// Results (including "not served") stay cached until `invalidate()`; call it when a CRD was
/// installed or removed. Concurrent callers asking about the same group version share one
/// request. Failures other than 404 are thrown and not cached.
public actor APIDiscovery {
    private let client: KubeClient
    private var resourceLists: [String: Task<APIResourceList?, any Error>] = [:]

    public init(client: KubeClient) { self.client = client }

    /// `true` when the server serves the kind's plural in its group version; `false` (not an
    /// error) when it serves neither the group version nor the resource.
    public func serves(_ r: ResourceDescriptor) async throws -> Bool {
        try await resource(r) != nil
    }

    /// The discovery entry of `r`, or `nil` when the server does not serve it.
    public func resource(_ r: ResourceDescriptor) async throws -> APIResource? {
        try await resources(groupVersion: r.apiVersion)?.resources.first { $0.name == r.plural }
    }

    /// The resources of `groupVersion` (`v1`, `apps/v1`), or `nil` when it is not served.
    public func resources(groupVersion: String) async throws -> APIResourceList? {
        if let cached = resourceLists[groupVersion] { return try await cached.value }
        let client = self.client
        let task = Task<APIResourceList?, any Error> {
            do {
                return try await client.apiResources(groupVersion: groupVersion)
            } catch KubeAPIError.notFound {
                return nil
            }
        }
        resourceLists[groupVersion] = task
        do {
            return try await task.value
        } catch {
            // Do not remember failures: the next call asks again.
            if resourceLists[groupVersion].map({ $0 == task }) == true { resourceLists[groupVersion] = nil }
            throw error
        }
    }

    /// Forgets everything cached.
    public func invalidate() {
        resourceLists.removeAll()
    }
}
