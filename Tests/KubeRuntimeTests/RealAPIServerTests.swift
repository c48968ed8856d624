import Foundation
import KubeClient
import KubeCore
import Testing

@testable import KubeRuntime

/// A ConfigMap, enough of it for these tests.
struct ConfigMap: KubeResource, Equatable {
    static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true)
    var apiVersion = "v1"
    var kind = "ConfigMap"
    var metadata: ObjectMeta
    var data: [String: String]?

    init(metadata: ObjectMeta, data: [String: String]?) {
        self.metadata = metadata
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, data }

    /// Items of a list come without `apiVersion` and `kind`.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? "ConfigMap"
        metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        data = try c.decodeIfPresent([String: String].self, forKey: .data)
    }
}

/// Against a real API server through `kubectl proxy --unix-socket=$QM_PROXY_SOCKET`; skipped
/// unless that variable is set.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QM_PROXY_SOCKET"] != nil))
struct RealAPIServerTests {
    let client = KubeClient(
        transport: CurlProcessTransport(socket: ProcessInfo.processInfo.environment["QM_PROXY_SOCKET"] ?? ""))

    @Test func reflectorFollowsARealServer() async throws {
        let run = UUID().uuidString.prefix(8).lowercased()
        let selector = "qm-test=\(run)"
        func make(_ name: String, _ value: String) -> ConfigMap {
            ConfigMap(
                metadata: ObjectMeta(name: "\(name)-\(run)", namespace: "default", labels: ["qm-test": String(run)]),
                data: ["v": value])
        }
        _ = try await client.create(make("a", "1"))
        _ = try await client.create(make("b", "1"))

        let log = EventLog<ConfigMap>()
        let reflector = Reflector<ConfigMap>(
            client: client, options: ReflectorOptions(labelSelector: selector, namespaces: ["default"])
        ) { log.record($0) }
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await eventually { reflector.hasSynced })
        #expect(reflector.store.count == 2)

        _ = try await client.create(make("c", "1"))
        var a = try await client.get(ConfigMap.self, name: "a-\(run)", namespace: "default")
        a.data = ["v": "2"]
        _ = try await client.replace(a)
        try await client.delete(ConfigMap.self, name: "b-\(run)", namespace: "default")
        #expect(await eventually { reflector.store.keys.map(\.name) == ["a-\(run)", "c-\(run)"] })
        #expect(reflector.store.get(name: "a-\(run)", namespace: "default")?.data == ["v": "2"])
        #expect(log.all.contains("deleted default/b-\(run)"))
        #expect(log.all.contains { $0.hasPrefix("updated default/a-\(run)") })

        for name in ["a", "c"] { try? await client.delete(ConfigMap.self, name: "\(name)-\(run)", namespace: "default") }
    }
}
