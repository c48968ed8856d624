import Foundation

/// `coordination.k8s.io/v1 Lease`: a lock with a holder and a time-to-live, used for leader
/// election.
///
/// Times (`acquireTime`, `renewTime`) are `MicroTime` strings: RFC 3339 in UTC with six
/// fractional digits, such as `2024-05-01T10:00:00.123456Z`.
public struct Lease: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true)

    public var apiVersion: String = Lease.resource.apiVersion
    public var kind: String = Lease.resource.kind
    public var metadata: ObjectMeta
    public var spec: LeaseSpec?

    public init(metadata: ObjectMeta, spec: LeaseSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

    /// Decodes a lease; `apiVersion` and `kind` may be absent (as in list items).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Lease.resource.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Lease.resource.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try c.decodeIfPresent(LeaseSpec.self, forKey: .spec)
    }
}

/// The state of a `Lease`. Every field is optional, as on the wire.
public struct LeaseSpec: Codable, Hashable, Sendable {
    /// The identity of the current holder; `nil` or empty when nobody holds the lease.
    public var holderIdentity: String?
    /// How long, in seconds, candidates must wait after the last observed change before they
    /// may take the lease over.
    public var leaseDurationSeconds: Int32?
    /// When the current holder acquired the lease (`MicroTime`).
    public var acquireTime: String?
    /// When the current holder last renewed the lease (`MicroTime`).
    public var renewTime: String?
    /// How many times the lease changed holders.
    public var leaseTransitions: Int32?

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int32? = nil, acquireTime: String? = nil,
        renewTime: String? = nil, leaseTransitions: Int32? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}
