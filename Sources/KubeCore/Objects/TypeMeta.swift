import Foundation

extension KeyedDecodingContainer {
    /// Decodes `apiVersion` or `kind`, falling back to `fallback` when absent: list responses
    /// leave them out of their items.
    func decodeTypeMeta(_ key: Key, default fallback: String) throws -> String {
        try decodeIfPresent(String.self, forKey: key) ?? fallback
    }

    /// Decodes `metadata`, empty when absent.
    func decodeMetadata(_ key: Key) throws -> ObjectMeta {
        try decodeIfPresent(ObjectMeta.self, forKey: key) ?? ObjectMeta()
    }
}

/// A reference to an object in the same namespace by name (`imagePullSecrets`, `secretRef`).
public struct LocalObjectReference: Codable, Hashable, Sendable {
    public var name: String?
    public init(name: String? = nil) { self.name = name }
}
