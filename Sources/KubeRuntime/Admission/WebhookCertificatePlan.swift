import Foundation

/// Decides, without I/O, what to do with the stored certificates at `now`:
///
/// - nothing stored, or unreadable: a new CA and serving certificate;
/// - the CA has less than `renewalFraction` of its life left: a new CA, the old one kept as
///   previous (still in the bundle until it expires), a serving certificate from the new CA;
/// - the serving certificate has less than `renewalFraction` of its life left, does not cover
///   the wanted names, is not signed by the CA, or does not match its key: a new one from the
///   same CA;
/// - otherwise keep.
///
/// A serving certificate never outlives its CA.
public enum WebhookCertificatePlan: Sendable, Hashable {
    case keep(WebhookCertificateSet)
    /// Write `set` over what is stored; `rotatesAuthority` when its CA is new.
    case replace(WebhookCertificateSet, rotatesAuthority: Bool)

    /// The set this plan ends with.
    public var set: WebhookCertificateSet {
        switch self {
        case .keep(let s), .replace(let s, _): return s
        }
    }

    public static func decide(stored: WebhookCertificateSet?, options: WebhookCertificateOptions, now: Date) throws
        -> WebhookCertificatePlan
    {
        guard let stored, let caFacts = try? WebhookCertificateIssuer.facts(of: stored.authority.certificatePEM),
            WebhookCertificateIssuer.keyMatches(stored.authority)
        else {
            return .replace(try fresh(options: options, now: now, previous: nil), rotatesAuthority: true)
        }
        if caFacts.remainingFraction(at: now) < options.renewalFraction {
            return .replace(
                try fresh(options: options, now: now, previous: stored.authority.certificatePEM), rotatesAuthority: true)
        }
        var previous = stored.previousAuthorityPEM
        if let p = previous, (try? WebhookCertificateIssuer.facts(of: p)).map({ $0.notAfter <= now }) ?? true {
            previous = nil  // expired or unreadable: no longer trusted, dropped at the next write
        }
        let servingFacts = try? WebhookCertificateIssuer.facts(of: stored.serving.certificatePEM)
        let servingUsable =
            servingFacts.map { f in
                f.remainingFraction(at: now) >= options.renewalFraction
                    && Set(options.dnsNames).isSubset(of: f.dnsNames) && Set(options.ipAddresses).isSubset(of: f.ipAddresses)
            } ?? false
            && WebhookCertificateIssuer.isSigned(stored.serving.certificatePEM, by: stored.authority.certificatePEM)
            && WebhookCertificateIssuer.keyMatches(stored.serving)
        if servingUsable { return .keep(stored) }
        let serving = try issueServing(authority: stored.authority, authorityNotAfter: caFacts.notAfter, options: options, now: now)
        return .replace(
            WebhookCertificateSet(authority: stored.authority, serving: serving, previousAuthorityPEM: previous),
            rotatesAuthority: false)
    }

    static func fresh(options: WebhookCertificateOptions, now: Date, previous: String?) throws -> WebhookCertificateSet {
        let authority = try WebhookCertificateIssuer.makeAuthority(
            commonName: options.authorityCommonName, now: now, validity: options.authorityValidity)
        let notAfter = now.addingTimeInterval(WebhookCertificateIssuer.seconds(options.authorityValidity))
        let serving = try issueServing(authority: authority, authorityNotAfter: notAfter, options: options, now: now)
        return WebhookCertificateSet(authority: authority, serving: serving, previousAuthorityPEM: previous)
    }

    static func issueServing(
        authority: ServingCertificate, authorityNotAfter: Date, options: WebhookCertificateOptions, now: Date
    ) throws -> ServingCertificate {
        let wanted = WebhookCertificateIssuer.seconds(options.servingValidity)
        let left = max(60, authorityNotAfter.timeIntervalSince(now))
        return try WebhookCertificateIssuer.makeServing(
            authority: authority, dnsNames: options.dnsNames, ipAddresses: options.ipAddresses, now: now,
            validity: .seconds(min(wanted, left)))
    }
}
