import Foundation
import KubeCore
import KubeTestSupport
import Testing

@testable import KubeClient

/// `CurlTransport` against the real API server of the shared envtest control plane
/// (`KUBEBUILDER_ASSETS`): authentication, TLS verification, HTTP/2 and watches. Each test
/// works in a namespace of its own.
@Suite("Transport against a real API server")
struct TransportAPIServerTests {
    /// The admin's bearer token as request headers.
    static func bearer(_ env: EnvTest) throws -> [String: String] {
        let token = try #require(env.token(for: .admin))
        return ["Authorization": "Bearer \(token)"]
    }

    @Test(
        "a bearer token authenticates over HTTP/2 and the second request reuses the connection",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func tokenAuthOverHTTP2WithConnectionReuse() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("transport-token")
        let bearer = try Self.bearer(env)
        let transport = try CurlTransport(server: env.server, tls: TLSConfiguration(certificateAuthorityPEM: env.caPEM))
        defer { transport.shutdown() }

        let (response, info) = try await transport.sendReportingInfo(
            HTTPRequest(method: .get, path: "/api/v1/namespaces/\(namespace)", headers: bearer))
        #expect(response.status == 200)
        #expect(info.httpVersion == "2")
        #expect(response.headers["content-type"] == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect((object["metadata"] as? [String: Any])?["name"] as? String == namespace)
        let (list, second) = try await transport.sendReportingInfo(
            HTTPRequest(method: .get, path: "/api/v1/namespaces/\(namespace)/configmaps", headers: bearer))
        #expect(list.status == 200)
        #expect(second.httpVersion == "2")
        #expect(second.newConnections == 0)

        let anonymous = try await transport.send(HTTPRequest(method: .get, path: "/api/v1/namespaces/\(namespace)"))
        #expect(anonymous.status == 401 || anonymous.status == 403)
        let wrong = try await transport.send(
            HTTPRequest(
                method: .get, path: "/api/v1/namespaces/\(namespace)", headers: ["Authorization": "Bearer nope"]))
        #expect(wrong.status == 401)
        #expect(transport.openTransfers == 0)
    }

    @Test(
        "a client certificate authenticates, configured on the transport or given per request",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func clientCertificateAuthConfiguredAndPerRequest() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("transport-cert")
        let path = "/api/v1/namespaces/\(namespace)"
        let identity = try #require(env.clientConfiguration(user: .certAdmin).tls.clientIdentity)

        let configured = try CurlTransport(
            server: env.server, tls: TLSConfiguration(certificateAuthorityPEM: env.caPEM, clientIdentity: identity))
        defer { configured.shutdown() }
        #expect(try await configured.send(HTTPRequest(method: .get, path: path)).status == 200)

        let bare = try CurlTransport(server: env.server, tls: TLSConfiguration(certificateAuthorityPEM: env.caPEM))
        defer { bare.shutdown() }
        #expect(try await bare.send(HTTPRequest(method: .get, path: path, clientIdentity: identity)).status == 200)
        let without = try await bare.send(HTTPRequest(method: .get, path: path))
        #expect(without.status == 401 || without.status == 403)
        #expect(configured.openTransfers == 0)
        #expect(bare.openTransfers == 0)
    }

    /// The envtest API server's self-signed serving certificate names `kubernetes`,
    /// `kubernetes.default`, `kubernetes.default.svc` and the IPs 127.0.0.1 and 10.0.0.1 (the
    /// first service IP), so `kubernetes.default.svc` verifies and `wrong.example` does not.
    @Test(
        "TLS verification uses the CA and the server name; insecureSkipVerify skips it",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func tlsVerificationUsesTheCAAndServerName() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("transport-tls")
        let request = HTTPRequest(method: .get, path: "/api/v1/namespaces/\(namespace)", headers: try Self.bearer(env))

        let untrusted = try CurlTransport(server: env.server)
        defer { untrusted.shutdown() }
        await expectTLSFailure(untrusted, request, "without the CA")

        let insecure = try CurlTransport(server: env.server, tls: TLSConfiguration(insecureSkipVerify: true))
        defer { insecure.shutdown() }
        #expect(try await insecure.send(request).status == 200)

        let named = try CurlTransport(
            server: env.server,
            tls: TLSConfiguration(certificateAuthorityPEM: env.caPEM, serverName: "kubernetes.default.svc"))
        defer { named.shutdown() }
        #expect(try await named.send(request).status == 200)

        let misnamed = try CurlTransport(
            server: env.server, tls: TLSConfiguration(certificateAuthorityPEM: env.caPEM, serverName: "wrong.example"))
        defer { misnamed.shutdown() }
        await expectTLSFailure(misnamed, request, "for a name the certificate does not carry")
    }

