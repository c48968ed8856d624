import KubeCore

/// The `IPFSCluster` custom resource (`quartermaster.dev/v1alpha1`).
public struct IPFSCluster: KubeResource, Equatable {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "IPFSCluster", plural: "ipfsclusters", namespaced: true)

    public var apiVersion: String = IPFSCluster.resource.apiVersion
    public var kind: String = IPFSCluster.resource.kind
    public var metadata: ObjectMeta
    public var spec: IPFSClusterSpec
    public var status: IPFSClusterStatus?

    public init(metadata: ObjectMeta, spec: IPFSClusterSpec = IPFSClusterSpec(), status: IPFSClusterStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Self.resource.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Self.resource.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try c.decodeIfPresent(IPFSClusterSpec.self, forKey: .spec) ?? IPFSClusterSpec()
        // Status is the operator's own and always recomputed: one it cannot read (written by another
        // version) reads as none and is rewritten whole, rather than making the object unreadable.
        status = (try? c.decodeIfPresent(IPFSClusterStatus.self, forKey: .status)) ?? nil
    }
}
