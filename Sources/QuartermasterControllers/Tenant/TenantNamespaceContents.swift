import Foundation
import KubeCore

/// What a tenant's namespace holds that keeps the Tenant from being deleted under
/// `spec.deletionPolicy: Retain`: every kind that holds data, by kind, as listed from the API
/// server (never from a cache). The reconciler counts Resources, IPFSClusters (those of
/// Resources and those created directly) and PersistentVolumeClaims (every claim holds data,
/// whether kept by `pvcRetention: Retain` or still bound to a workload).
public struct TenantNamespaceContents: Hashable, Sendable, CustomStringConvertible {
    /// Kind → how many objects of it the namespace holds; kinds with none are left out.
    public var counts: [String: Int]

    public init(counts: [String: Int] = [:]) { self.counts = counts.filter { $0.value > 0 } }

    /// The kinds counted, in the order messages name them: `IPFSCluster`, `Resource`,
    /// `PersistentVolumeClaim`.
    public static let kindOrder = [IPFSCluster.resource.kind, Resource.resource.kind, PersistentVolumeClaim.resource.kind]

    public var isEmpty: Bool { counts.isEmpty }
    public var total: Int { counts.values.reduce(0, +) }

    /// `1 IPFSCluster, 2 Resources and 3 PersistentVolumeClaims (data)`: kinds in
    /// ``kindOrder`` (others after them, by name); claims are marked as data.
    public var description: String {
        let order = { (kind: String) in Self.kindOrder.firstIndex(of: kind) ?? Self.kindOrder.count }
        let kinds = counts.keys.sorted { (order($0), $0) < (order($1), $1) }
        let parts = kinds.map { kind -> String in
            let n = counts[kind] ?? 0
            let data = kind == PersistentVolumeClaim.resource.kind ? " (data)" : ""
            return "\(n) \(kind)\(n == 1 ? "" : "s")\(data)"
        }
        switch parts.count {
        case 0: return "nothing"
        case 1: return parts[0]
        default: return parts.dropLast().joined(separator: ", ") + " and " + (parts.last ?? "")
        }
    }
}
