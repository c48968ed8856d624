import Foundation
import KubeCore

extension KubeClient {
    /// `GET .../{name}/scale` of a workload (StatefulSet, Deployment, or a custom resource
    /// with a scale subresource).
    public func getScale<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil) async throws
        -> Scale
    {
        let ns = T.resource.namespaced ? (namespace ?? defaultNamespace) : nil
        let r = try await send(APIRequests.get(T.resource, namespace: ns, name: name, subresource: "scale"))
        return try KubeJSON.decode(Scale.self, from: r.body)
    }

    /// `PUT .../{name}/scale` with `scale` (name and namespace from its metadata; the
    /// `resourceVersion` in it, when set, makes the write conditional).
    public func updateScale<T: KubeResource>(_ type: T.Type, scale: Scale) async throws -> Scale {
        guard let name = scale.metadata.name else { throw KubeAPIError.badRequest("updateScale needs metadata.name") }
        let ns = T.resource.namespaced ? (scale.metadata.namespace ?? defaultNamespace) : nil
        let r = try await send(
            APIRequests.replace(T.resource, namespace: ns, name: name, body: KubeJSON.encode(scale), subresource: "scale"))
        return try KubeJSON.decode(Scale.self, from: r.body)
    }
}
