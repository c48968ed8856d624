import Foundation
import KubeCore
import KubeTestSupport
import Testing

@testable import KubeClient

@Suite("Transport: KubeClient from a ClientConfiguration")
struct TransportClientConfigurationTests {
    @Test func namespaceHostAndCredentialsComeFromTheConfiguration() throws {
        let credentials = StaticCredentials(Credentials(bearerToken: "t"))
        let client = try KubeClient(
            configuration: ClientConfiguration(server: "https://127.0.0.1:6443", credentials: credentials, namespace: "team-a"))
        #expect(client.defaultNamespace == "team-a")
        #expect(client.host == "127.0.0.1:6443")
        #expect((client.credentials as? StaticCredentials)?.value == credentials.value)
        let transport = try #require(client.transport as? CurlTransport)
        #expect(transport.server == "https://127.0.0.1:6443")
        transport.shutdown()

        let defaulted = try KubeClient(configuration: ClientConfiguration(server: "https://kube.example.com/"))
        #expect(defaulted.defaultNamespace == "default")
        #expect(defaulted.host == "kube.example.com:443")
        (defaulted.transport as? CurlTransport)?.shutdown()
    }

    @Test func anOperatorIdentitySetsTheUserAgentAndTheFieldManager() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let client = try KubeClient(
            configuration: ClientConfiguration(server: server.baseURL), identity: .testOperator,
            options: TransportOptions(userAgent: "replaced"))
        defer { (client.transport as? CurlTransport)?.shutdown() }
        #expect(client.fieldManager == "test-operator")
        let echo = try await client.send(HTTPRequest(method: .get, path: "/echo"))
        let object = try JSONSerialization.jsonObject(with: echo.body) as? [String: Any]
        let headers = try #require(object?["headers"] as? [String: String])
        #expect(headers["user-agent"] == "test-operator/0.0.0")

        let anonymous = try KubeClient(configuration: ClientConfiguration(server: server.baseURL))
        defer { (anonymous.transport as? CurlTransport)?.shutdown() }
        #expect(anonymous.fieldManager == nil)
        #expect((anonymous.transport as? CurlTransport)?.options.userAgent == "KubeClient")
    }

    @Test func serverURLsAreParsed() throws {
        let v6 = try ServerEndpoint("https://[::1]:6443/prefix/")
        #expect(v6.hostAndPort == "[::1]:6443")
        #expect(v6.url(for: "/api?x=1", serverName: nil) == "https://[::1]:6443/prefix/api?x=1")
        #expect(v6.url(for: "/api", serverName: "kubernetes") == "https://kubernetes:6443/prefix/api")
        #expect(v6.connectTo(serverName: "kubernetes") == "kubernetes:6443:[::1]:6443")
        #expect(try ServerEndpoint("http://localhost").port == 80)
        for bad in ["", "127.0.0.1:6443", "ftp://host", "https://"] {
            #expect(throws: TransportError.self, "\(bad)") { _ = try ServerEndpoint(bad) }
        }
        #expect(throws: TransportError.self) { _ = try KubeClient(configuration: ClientConfiguration(server: "nope")) }
    }

    @Test func droppingTheTransportWithoutShutdownStopsItsThread() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        var transport: CurlTransport? = try CurlTransport(server: server.baseURL)
        let stream = try await transport?.stream(HTTPRequest(method: .get, path: "/stall"))
        transport = nil  // deinit stops the loop; the open stream learns of it
        await #expect(throws: TransportError.other("transport shut down")) {
            for try await _ in try #require(stream).lines {}
        }
    }

    @Test func invalidHeadersAreRejectedWithoutEchoingTheirValue() async throws {
        let transport = try CurlTransport(server: "http://127.0.0.1:1")
        defer { transport.shutdown() }
        do {
            _ = try await transport.send(
                HTTPRequest(method: .get, path: "/", headers: ["Authorization": "Bearer secret\r\nX-Evil: 1"]))
            Issue.record("expected the header to be rejected")
        } catch {
            #expect(!"\(error)".contains("secret"))
        }
    }
}
