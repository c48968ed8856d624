import Foundation

/// A LimitRange (`core/v1`): per-container or per-pod defaults and bounds.
public struct LimitRange: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "LimitRange", plural: "limitranges", namespaced: true)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `LimitRange`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: LimitRangeSpec?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: LimitRangeSpec? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(LimitRangeSpec.self, forKey: .spec)
    }
}

public struct LimitRangeSpec: Codable, Hashable, Sendable {
    public var limits: [LimitRangeItem]
    public init(limits: [LimitRangeItem]) { self.limits = limits }
}

public struct LimitRangeItem: Codable, Hashable, Sendable {
    /// `Container`, `Pod` or `PersistentVolumeClaim`.
    public var type: String
    public var max: [String: Quantity]?
    public var min: [String: Quantity]?
    /// Default limits of containers that set none.
    public var `default`: [String: Quantity]?
    /// Default requests of containers that set none.
    public var defaultRequest: [String: Quantity]?
    public var maxLimitRequestRatio: [String: Quantity]?
    public init(
        type: String, max: [String: Quantity]? = nil, min: [String: Quantity]? = nil,
        default: [String: Quantity]? = nil, defaultRequest: [String: Quantity]? = nil,
        maxLimitRequestRatio: [String: Quantity]? = nil
    ) {
        self.type = type
        self.max = max
        self.min = min
        self.default = `default`
        self.defaultRequest = defaultRequest
        self.maxLimitRequestRatio = maxLimitRequestRatio
    }
}
