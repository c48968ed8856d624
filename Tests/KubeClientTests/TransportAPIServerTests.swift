import Foundation
import KubeCore
import Testing

@testable import KubeClient

/// `CurlTransport` against a real API server started by `control-plane.sh up`; runs only
/// when `QM_TEST_APISERVER_DIR` names that script's `DIR`.
@Suite("Transport against a real API server")
struct TransportAPIServerTests {
    struct ControlPlane {
        let server: String
        let caPEM: Data
        let identity: ClientIdentity
        let adminToken: String

        init?() throws {
            guard let dir = ProcessInfo.processInfo.environment["QM_TEST_APISERVER_DIR"], !dir.isEmpty else {
                print("TransportAPIServerTests: QM_TEST_APISERVER_DIR is not set; skipping")
                return nil
            }
            let kubeconfig = try String(contentsOfFile: dir + "/kubeconfig-cert", encoding: .utf8)
            guard let match = kubeconfig.firstMatch(of: /server: "([^"]+)"/) else { return nil }
            server = String(match.1)
            caPEM = try Data(contentsOf: URL(fileURLWithPath: dir + "/certs/apiserver.crt"))
            identity = ClientIdentity(
                certificatePEM: try Data(contentsOf: URL(fileURLWithPath: dir + "/client.crt")),
                keyPEM: try Data(contentsOf: URL(fileURLWithPath: dir + "/client.key")))
            let tokens = try String(contentsOfFile: dir + "/tokens.csv", encoding: .utf8)
            guard let adminLine = tokens.split(separator: "\n").first(where: { $0.contains("system:masters") }),
                let token = adminLine.split(separator: ",").first
            else { return nil }
            adminToken = String(token)
        }

