import Foundation
import KubeCore

/// What the webhook's certificate Secret holds: the CA (certificate and key), the serving
/// certificate it signed, and the previous CA while a CA rollover is under way.
///
/// Secret keys: `ca.crt`, `ca.key`, `tls.crt`, `tls.key`, and `ca-previous.crt` (only during a
/// rollover). The Secret's type is `kubernetes.io/tls`.
public struct WebhookCertificateSet: Sendable, Hashable {
    public static let authorityCertificateKey = "ca.crt"
    public static let authorityKeyKey = "ca.key"
    public static let servingCertificateKey = "tls.crt"
    public static let servingKeyKey = "tls.key"
    public static let previousAuthorityKey = "ca-previous.crt"

    public var authority: ServingCertificate
    public var serving: ServingCertificate
    /// The CA this one replaced, trusted alongside it until it expires.
    public var previousAuthorityPEM: String?

    public init(authority: ServingCertificate, serving: ServingCertificate, previousAuthorityPEM: String? = nil) {
        self.authority = authority
        self.serving = serving
        self.previousAuthorityPEM = previousAuthorityPEM
    }

    /// Reads the set from a Secret's data; `nil` when a key is missing or not UTF-8.
    public init?(secret: Secret) {
        func text(_ key: String) -> String? { secret.decodedData(key).flatMap { String(data: $0, encoding: .utf8) } }
        guard let caCert = text(Self.authorityCertificateKey), let caKey = text(Self.authorityKeyKey),
            let cert = text(Self.servingCertificateKey), let key = text(Self.servingKeyKey)
        else { return nil }
        self.init(
            authority: ServingCertificate(certificatePEM: caCert, privateKeyPEM: caKey),
            serving: ServingCertificate(certificatePEM: cert, privateKeyPEM: key),
            previousAuthorityPEM: text(Self.previousAuthorityKey))
    }

    /// `secret` with its data replaced by this set's (type `kubernetes.io/tls`; other fields,
    /// the `resourceVersion` included, kept).
    public func written(to secret: Secret) -> Secret {
        var s = secret
        s.type = "kubernetes.io/tls"
        s.data = nil
        s.stringData = nil
        s.setData(Self.authorityCertificateKey, Data(authority.certificatePEM.utf8))
        s.setData(Self.authorityKeyKey, Data(authority.privateKeyPEM.utf8))
        s.setData(Self.servingCertificateKey, Data(serving.certificatePEM.utf8))
        s.setData(Self.servingKeyKey, Data(serving.privateKeyPEM.utf8))
        if let previousAuthorityPEM { s.setData(Self.previousAuthorityKey, Data(previousAuthorityPEM.utf8)) }
        return s
    }

    /// The PEM bundle clients verify the serving certificate with: the CA, then the previous CA
    /// while it has not expired at `now`.
    public func caBundle(at now: Date) -> String {
        var pems = [authority.certificatePEM]
        if let previous = previousAuthorityPEM, let facts = try? WebhookCertificateIssuer.facts(of: previous),
            facts.notAfter > now
        {
            pems.append(previous)
        }
        return pems.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }
}
