import Foundation
import Testing

@testable import KubeRuntime

/// Certificate lifetimes judged at injected instants (no wall clock).
@Suite struct WebhookCertificatePlanTests {
    let options = WebhookCertificateOptions(
        namespace: "ops", secretName: "webhook-cert", serviceName: "webhook", ipAddresses: ["127.0.0.1"],
        authorityValidity: .days(300), servingValidity: .days(90))
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    /// A certificate as it appears in a bundle: one PEM block ending in a newline.
    func pem(_ c: ServingCertificate) -> String { c.certificatePEM.hasSuffix("\n") ? c.certificatePEM : c.certificatePEM + "\n" }

    func days(_ n: Double) -> Date { start.addingTimeInterval(n * 86_400) }

    @Test func nothingStoredMakesACAAndAServingCertificateForTheServiceNamesAndIPs() throws {
        let plan = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start)
        guard case .replace(let set, rotatesAuthority: true) = plan else { Issue.record("\(plan)"); return }
        #expect(set.previousAuthorityPEM == nil)
        let facts = try WebhookCertificateIssuer.facts(of: set.serving.certificatePEM)
        #expect(facts.dnsNames == ["webhook", "webhook.ops", "webhook.ops.svc", "webhook.ops.svc.cluster.local"])
        #expect(facts.ipAddresses == ["127.0.0.1"])
        #expect(abs(facts.notAfter.timeIntervalSince(days(90))) < 1)
        #expect(WebhookCertificateIssuer.isSigned(set.serving.certificatePEM, by: set.authority.certificatePEM))
        #expect(WebhookCertificateIssuer.keyMatches(set.serving) && WebhookCertificateIssuer.keyMatches(set.authority))
        #expect(set.caBundle(at: start) == pem(set.authority))
    }

    @Test func theServingCertificateIsRenewedWhenLessThanAThirdOfItsLifeRemains() throws {
        let first = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start).set
        #expect(try WebhookCertificatePlan.decide(stored: first, options: options, now: days(59)) == .keep(first))
        let renewed = try WebhookCertificatePlan.decide(stored: first, options: options, now: days(61))
        guard case .replace(let set, rotatesAuthority: false) = renewed else { Issue.record("\(renewed)"); return }
        #expect(set.authority == first.authority)
        #expect(set.serving != first.serving)
        #expect(WebhookCertificateIssuer.isSigned(set.serving.certificatePEM, by: first.authority.certificatePEM))
        #expect(try WebhookCertificateIssuer.facts(of: set.serving.certificatePEM).notAfter > days(150))
    }

    @Test func theCAIsRotatedEarlyAndTheOldOneStaysTrustedUntilItExpires() throws {
        let first = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start).set
        // 300-day CA: rotated once less than 100 days remain.
        let rotated = try WebhookCertificatePlan.decide(stored: first, options: options, now: days(201))
        guard case .replace(let set, rotatesAuthority: true) = rotated else { Issue.record("\(rotated)"); return }
        #expect(set.authority != first.authority)
        #expect(set.previousAuthorityPEM == first.authority.certificatePEM)
        #expect(WebhookCertificateIssuer.isSigned(set.serving.certificatePEM, by: set.authority.certificatePEM))
        #expect(set.caBundle(at: days(201)) == pem(set.authority) + pem(first.authority))
        // After the old CA expired, it leaves the bundle, and the next write drops it.
        #expect(set.caBundle(at: days(301)) == pem(set.authority))
        let later = try WebhookCertificatePlan.decide(stored: set, options: options, now: days(301))
        #expect(later.set.previousAuthorityPEM == nil)
    }

    @Test func aCertificateMissingAWantedNameOrFromAnotherCAIsReplaced() throws {
        let first = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start).set
        var more = options
        more.ipAddresses = ["127.0.0.1", "::1"]
        guard case .replace(let set, rotatesAuthority: false) = try WebhookCertificatePlan.decide(stored: first, options: more, now: days(1))
        else { Issue.record("not replaced"); return }
        #expect(try WebhookCertificateIssuer.facts(of: set.serving.certificatePEM).ipAddresses == ["127.0.0.1", "::1"])

        let other = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start).set
        let mixed = WebhookCertificateSet(authority: first.authority, serving: other.serving)
        guard case .replace(_, rotatesAuthority: false) = try WebhookCertificatePlan.decide(stored: mixed, options: options, now: days(1))
        else { Issue.record("a serving certificate of another CA was kept"); return }

        let garbage = WebhookCertificateSet(
            authority: ServingCertificate(certificatePEM: "junk", privateKeyPEM: "junk"), serving: first.serving)
        guard case .replace(_, rotatesAuthority: true) = try WebhookCertificatePlan.decide(stored: garbage, options: options, now: days(1))
        else { Issue.record("an unreadable CA was kept"); return }
    }

    @Test func aServingCertificateNeverOutlivesItsCA() throws {
        var short = options
        short.authorityValidity = .days(30)
        short.renewalFraction = 0.1
        let set = try WebhookCertificatePlan.decide(stored: nil, options: short, now: start).set
        #expect(try WebhookCertificateIssuer.facts(of: set.serving.certificatePEM).notAfter <= days(30).addingTimeInterval(1))
    }

    @Test func theSecretRoundTrips() throws {
        let set = try WebhookCertificatePlan.decide(stored: nil, options: options, now: start).set
        let secret = set.written(to: .init())
        #expect(secret.type == "kubernetes.io/tls")
        #expect(WebhookCertificateSet(secret: secret) == set)
        #expect(WebhookCertificateSet(secret: .init()) == nil)
    }
}
