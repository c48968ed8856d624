import Foundation
import Prometheus
import Testing

@testable import KubeRuntime

/// The proxy against real HTTP upstreams on loopback (two `MetricsServer`s standing in for kubo
/// and ipfs-cluster, and a port nothing listens on).
@Suite struct MetricsProxyTests {
    static func upstream(goroutines: Int64, own: String) throws -> MetricsServer {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(name: "go_goroutines", labels: []).set(goroutines)
        registry.makeCounter(name: own, labels: [("kind", "x")]).increment(by: Int64(7))
        return try MetricsServer(address: .listen(host: "127.0.0.1", port: 0), registry: registry)
    }

    @Test func servesTheMergedUpstreamsOnMetricsAndNothingElse() async throws {
        let kubo = try Self.upstream(goroutines: 120, own: "ipfs_blocks_total")
        let cluster = try Self.upstream(goroutines: 40, own: "cluster_pins_total")
        let tasks = [Task { try await kubo.run() }, Task { try await cluster.run() }]
        defer { tasks.forEach { $0.cancel() } }
        try await kubo.waitUntilListening()
        try await cluster.waitUntilListening()
        let kuboPort = try #require(await kubo.port()), clusterPort = try #require(await cluster.port())
        // A port that was listened on and is closed again: nothing answers there.
        let closed = try Self.upstream(goroutines: 0, own: "gone_total")
        let closedTask = Task { try await closed.run() }
        try await closed.waitUntilListening()
        let closedPort = try #require(await closed.port())
        closedTask.cancel()
        _ = await closedTask.result

        let proxy = try MetricsProxy(
            address: .listen(host: "127.0.0.1", port: 0),
            upstreams: [
                .init(name: "kubo", url: "http://127.0.0.1:\(kuboPort)/metrics"),
                .init(name: "ipfs-cluster", url: "http://127.0.0.1:\(clusterPort)/metrics"),
                .init(name: "gone", url: "http://127.0.0.1:\(closedPort)/metrics"),
            ])
        let proxyTask = Task { try await proxy.run() }
        defer { proxyTask.cancel() }
        try await proxy.waitUntilListening()
        let port = try #require(await proxy.port())

        let r = try await HealthProbeHTTPClient.get(port: port, path: "/metrics")
        #expect(r.status == 200)
        let lines = r.body.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("go_goroutines") } == ["go_goroutines 120.0"])
        #expect(lines.contains("ipfs_blocks_total{kind=\"x\"} 7"))
        #expect(lines.contains("cluster_pins_total{kind=\"x\"} 7"))
        #expect(lines.contains("metrics_proxy_upstream_up{upstream=\"kubo\"} 1"))
        #expect(lines.contains("metrics_proxy_upstream_up{upstream=\"ipfs-cluster\"} 1"))
        #expect(lines.contains("metrics_proxy_upstream_up{upstream=\"gone\"} 0"))
        // Only GET /metrics: no other path or method reaches an upstream.
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/api/v0/shutdown").status == 404)
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/debug/metrics/prometheus").status == 404)
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/metrics", method: "POST").status == 405)
    }
}
