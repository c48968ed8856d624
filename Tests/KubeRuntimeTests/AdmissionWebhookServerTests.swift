import Foundation
import KubeClient
import KubeCore
import Testing

@testable import KubeRuntime

/// The HTTPS endpoint over loopback: TLS with the issued certificate, bounds, hot reload.
@Suite struct AdmissionWebhookServerTests {
    let options = WebhookCertificateOptions(
        namespace: "ops", secretName: "cert", serviceName: "webhook", ipAddresses: ["127.0.0.1"])
    // Real TLS clients check validity against the real time, so these certificates start now.
    let now = Date()

    func client(port: UInt16, trusting ca: String) throws -> CurlTransport {
        try CurlTransport(server: "https://127.0.0.1:\(port)", tls: TLSConfiguration(certificateAuthorityPEM: Data(ca.utf8)))
    }

    func post(_ transport: CurlTransport, _ body: Data, path: String = "/validate") async throws -> HTTPResponse {
        try await transport.send(
            HTTPRequest(method: .post, path: path, headers: ["Content-Type": "application/json"], body: body))
    }

    @Test func servesReviewsOverTLSAndReloadsItsCertificate() async throws {
        let first = try WebhookCertificatePlan.decide(stored: nil, options: options, now: now).set
        let server = AdmissionWebhookServer(
            address: .listen(host: "127.0.0.1", port: 0), routes: ["/validate": { _ in .deny("no") }], maxBodyBytes: 64 * 1024)
        let port = try #require(try server.start(serving: first.serving))
        defer { server.stop() }

        let trustsFirst = try client(port: port, trusting: first.authority.certificatePEM)
        let ok = try await post(trustsFirst, AdmissionWebhookRouterTests.review())
        #expect(ok.status == 200)
        let review = try KubeJSON.decode(AdmissionReview.self, from: ok.body)
        #expect(review.response?.allowed == false && review.response?.status?.message == "no")

        // Several requests on one connection (keep-alive), a malformed one, a too large one.
        #expect(try await post(trustsFirst, Data("{".utf8)).status == 400)
        #expect(try await post(trustsFirst, AdmissionWebhookRouterTests.review()).status == 200)
        #expect(try await post(trustsFirst, Data(repeating: 0x20, count: 65 * 1024)).status == 413)
        #expect(try await post(trustsFirst, AdmissionWebhookRouterTests.review(), path: "/nope").status == 404)

        // A certificate from another CA: new connections get it at once.
        let second = try WebhookCertificatePlan.decide(stored: nil, options: options, now: now).set
        try server.reload(second.serving)
        let trustsSecond = try client(port: port, trusting: second.authority.certificatePEM)
        #expect(try await post(trustsSecond, AdmissionWebhookRouterTests.review()).status == 200)
        let stale = try client(port: port, trusting: first.authority.certificatePEM)
        await #expect(throws: (any Error).self) { try await post(stale, AdmissionWebhookRouterTests.review()) }

        // An unusable certificate is refused and the served one kept.
        #expect(throws: TLSError.self) {
            try server.reload(ServingCertificate(certificatePEM: second.serving.certificatePEM, privateKeyPEM: first.serving.privateKeyPEM))
        }
        #expect(try await post(trustsSecond, AdmissionWebhookRouterTests.review()).status == 200)
    }

    @Test func garbageOnTheSocketDoesNotStopTheServer() async throws {
        let set = try WebhookCertificatePlan.decide(stored: nil, options: options, now: now).set
        let server = AdmissionWebhookServer(address: .listen(host: "127.0.0.1", port: 0), routes: ["/validate": { _ in .allow() }])
        let port = try #require(try server.start(serving: set.serving))
        defer { server.stop() }
        // Plain HTTP to the TLS port: the handshake fails, the server goes on.
        let plain = try CurlTransport(server: "http://127.0.0.1:\(port)")
        await #expect(throws: (any Error).self) { try await plain.send(HTTPRequest(method: .get, path: "/validate")) }
        let tls = try client(port: port, trusting: set.authority.certificatePEM)
        #expect(try await post(tls, AdmissionWebhookRouterTests.review()).status == 200)
    }
}
