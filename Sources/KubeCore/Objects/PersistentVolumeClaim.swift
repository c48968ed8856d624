import Foundation

/// A claim on storage (`core/v1`).
public struct PersistentVolumeClaim: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `PersistentVolumeClaim`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: PersistentVolumeClaimSpec?
    public var status: PersistentVolumeClaimStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PersistentVolumeClaimSpec? = nil, status: PersistentVolumeClaimStatus? = nil) {
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
        spec = try c.decodeIfPresent(PersistentVolumeClaimSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(PersistentVolumeClaimStatus.self, forKey: .status)
    }
}

public struct PersistentVolumeClaimSpec: Codable, Hashable, Sendable {
    /// `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany`, `ReadWriteOncePod`.
    public var accessModes: [String]?
    /// `requests.storage` is the size asked for.
    public var resources: ResourceRequirements?
    /// `nil` uses the default StorageClass; `""` asks for none.
    public var storageClassName: String?
    /// `Filesystem` (default) or `Block`.
    public var volumeMode: String?
    public var volumeName: String?
    public var selector: LabelSelector?

    public init(
        accessModes: [String]? = nil, resources: ResourceRequirements? = nil, storageClassName: String? = nil,
        volumeMode: String? = nil, volumeName: String? = nil, selector: LabelSelector? = nil
    ) {
        self.accessModes = accessModes
        self.resources = resources
        self.storageClassName = storageClassName
        self.volumeMode = volumeMode
        self.volumeName = volumeName
        self.selector = selector
    }
}

public struct PersistentVolumeClaimStatus: Codable, Hashable, Sendable {
    /// `Pending`, `Bound` or `Lost`.
    public var phase: String?
    public var accessModes: [String]?
    public var capacity: [String: Quantity]?
    public var conditions: [JSONValue]?
    public init(
        phase: String? = nil, accessModes: [String]? = nil, capacity: [String: Quantity]? = nil,
        conditions: [JSONValue]? = nil
    ) {
        self.phase = phase
        self.accessModes = accessModes
        self.capacity = capacity
        self.conditions = conditions
    }
}
