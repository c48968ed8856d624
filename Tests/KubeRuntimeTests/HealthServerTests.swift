import Foundation
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct HealthServerTests {
    @Test func healthzIsOkAndReadyzFollowsTheChecks() async throws {
        let ready = Mutex<[String: Bool]>(["widgets": false, "gadgets": true])
        let server = try HealthServer(address: .listen(host: "127.0.0.1", port: 0)) {
            ready.withLock { r in r.sorted { $0.key < $1.key }.map { (name: $0.key, ready: $0.value) } }
        }
        let task = Task { try await server.run() }
        defer { task.cancel() }
        try await server.waitUntilListening()
        let port = try #require(await server.port())

        let health = try await HealthProbeHTTPClient.get(port: port, path: "/healthz")
        #expect(health.status == 200)
        #expect(health.body == "ok\n")

        let notReady = try await HealthProbeHTTPClient.get(port: port, path: "/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.body == "[+]gadgets ok\n[-]widgets not ready\nreadyz check failed\n")

        ready.withLock { $0["widgets"] = true }
        let nowReady = try await HealthProbeHTTPClient.get(port: port, path: "/readyz")
        #expect(nowReady.status == 200)
        #expect(nowReady.body == "ok\n")
    }

    @Test func stopsWhenCancelled() async throws {
        let server = try HealthServer(address: .listen(host: "127.0.0.1", port: 0)) { [] }
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        let port = try #require(await server.port())
        task.cancel()
        try await task.value
        await #expect(throws: (any Error).self) { try await HealthProbeHTTPClient.get(port: port, path: "/healthz") }
    }

    @Test func everyInterfaceAcceptsIPv4Clients() async throws {
        // ":0" binds the IPv6 wildcard (dual stack) or, without IPv6, the IPv4 one.
        let server = try HealthServer(address: try BindAddress(parsing: ":0")) { [] }
        let task = Task { try await server.run() }
        defer { task.cancel() }
        try await server.waitUntilListening()
        let port = try #require(await server.port())
        #expect(try await HealthProbeHTTPClient.get(port: port, path: "/healthz").status == 200)
    }
}
