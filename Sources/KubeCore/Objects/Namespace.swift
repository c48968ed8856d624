import Foundation

/// A namespace (`core/v1`, cluster-scoped).
public struct Namespace: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Namespace`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NamespaceSpec? = nil, status: NamespaceStatus? = nil) {
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
        spec = try c.decodeIfPresent(NamespaceSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(NamespaceStatus.self, forKey: .status)
    }
}

public struct NamespaceSpec: Codable, Hashable, Sendable {
    public var finalizers: [String]?
    public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
}

public struct NamespaceStatus: Codable, Hashable, Sendable {
    /// `Active` or `Terminating`.
    public var phase: String?
    public var conditions: [JSONValue]?
    public init(phase: String? = nil, conditions: [JSONValue]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }
}
