/// Byte quantities (`10Gi`, `500M`, `1073741824`) and the default container resources.
///
/// Rule for defaults (applied per field, only where `spec.resources` leaves a value out):
/// - kubo: requests `cpu: 250m`, `memory: M`; limits `memory: 2×M`, where
///   M = clamp(storage.ipfs.size ÷ 20, 512Mi, 4Gi) (kubo's caches grow with the repository).
/// - ipfs-cluster: requests `cpu: 100m`, `memory: 256Mi`; limits `memory: 512Mi`.
/// No CPU limit is set (throttling hurts libp2p latency more than it protects neighbours).
public enum IPFSResourceDefaults {
    static let mi: Int64 = 1 << 20
    static let gi: Int64 = 1 << 30

    /// Bytes of a Kubernetes quantity; `nil` if it is not a plain or suffixed number.
    public static func bytes(ofQuantity q: String) -> Int64? {
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("Pi", 1_125_899_906_842_624), ("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15),
        ]
        for (suffix, factor) in suffixes where q.hasSuffix(suffix) {
            guard let n = Double(q.dropLast(suffix.count)), n >= 0 else { return nil }
            return Int64(n * factor)
        }
        guard let n = Double(q), n >= 0 else { return nil }
        return Int64(n)
    }

    /// `N Mi` as a quantity string.
    static func mebibytes(_ bytes: Int64) -> String { "\(bytes / mi)Mi" }

    /// The kubo container's resources: `spec` values win, the rule fills the rest.
    public static func kubo(_ spec: IPFSClusterSpec) -> IPFSClusterSpec.ResourceRequirements {
        let storage = bytes(ofQuantity: spec.storage.ipfs.size) ?? 10 * gi
        let memory = min(max(storage / 20, 512 * mi), 4 * gi)
        return merge(
            spec.resources?.kubo,
            defaults: .init(requests: ["cpu": "250m", "memory": mebibytes(memory)], limits: ["memory": mebibytes(2 * memory)]))
    }

    /// The ipfs-cluster container's resources.
    public static func cluster(_ spec: IPFSClusterSpec) -> IPFSClusterSpec.ResourceRequirements {
        merge(spec.resources?.cluster, defaults: .init(requests: ["cpu": "100m", "memory": "256Mi"], limits: ["memory": "512Mi"]))
    }

    static func merge(
        _ given: IPFSClusterSpec.ResourceRequirements?, defaults: IPFSClusterSpec.ResourceRequirements
    ) -> IPFSClusterSpec.ResourceRequirements {
        let requests = (defaults.requests ?? [:]).merging(given?.requests ?? [:]) { _, g in g }
        var limits = (defaults.limits ?? [:]).merging(given?.limits ?? [:]) { _, g in g }
        // A request above the default limit must not produce an invalid pair.
        for (name, request) in requests where given?.limits?[name] == nil {
            if let r = bytes(ofQuantity: request), let l = limits[name].flatMap(bytes(ofQuantity:)), r > l {
                limits[name] = request
            }
        }
        return .init(requests: requests, limits: limits)
    }
}
