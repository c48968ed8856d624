import Foundation

/// A ResourceQuota (`core/v1`): caps on what a namespace may use.
public struct ResourceQuota: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", namespaced: true)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `ResourceQuota`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ResourceQuotaSpec?
    public var status: ResourceQuotaStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ResourceQuotaSpec? = nil, status: ResourceQuotaStatus? = nil) {
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
        spec = try c.decodeIfPresent(ResourceQuotaSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(ResourceQuotaStatus.self, forKey: .status)
    }
}

public struct ResourceQuotaSpec: Codable, Hashable, Sendable {
    /// `requests.cpu`, `limits.memory`, `persistentvolumeclaims`, `count/pods`, ...
    public var hard: [String: Quantity]?
    public var scopes: [String]?
    public var scopeSelector: JSONValue?
    public init(hard: [String: Quantity]? = nil, scopes: [String]? = nil, scopeSelector: JSONValue? = nil) {
        self.hard = hard
        self.scopes = scopes
        self.scopeSelector = scopeSelector
    }
}

public struct ResourceQuotaStatus: Codable, Hashable, Sendable {
    public var hard: [String: Quantity]?
    public var used: [String: Quantity]?
    public init(hard: [String: Quantity]? = nil, used: [String: Quantity]? = nil) {
        self.hard = hard
        self.used = used
    }

    /// What is left of `resource` (`hard - used`), or `nil` when the quota does not cap it.
    public func remaining(_ resource: String) -> Quantity? {
        guard let h = hard?[resource] else { return nil }
        return h - (used?[resource] ?? Quantity(0))
    }
}