        var bearer: [String: String] { ["Authorization": "Bearer \(adminToken)"] }
    }

    static var enabled: Bool { ProcessInfo.processInfo.environment["QM_TEST_APISERVER_DIR"] != nil }

    @Test(.enabled(if: enabled, "set QM_TEST_APISERVER_DIR to a control-plane.sh DIR"))
    func tokenAuthOverHTTP2WithConnectionReuse() async throws {
        let plane = try #require(try ControlPlane())
        let transport = try CurlTransport(server: plane.server, tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM))
        defer { transport.shutdown() }

        let (response, info) = try await transport.sendReportingInfo(
            HTTPRequest(method: .get, path: "/api/v1/namespaces/default", headers: plane.bearer))
        #expect(response.status == 200)
        #expect(info.httpVersion == "2")
        #expect(response.headers["content-type"] == "application/json")
        let (_, second) = try await transport.sendReportingInfo(
            HTTPRequest(method: .get, path: "/api/v1/namespaces/kube-system", headers: plane.bearer))
        #expect(second.newConnections == 0)

        let anonymous = try await transport.send(HTTPRequest(method: .get, path: "/api/v1/namespaces/default"))
        #expect(anonymous.status == 401 || anonymous.status == 403)
        let wrong = try await transport.send(
            HTTPRequest(method: .get, path: "/api/v1/namespaces/default", headers: ["Authorization": "Bearer nope"]))
        #expect(wrong.status == 401)
    }

    @Test(.enabled(if: enabled, "set QM_TEST_APISERVER_DIR to a control-plane.sh DIR"))
    func clientCertificateAuthConfiguredAndPerRequest() async throws {
        let plane = try #require(try ControlPlane())
        let configured = try CurlTransport(
            server: plane.server, tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM, clientIdentity: plane.identity))
        defer { configured.shutdown() }
        #expect(try await configured.send(HTTPRequest(method: .get, path: "/api/v1/namespaces/default")).status == 200)

        let bare = try CurlTransport(server: plane.server, tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM))
        defer { bare.shutdown() }
        let withIdentity = HTTPRequest(method: .get, path: "/api/v1/namespaces/default", clientIdentity: plane.identity)
        #expect(try await bare.send(withIdentity).status == 200)
        let without = try await bare.send(HTTPRequest(method: .get, path: "/api/v1/namespaces/default"))
        #expect(without.status == 401 || without.status == 403)
    }

    @Test(.enabled(if: enabled, "set QM_TEST_APISERVER_DIR to a control-plane.sh DIR"))
    func tlsVerificationUsesTheCAAndServerName() async throws {
        let plane = try #require(try ControlPlane())
        let request = HTTPRequest(method: .get, path: "/version")

        let untrusted = try CurlTransport(server: plane.server)
        defer { untrusted.shutdown() }
        do {
            _ = try await untrusted.send(request)
            Issue.record("expected a TLS failure without the CA")
        } catch let error as TransportError {
            guard case .tls = error else { Issue.record("expected tls, got \(error)"); return }
        }

        let insecure = try CurlTransport(server: plane.server, tls: TLSConfiguration(insecureSkipVerify: true))
        defer { insecure.shutdown() }
        #expect(try await insecure.send(request).status == 200)

        let named = try CurlTransport(
            server: plane.server,
            tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM, serverName: "kubernetes.default.svc"))
        defer { named.shutdown() }
        #expect(try await named.send(request).status == 200)

        let misnamed = try CurlTransport(
            server: plane.server, tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM, serverName: "wrong.example"))
        defer { misnamed.shutdown() }
        do {
            _ = try await misnamed.send(request)
            Issue.record("expected a TLS failure for a name the certificate does not carry")
        } catch let error as TransportError {
            guard case .tls = error else { Issue.record("expected tls, got \(error)"); return }
        }
    }

    @Test(.enabled(if: enabled, "set QM_TEST_APISERVER_DIR to a control-plane.sh DIR"))
    func watchStreamsConfigMapEvents() async throws {
        let plane = try #require(try ControlPlane())
        let configuration = ClientConfiguration(
            server: plane.server, tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM),
            credentials: StaticCredentials(Credentials(bearerToken: plane.adminToken)))
        let client = try KubeClient(configuration: configuration)
        #expect(client.defaultNamespace == "default")
        #expect(client.host == plane.server.replacingOccurrences(of: "https://", with: ""))
        let transport = try #require(client.transport as? CurlTransport)
        defer { transport.shutdown() }

        let name = "transport-watch-\(UInt32.random(in: 0...UInt32.max))"
        let watch = try await client.stream(
            HTTPRequest(
                method: .get, path: "/api/v1/namespaces/default/configmaps",
                query: [QueryItem("watch", "true"), QueryItem("fieldSelector", "metadata.name=\(name)")]))
        #expect(watch.status == 200)

        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"k":"v"}}"#
        let created = try await client.send(
            HTTPRequest(
                method: .post, path: "/api/v1/namespaces/default/configmaps",
                headers: ["Content-Type": "application/json"], body: Data(body.utf8)))
        #expect(created.status == 201)
        _ = try await client.send(HTTPRequest(method: .delete, path: "/api/v1/namespaces/default/configmaps/\(name)"))

        var types: [String] = []
        for try await line in watch.lines {
            let event = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            let object = event["object"] as? [String: Any]
            let metadata = object?["metadata"] as? [String: Any]
            #expect(metadata?["name"] as? String == name)
            types.append(event["type"] as? String ?? "?")
            if types.count == 2 { break }
        }
        #expect(types == ["ADDED", "DELETED"])
    }

    @Test(.enabled(if: enabled, "set QM_TEST_APISERVER_DIR to a control-plane.sh DIR"))
    func aPausedHTTP2WatchResumesWithoutLosingEvents() async throws {
        let plane = try #require(try ControlPlane())
        let transport = try CurlTransport(
            server: plane.server, tls: TLSConfiguration(certificateAuthorityPEM: plane.caPEM),
            options: TransportOptions(streamBufferLimit: 2000))
        defer { transport.shutdown() }
        let label = "transport-pause-\(UInt32.random(in: 0...UInt32.max))"
        let collection = "/api/v1/namespaces/default/configmaps"

        let watch = try await transport.stream(
            HTTPRequest(
                method: .get, path: collection,
                query: [QueryItem("watch", "true"), QueryItem("labelSelector", "test=\(label)")], headers: plane.bearer))
        #expect(watch.status == 200)
        let count = 30
        for i in 0..<count {
            let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(label)-\#(i)","labels":{"test":"\#(label)"}},"data":{"k":"\#(String(repeating: "v", count: 200))"}}"#
            var headers = plane.bearer
            headers["Content-Type"] = "application/json"
            let (created, info) = try await transport.sendReportingInfo(
                HTTPRequest(method: .post, path: collection, headers: headers, body: Data(body.utf8)))
            #expect(created.status == 201)
            #expect(info.newConnections == 0, "multiplexed on the watch's HTTP/2 connection")
        }
        // ~30 events of ~600 bytes arrived while nobody read: the transfer paused at 2000.
        var names: [String] = []
        for try await line in watch.lines {
            let event = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            let metadata = (event["object"] as? [String: Any])?["metadata"] as? [String: Any]
            names.append(metadata?["name"] as? String ?? "?")
            if names.count == count { break }
        }
        #expect(names == (0..<count).map { "\(label)-\($0)" })
        _ = try await transport.send(
            HTTPRequest(
                method: .delete, path: collection, query: [QueryItem("labelSelector", "test=\(label)")],
                headers: plane.bearer))
    }
}