    /// Records an issue unless sending `request` fails with `TransportError.tls`.
    private func expectTLSFailure(
        _ transport: CurlTransport, _ request: HTTPRequest, _ situation: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            let response = try await transport.send(request)
            Issue.record("expected a TLS failure \(situation), got status \(response.status)", sourceLocation: sourceLocation)
        } catch let error as TransportError {
            guard case .tls = error else {
                Issue.record("expected a TLS failure \(situation), got \(error)", sourceLocation: sourceLocation)
                return
            }
        } catch {
            Issue.record("expected a TLS failure \(situation), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "a KubeClient from a configuration watches a configmap being added and deleted",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func watchStreamsConfigMapEvents() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("transport-watch")
        let client = try KubeClient(configuration: env.clientConfiguration(user: .admin))
        #expect(client.defaultNamespace == "default")
        #expect(client.host == env.server.replacingOccurrences(of: "https://", with: ""))
        let transport = try #require(client.transport as? CurlTransport)
        defer { transport.shutdown() }

        let collection = "/api/v1/namespaces/\(namespace)/configmaps"
        let name = "watched"
        let watch = try await client.stream(
            HTTPRequest(
                method: .get, path: collection,
                query: [QueryItem("watch", "true"), QueryItem("fieldSelector", "metadata.name=\(name)")]))
        #expect(watch.status == 200)

        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"k":"v"}}"#
        let created = try await client.send(
            HTTPRequest(
                method: .post, path: collection, headers: ["Content-Type": "application/json"], body: Data(body.utf8)))
        #expect(created.status == 201)
        let deleted = try await client.send(HTTPRequest(method: .delete, path: "\(collection)/\(name)"))
        #expect(deleted.status == 200)

        var types: [String] = []
        for try await line in watch.lines {
            let event = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            let metadata = (event["object"] as? [String: Any])?["metadata"] as? [String: Any]
            #expect(metadata?["name"] as? String == name)
            #expect(metadata?["namespace"] as? String == namespace)
            types.append(event["type"] as? String ?? "?")
            if types.count == 2 { break }
        }
        #expect(types == ["ADDED", "DELETED"])
    }

    @Test(
        "a paused HTTP/2 watch resumes without losing events while requests share its connection",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func aPausedHTTP2WatchResumesWithoutLosingEvents() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("transport-pause")
        let bearer = try Self.bearer(env)
        let transport = try CurlTransport(
            server: env.server, tls: TLSConfiguration(certificateAuthorityPEM: env.caPEM),
            options: TransportOptions(streamBufferLimit: 2000))
        defer { transport.shutdown() }
        let collection = "/api/v1/namespaces/\(namespace)/configmaps"

        // The label keeps out the kube-root-ca.crt configmap the controller manager publishes.
        let watch = try await transport.stream(
            HTTPRequest(
                method: .get, path: collection, query: [QueryItem("watch", "true"), QueryItem("labelSelector", "test=pause")],
                headers: bearer))
        #expect(watch.status == 200)
        let count = 30
        var headers = bearer
        headers["Content-Type"] = "application/json"
        for i in 0..<count {
            let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-\#(i)","labels":{"test":"pause"}},"data":{"k":"\#(String(repeating: "v", count: 200))"}}"#
            let (created, info) = try await transport.sendReportingInfo(
                HTTPRequest(method: .post, path: collection, headers: headers, body: Data(body.utf8)))
            #expect(created.status == 201)
            #expect(info.newConnections == 0, "multiplexed on the watch's HTTP/2 connection")
        }
        // ~30 events of ~600 bytes arrived while nobody read: the transfer paused at 2000.
        var names: [String] = []
        for try await line in watch.lines {
            let event = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            #expect(event["type"] as? String == "ADDED")
            let metadata = (event["object"] as? [String: Any])?["metadata"] as? [String: Any]
            names.append(metadata?["name"] as? String ?? "?")
            if names.count == count { break }
        }
        #expect(names == (0..<count).map { "cm-\($0)" })
    }
}
