import Foundation

/// A Secret (`core/v1`). `data` holds base64 values as the API sends them; `stringData` is write-only plain text that the server merges into `data`.
public struct Secret: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Secret`.
    public var kind: String
    public var metadata: ObjectMeta
    /// `Opaque` (server default), `kubernetes.io/tls`, `kubernetes.io/dockerconfigjson`, ...
    public var type: String?
    /// Base64-encoded values. Use `decodedData(_:)` / `setData(_:_:)`.
    public var data: [String: String]?
    /// Plain-text values, merged into `data` by the server; never returned.
    public var stringData: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta = ObjectMeta(), type: String? = nil, data: [String: String]? = nil, stringData: [String: String]? = nil, immutable: Bool? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.type = type
        self.data = data
        self.stringData = stringData
        self.immutable = immutable
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, type, data, stringData, immutable }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        data = try c.decodeIfPresent([String: String].self, forKey: .data)
        stringData = try c.decodeIfPresent([String: String].self, forKey: .stringData)
        immutable = try c.decodeIfPresent(Bool.self, forKey: .immutable)
    }
}

extension Secret {
    /// The decoded bytes of `data[key]`, or `nil` when the key is missing or not base64.
    public func decodedData(_ key: String) -> Data? {
        data?[key].flatMap { Data(base64Encoded: $0) }
    }

    /// `data[key]` decoded as UTF-8 text, or `nil`.
    public func decodedString(_ key: String) -> String? {
        decodedData(key).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Every key of `data` decoded; keys whose value is not base64 are left out.
    public var decodedData: [String: Data] {
        (data ?? [:]).compactMapValues { Data(base64Encoded: $0) }
    }

    /// Sets `data[key]` to the base64 encoding of `bytes`.
    public mutating func setData(_ key: String, _ bytes: Data) {
        var d = data ?? [:]
        d[key] = bytes.base64EncodedString()
        data = d
    }
}
