import Foundation
import KubeClient
import KubeCore

/// The objects the benchmarks create: ConfigMaps of about 1 KB, told apart by labels.
public enum BenchmarkObjects {
    /// `kube-benchmark/role`: label whose value says what an object is for: `parent`, `child`,
    /// `direct`, `memory`.
    public static let roleLabel = "kube-benchmark/role"

    /// `kube-benchmark/touched`: the label the converged-reconcile phase sets on every parent.
    public static let touchedLabel = "kube-benchmark/touched"

    /// About 1,000 bytes of text that differ per object (so no two payloads share storage).
    public static func payload(index: Int) -> String {
        let seed = String(index, radix: 16)
        var text = ""
        text.reserveCapacity(1000)
        while text.utf8.count < 1000 { text += "\(seed)-abcdefghijklmnopqrstuvwxyz0123456789;" }
        return String(text.prefix(1000))
    }

    /// A ~1 KB ConfigMap named `<prefix>-<index>` with the role label.
    public static func configMap(prefix: String, index: Int, namespace: String, role: String) -> ConfigMap {
        ConfigMap(
            metadata: ObjectMeta(name: "\(prefix)-\(index)", namespace: namespace, labels: [roleLabel: role]),
            data: ["value": "v0", "payload": payload(index: index)])
    }

    /// Creates the namespace unless it exists.
    public static func ensureNamespace(_ name: String, client: KubeClient) async throws {
        do {
            _ = try await client.create(Namespace(metadata: ObjectMeta(name: name)))
        } catch KubeAPIError.alreadyExists {
        }
    }

    /// Creates ConfigMaps `<prefix>-<i>` for `i` in `range` (POST, `limit` at once); names that
    /// exist already are left as they are. Returns the created or existing objects by index.
    @discardableResult
    public static func create(
        prefix: String, range: Range<Int>, namespace: String, role: String, limit: Int, client: KubeClient
    ) async throws -> [Int: ConfigMap] {
        let created = ResultCollector<ConfigMap>()
        try await BoundedConcurrency.forEach(range, limit: limit) { i in
            let object = configMap(prefix: prefix, index: i, namespace: namespace, role: role)
            do {
                created.set(i, try await client.create(object))
            } catch KubeAPIError.alreadyExists {
                created.set(i, try await client.get(ConfigMap.self, name: "\(prefix)-\(i)", namespace: namespace))
            }
        }
        return created.values
    }

    /// How many ConfigMaps in `namespace` carry the role label with this value.
    public static func count(role: String, namespace: String, client: KubeClient) async throws -> Int {
        try await client.listAll(
            ConfigMap.self, namespace: namespace, options: ListOptions(labelSelector: "\(roleLabel)=\(role)")
        ).items.count
    }
}
