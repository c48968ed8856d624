import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization
import Testing

@testable import KubeRuntime

/// The certificate manager over the fake API server: create, reuse, conflict-safe writes when
/// another replica wins, the caBundle of owned entries only, the CA rollover order. Dates come
/// from an injected clock.
@Suite struct WebhookCertificateManagerTests {
    let start = Date(timeIntervalSince1970: 1_900_000_000)
    func days(_ n: Double) -> Date { start.addingTimeInterval(n * 86_400) }

    let options = WebhookCertificateOptions(
        namespace: "ops", secretName: "webhook-cert", serviceName: "webhook", webhookConfigurationName: "hooks",
        webhookNames: ["widgets.example.dev"], authorityValidity: .days(300), servingValidity: .days(90))

    /// Runs `hook` once, before the first request matching `method` and `path` is forwarded.
    final class RacingTransport: HTTPTransport {
        let inner: FakeAPIServer
        let method: HTTPMethod
        let path: String
        let hook: Mutex<(@Sendable () async throws -> Void)?>
        init(_ inner: FakeAPIServer, before method: HTTPMethod, _ path: String, _ hook: @escaping @Sendable () async throws -> Void) {
            self.inner = inner
            self.method = method
            self.path = path
            self.hook = Mutex(hook)
        }
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            if request.method == method, request.path == path, let h = hook.withLock({ h in defer { h = nil }; return h }) {
                try await h()
            }
            return try await inner.send(request)
        }
        func stream(_ request: HTTPRequest) async throws -> HTTPLineStream { try await inner.stream(request) }
    }

    func seedConfiguration(_ server: FakeAPIServer) throws {
        _ = try server.seed(
            ValidatingWebhookConfiguration(
                metadata: ObjectMeta(name: "hooks"),
                webhooks: [
                    ValidatingWebhook(name: "gadgets.other.dev", clientConfig: WebhookClientConfig(url: "https://other", caBundle: "b3RoZXI=")),
                    ValidatingWebhook(name: "widgets.example.dev", clientConfig: WebhookClientConfig(url: "https://127.0.0.1:9443/w")),
                ]))
    }

    func bundles(_ server: FakeAPIServer) -> [String?] {
        server.object(ValidatingWebhookConfiguration.self, name: "hooks")?.webhooks?.map(\.clientConfig.caBundle) ?? []
    }

    @Test func createsTheSecretOnceAndPatchesOnlyTheOwnedEntries() async throws {
        let server = FakeAPIServer()
        try seedConfiguration(server)
        let manager = WebhookCertificateManager(client: KubeClient(transport: server), options: options, now: { start })
        let set = try await manager.reconcile()
        let secret = try #require(server.object(Secret.self, name: "webhook-cert", namespace: "ops"))
        #expect(WebhookCertificateSet(secret: secret) == set)
        #expect(bundles(server) == ["b3RoZXI=", Data(set.caBundle(at: start).utf8).base64EncodedString()])

        // Reused as it is: nothing written again.
        let writes = server.writes.count
        #expect(try await manager.reconcile() == set)
        #expect(server.writes.count == writes)
    }

    @Test func aReplicaThatLosesTheCreateRaceUsesTheWinnersSecret() async throws {
        let server = FakeAPIServer()
        let winner = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start).set
        let transport = RacingTransport(server, before: .post, "/api/v1/namespaces/ops/secrets") {
            _ = try server.seed(winner.written(to: Secret(metadata: ObjectMeta(name: "webhook-cert", namespace: "ops"))))
        }
        let manager = WebhookCertificateManager(client: KubeClient(transport: transport), options: options, now: { start })
        #expect(try await manager.reconcile() == winner)
        #expect(server.objects(Secret.self).count == 1)
    }

    @Test func aRenewalThatLosesTheUpdateRaceUsesTheWinnersCertificate() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        let first = try await WebhookCertificateManager(client: client, options: options, now: { start }).reconcile()
        // At day 61 both replicas renew; the other one writes first.
        let theirs = try WebhookCertificatePlan.decide(stored: first, options: options, now: days(61)).set
        let transport = RacingTransport(server, before: .put, "/api/v1/namespaces/ops/secrets/webhook-cert") {
            let stored = try #require(server.object(Secret.self, name: "webhook-cert", namespace: "ops"))
            _ = try await client.replace(theirs.written(to: stored))
        }
        let mine = WebhookCertificateManager(client: KubeClient(transport: transport), options: options, now: { days(61) })
        #expect(try await mine.reconcile() == theirs)
        let stored = try #require(server.object(Secret.self, name: "webhook-cert", namespace: "ops"))
        #expect(WebhookCertificateSet(secret: stored) == theirs)
    }

    @Test func aNewCAIsTrustedBeforeItIsUsedAndTheOldOneStaysInTheBundle() async throws {
        let server = FakeAPIServer()
        try seedConfiguration(server)
        let client = KubeClient(transport: server)
        let first = try await WebhookCertificateManager(client: client, options: options, now: { start }).reconcile()
        let bundleBefore = Mutex<String?>(nil)
        let transport = RacingTransport(server, before: .put, "/api/v1/namespaces/ops/secrets/webhook-cert") {
            bundleBefore.withLock { $0 = server.object(ValidatingWebhookConfiguration.self, name: "hooks")?.webhooks?[1].clientConfig.caBundle }
        }
        let rotated = try await WebhookCertificateManager(client: KubeClient(transport: transport), options: options, now: { days(201) })
            .reconcile()
        #expect(rotated.authority != first.authority)
        #expect(rotated.previousAuthorityPEM == first.authority.certificatePEM)
        let trustedBeforeWrite = try #require(bundleBefore.withLock { $0 }.flatMap { Data(base64Encoded: $0) })
        let text = String(decoding: trustedBeforeWrite, as: UTF8.self)
        #expect(text.contains(rotated.authority.certificatePEM) && text.contains(first.authority.certificatePEM))
        #expect(bundles(server)[1] == Data(rotated.caBundle(at: days(201)).utf8).base64EncodedString())
        #expect(bundles(server)[0] == "b3RoZXI=")
    }

    @Test func theRunnableServesAndReloadsWhatTheSecretHolds() async throws {
        let server = FakeAPIServer()
        let box = NowBox(start)
        let webhook = AdmissionWebhook(
            server: AdmissionWebhookServer(address: .listen(host: "127.0.0.1", port: 0), routes: [:]),
            certificates: WebhookCertificateManager(
                client: KubeClient(transport: server),
                options: WebhookCertificateOptions(namespace: "ops", secretName: "c", serviceName: "w", ipAddresses: ["127.0.0.1"]),
                now: { box.now }),
            clock: ManualClock())
        defer { webhook.server.stop() }
        #expect(!webhook.hasSynced)
        let first = try await webhook.refresh()
        #expect(webhook.hasSynced && webhook.servedCertificates == first)
        #expect(try await webhook.refresh() == first)
        box.advance(by: 61 * 86_400)
        let renewed = try await webhook.refresh()
        #expect(renewed.serving != first.serving && webhook.servedCertificates == renewed)
    }

    final class NowBox: Sendable {
        let value: Mutex<Date>
        init(_ date: Date) { value = Mutex(date) }
        var now: Date { value.withLock { $0 } }
        func advance(by seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }
}
