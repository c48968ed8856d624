import Foundation
import KubeClient
import KubeCore

/// Prepares the objects of the memory benchmark: ~1 KB ConfigMaps labelled
/// `kube-benchmark/role=memory` in one namespace.
public enum MemoryBenchmarkSetup {
    /// The selector of the memory benchmark's objects.
    public static let labelSelector = "\(BenchmarkObjects.roleLabel)=memory"

    /// Creates `memory-<i>` ConfigMaps until `namespace` holds `count` of them (existing ones
    /// are kept), `limit` requests at once. Returns the seconds spent creating.
    public static func ensure(count: Int, namespace: String, limit: Int, client: KubeClient) async throws -> Double {
        try await BenchmarkObjects.ensureNamespace(namespace, client: client)
        let existing = try await BenchmarkObjects.count(role: "memory", namespace: namespace, client: client)
        guard existing < count else { return 0 }
        let started = ContinuousClock.now
        try await BenchmarkObjects.create(
            prefix: "memory", range: existing..<count, namespace: namespace, role: "memory", limit: limit,
            client: client)
        return (ContinuousClock.now - started).seconds
    }

    /// Bytes of the JSON body of one unpaged list of the memory objects (what the reflector's
    /// first list receives).
    public static func listBodyBytes(namespace: String, client: KubeClient) async throws -> Int {
        let response = try await client.send(
            APIRequests.list(
                ConfigMap.resource, namespace: namespace,
                options: ListOptions(labelSelector: labelSelector, resourceVersion: "0")))
        return response.body.count
    }
}
