import Foundation
import KubeClient
import KubeCore

/// The primary lease on the API server: `coordination.k8s.io/v1` Lease `<pg>-primary` in the
/// PostgresInstance's namespace, read with GET, created with POST, updated with PUT carrying the
/// `resourceVersion` it read (a 409 means someone else wrote first: `PrimaryLeaseConflict`).
///
/// Fields: `spec.holderIdentity` (the pod), `spec.renewTime` (`MicroTime` of this manager's
/// wall clock; others only compare it), `spec.leaseDurationSeconds`, `spec.acquireTime` and
/// `spec.leaseTransitions` (kept up to date when the holder changes). The instance's Role grants
/// `get, update` on this name and `create` on leases.
public struct KubePrimaryLease: PrimaryLease {
    public let client: KubeClient
    public let namespace: String
    /// `<pg>-primary`.
    public let name: String

    public init(client: KubeClient, namespace: String, instance: String) {
        self.client = client
        self.namespace = namespace
        self.name = Self.leaseName(instance: instance)
    }

    /// `<pg>-primary`.
    public static func leaseName(instance: String) -> String { "\(instance)-primary" }

    public func read() async throws -> PrimaryLeaseRecord? {
        try await client.getIfExists(Lease.self, name: name, namespace: namespace).map(Self.record)
    }

    public func create(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord {
        do {
            return Self.record(try await client.create(lease(record), namespace: namespace))
        } catch KubeAPIError.alreadyExists(let message) {
            throw PrimaryLeaseConflict(message)
        } catch KubeAPIError.conflict(let message) {
            throw PrimaryLeaseConflict(message)
        }
    }

    public func update(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord {
        do {
            return Self.record(try await client.replace(lease(record)))
        } catch KubeAPIError.conflict(let message) {
            throw PrimaryLeaseConflict(message)
        } catch KubeAPIError.notFound(let message) {
            throw PrimaryLeaseConflict(message)
        }
    }

    /// The whole object for a POST or PUT (with `record.version` as `resourceVersion` when set).
    func lease(_ record: PrimaryLeaseRecord) -> Lease {
        var metadata = ObjectMeta(name: name, namespace: namespace)
        if !record.version.isEmpty { metadata.resourceVersion = record.version }
        return Lease(
            metadata: metadata,
            spec: LeaseSpec(
                holderIdentity: record.holder ?? "", leaseDurationSeconds: Int32(clamping: record.durationSeconds),
                acquireTime: record.acquireTime, renewTime: record.renewTime,
                leaseTransitions: Int32(clamping: record.transitions)))
    }

    static func record(_ lease: Lease) -> PrimaryLeaseRecord {
        PrimaryLeaseRecord(
            holder: lease.spec?.holderIdentity, renewTime: lease.spec?.renewTime,
            durationSeconds: Int(lease.spec?.leaseDurationSeconds ?? 0), version: lease.metadata.resourceVersion ?? "",
            acquireTime: lease.spec?.acquireTime, transitions: Int(lease.spec?.leaseTransitions ?? 0))
    }
}
