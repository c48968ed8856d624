import Foundation

/// A StorageClass (`storage.k8s.io/v1`, cluster-scoped). `provisioner` is required by the server.
public struct StorageClass: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses", namespaced: false)

    /// Always encoded; defaults to `storage.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `StorageClass`.
    public var kind: String
    public var metadata: ObjectMeta
    public var provisioner: String?
    public var parameters: [String: String]?
    /// `Delete` (default) or `Retain`.
    public var reclaimPolicy: String?
    /// `Immediate` (default) or `WaitForFirstConsumer`.
    public var volumeBindingMode: String?
    public var allowVolumeExpansion: Bool?
    public var mountOptions: [String]?

    public init(metadata: ObjectMeta = ObjectMeta(), provisioner: String? = nil, parameters: [String: String]? = nil, reclaimPolicy: String? = nil, volumeBindingMode: String? = nil, allowVolumeExpansion: Bool? = nil, mountOptions: [String]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.provisioner = provisioner
        self.parameters = parameters
        self.reclaimPolicy = reclaimPolicy
        self.volumeBindingMode = volumeBindingMode
        self.allowVolumeExpansion = allowVolumeExpansion
        self.mountOptions = mountOptions
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, provisioner, parameters, reclaimPolicy, volumeBindingMode, allowVolumeExpansion, mountOptions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        provisioner = try c.decodeIfPresent(String.self, forKey: .provisioner)
        parameters = try c.decodeIfPresent([String: String].self, forKey: .parameters)
        reclaimPolicy = try c.decodeIfPresent(String.self, forKey: .reclaimPolicy)
        volumeBindingMode = try c.decodeIfPresent(String.self, forKey: .volumeBindingMode)
        allowVolumeExpansion = try c.decodeIfPresent(Bool.self, forKey: .allowVolumeExpansion)
        mountOptions = try c.decodeIfPresent([String].self, forKey: .mountOptions)
    }
}

extension StorageClass {
    /// The annotation that marks the cluster's default StorageClass.
    public static let defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"

    /// `true` when annotated as the default class.
    public var isDefaultClass: Bool { metadata.annotations?[Self.defaultClassAnnotation] == "true" }
}
