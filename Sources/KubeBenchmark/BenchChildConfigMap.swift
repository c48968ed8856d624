import Foundation
import KubeCore

/// A ConfigMap seen as the benchmark controller's child: the same API resource as
/// `ConfigMap`, but a distinct Swift type, so that a controller whose primary kind is
/// `ConfigMap` can cache its children in a store of their own (stores are kept by type).
public struct BenchChildConfigMap: KubeResource, Hashable {
    public static let resource = ConfigMap.resource

    /// Always encoded; `v1`.
    public var apiVersion: String
    /// Always encoded; `ConfigMap`.
    public var kind: String
    public var metadata: ObjectMeta
    public var data: [String: String]?

    public init(metadata: ObjectMeta, data: [String: String]? = nil) {
        apiVersion = Self.resource.apiVersion
        kind = Self.resource.kind
        self.metadata = metadata
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Self.resource.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Self.resource.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        data = try c.decodeIfPresent([String: String].self, forKey: .data)
    }
}

/// Read from protobuf as the ConfigMap it is (``ConfigMap``'s reader), as a controller whose
/// children are ConfigMaps reads them.
extension BenchChildConfigMap: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        let configMap = try ConfigMap(protobuf: &reader)
        self.init(metadata: configMap.metadata, data: configMap.data)
    }
}
