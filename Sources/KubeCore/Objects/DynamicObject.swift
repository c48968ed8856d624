import Foundation

/// Any object, for kinds without a typed model: `apiVersion`, `kind`, `metadata`, and every
/// other top-level field (`spec`, `status`, `data`, ...) as raw JSON in `fields`.
///
/// Round-trips everything it decoded except `metadata.managedFields` (which `ObjectMeta`
/// drops). A `null` top-level field is kept as `.null` and encoded as `null`.
public struct DynamicObject: Codable, Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    /// Every top-level field besides `apiVersion`, `kind` and `metadata`.
    public var fields: [String: JSONValue]

    public init(apiVersion: String, kind: String, metadata: ObjectMeta = ObjectMeta(), fields: [String: JSONValue] = [:]) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.fields = fields
    }

    /// An empty object of the kind `r` describes.
    public init(_ r: ResourceDescriptor, metadata: ObjectMeta = ObjectMeta(), fields: [String: JSONValue] = [:]) {
        self.init(apiVersion: r.apiVersion, kind: r.kind, metadata: metadata, fields: fields)
    }

    /// The top-level field `key` (`object["spec"]`).
    public subscript(key: String) -> JSONValue? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// Converts from a typed object (through JSON).
    public init(_ object: some KubeResource) throws {
        self = try KubeJSON.decode(DynamicObject.self, from: KubeJSON.encode(object))
    }

    /// Converts to a typed object (through JSON).
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try KubeJSON.decode(T.self, from: KubeJSON.encode(self))
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: Key("apiVersion")) ?? ""
        kind = try c.decodeIfPresent(String.self, forKey: Key("kind")) ?? ""
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: Key("metadata")) ?? ObjectMeta()
        var fields: [String: JSONValue] = [:]
        for key in c.allKeys where !["apiVersion", "kind", "metadata"].contains(key.stringValue) {
            fields[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
        self.fields = fields
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(apiVersion, forKey: Key("apiVersion"))
        try c.encode(kind, forKey: Key("kind"))
        try c.encode(metadata, forKey: Key("metadata"))
        for (k, v) in fields where !["apiVersion", "kind", "metadata"].contains(k) {
            try c.encode(v, forKey: Key(k))
        }
    }
}
