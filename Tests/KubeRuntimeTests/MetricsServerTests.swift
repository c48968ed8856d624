import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Prometheus
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct MetricsServerTests {
    @Test func servesTheRegistryInPrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "widgets_reconciled", unitName: "total", helpText: "Widgets."),
            labels: [("controller", "w")]
        ).increment(by: Int64(3))
        let server = try MetricsServer(address: .listen(host: "127.0.0.1", port: 0), registry: registry)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        try await server.waitUntilListening()
        let port = try #require(await server.port())
        #expect(port != 0)

        let r = try await HealthProbeHTTPClient.get(port: port, path: "/metrics")
        #expect(r.status == 200)
        #expect(r.body.contains("# TYPE widgets_reconciled_total counter"))
        #expect(r.body.contains("widgets_reconciled_total{controller=\"w\"} 3"))

        // The registry is read on every request.
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "widgets_reconciled", unitName: "total", helpText: "Widgets."),
            labels: [("controller", "w")]
        ).increment()
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/metrics").body.contains("{controller=\"w\"} 4"))
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/nope").status == 404)
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/metrics", method: "POST").status == 405)
    }

    /// A source whose count changes between scrapes.
    final class CountingSource: StateMetricsSource {
        let kind: String
        private let count = Mutex(0)
        init(kind: String) { self.kind = kind }
        func bump() { count.withLock { $0 += 1 } }
        func stateMetricFamilies() async -> [StateMetricFamily] {
            [StateMetricFamily(
                name: "things", help: "Things per kind.",
                samples: [.init([.init("kind", kind)], Double(count.withLock { $0 }))])]
        }
    }

    @Test func statesAreComputedOnEveryScrapeAndSharedNamesServedOnce() async throws {
        let a = CountingSource(kind: "A"), b = CountingSource(kind: "B")
        let server = try MetricsServer(
            address: .listen(host: "127.0.0.1", port: 0), registry: PrometheusCollectorRegistry(), stateSources: [a, b])
        let task = Task { try await server.run() }
        defer { task.cancel() }
        try await server.waitUntilListening()
        let port = try #require(await server.port())
        let first = try await HealthProbeHTTPClient.get(port: port, path: "/metrics").body
        #expect(first.components(separatedBy: "# TYPE things gauge").count == 2, "one family, once: \(first)")
        #expect(first.contains("things{kind=\"A\"} 0\nthings{kind=\"B\"} 0\n"))
        b.bump()
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/metrics").body.contains("things{kind=\"B\"} 1"))
    }

    @Test func disabledServerReturnsAtOnce() async throws {
        let server = try MetricsServer(address: .disabled, registry: PrometheusCollectorRegistry())
        try await server.run()
        #expect(await server.port() == nil)
    }

    @Test func portInUseIsAnError() async throws {
        let first = try MetricsServer(address: .listen(host: "127.0.0.1", port: 0), registry: .init())
        let task = Task { try await first.run() }
        defer { task.cancel() }
        try await first.waitUntilListening()
        let port = try #require(await first.port())
        let second = try MetricsServer(address: .listen(host: "127.0.0.1", port: port), registry: .init())
        await #expect(throws: (any Error).self) { try await second.run() }
    }
}

@Suite struct MetricsBindAddressTests {
    @Test func parsesTheFlagForms() throws {
        #expect(try BindAddress(parsing: ":8080") == .listen(host: nil, port: 8080))
        #expect(try BindAddress(parsing: "127.0.0.1:9090") == .listen(host: "127.0.0.1", port: 9090))
        #expect(try BindAddress(parsing: "[::1]:8081") == .listen(host: "::1", port: 8081))
        #expect(try BindAddress(parsing: "[::]:8081") == .listen(host: "::", port: 8081))
        #expect(try BindAddress(parsing: "localhost:1") == .listen(host: "127.0.0.1", port: 1))
        #expect(try BindAddress(parsing: "0") == .disabled)
        #expect(try BindAddress(parsing: ":0") == .listen(host: nil, port: 0))
        for bad in ["", "8080", ":", ":99999", "::1:8080", "[::1]", "[]:80", "host.example:80", "1.2.3:80", ":http"] {
            #expect(throws: BindAddressError.self, "\(bad)") { try BindAddress(parsing: bad) }
        }
        #expect(BindAddress.listen(host: "::1", port: 5).description == "[::1]:5")
        #expect(BindAddress.listen(host: nil, port: 5).description == ":5")
    }

    @Test func listensOnIPv6Loopback() async throws {
        // Skipped silently on hosts without IPv6.
        guard let server = try? HealthServer(address: .listen(host: "::1", port: 0), readiness: { [] }) else { return }
        let task = Task { try await server.run() }
        defer { task.cancel() }
        do { try await server.waitUntilListening(timeout: 2) } catch { return }
        #expect(await server.port() != nil)
    }
}

@Suite struct MetricsRestClientTests {
    @Test func countsRequestsByCodeMethodAndHost() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = RestClientMetrics(registry: registry)
        let t = ScriptedTransport()
        t.on(.get, "/api/v1/namespaces/ns/events/a", json: "{\"metadata\":{\"name\":\"a\"},\"involvedObject\":{}}")
        t.on(.get, "/api/v1/namespaces/ns/events/b", status: 404, json: "{\"reason\":\"NotFound\",\"code\":404}")
        let client = KubeClient(
            transport: metrics.instrument(t, host: "api.example"), defaultNamespace: "ns", host: "api.example",
            observer: metrics.observer)
        _ = try await client.get(Event.self, name: "a")
        _ = try await client.get(Event.self, name: "a")
        _ = try await client.getIfExists(Event.self, name: "b")
        let text = registry.emitToString()
        #expect(text.contains("rest_client_requests_total{code=\"200\",method=\"GET\",host=\"api.example\"} 2"))
        #expect(text.contains("rest_client_requests_total{code=\"404\",method=\"GET\",host=\"api.example\"} 1"))
        #expect(text.contains("rest_client_request_duration_seconds_count{verb=\"GET\",host=\"api.example\"} 3"))
    }
}
