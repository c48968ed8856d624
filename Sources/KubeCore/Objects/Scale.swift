import Foundation

/// The `scale` subresource (`autoscaling/v1`) of workloads and custom resources. `resource` describes the kind only; requests go to `<object>/scale` through `KubeClient.getScale`/`updateScale`.
public struct Scale: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "autoscaling", version: "v1", kind: "Scale", plural: "scale", namespaced: true)

    /// Always encoded; defaults to `autoscaling/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Scale`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ScaleSpec?
    public var status: ScaleStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ScaleSpec? = nil, status: ScaleStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(ScaleSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(ScaleStatus.self, forKey: .status)
    }
}

public struct ScaleSpec: Codable, Hashable, Sendable {
    public var replicas: Int?
    public init(replicas: Int? = nil) { self.replicas = replicas }
}

public struct ScaleStatus: Codable, Hashable, Sendable {
    public var replicas: Int
    /// The pods' label selector in query-string form.
    public var selector: String?
    public init(replicas: Int, selector: String? = nil) {
        self.replicas = replicas
        self.selector = selector
    }
}
