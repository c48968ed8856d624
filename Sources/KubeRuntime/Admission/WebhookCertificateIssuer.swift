import Crypto
#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import SwiftASN1
import X509

/// Makes and reads the webhook's certificates with swift-certificates over swift-crypto keys
/// (ECDSA P-256, SHA-256): a self-signed CA, and serving certificates it signs for DNS names and
/// IP addresses. Pure apart from key generation; every date comes from the caller's clock.
public enum WebhookCertificateIssuer {
    /// What is known of a stored certificate.
    public struct Facts: Sendable, Hashable {
        public var notBefore: Date
        public var notAfter: Date
        public var dnsNames: Set<String>
        public var ipAddresses: Set<String>

        /// The fraction of the validity left at `now` (0 when expired, 1 before it starts).
        public func remainingFraction(at now: Date) -> Double {
            let life = notAfter.timeIntervalSince(notBefore)
            guard life > 0 else { return 0 }
            return min(1, max(0, notAfter.timeIntervalSince(now) / life))
        }
    }

    /// A new self-signed CA valid from `now` (backdated 5 minutes for clock skew) for `validity`.
    public static func makeAuthority(commonName: String, now: Date, validity: Duration) throws -> ServingCertificate {
        let key = P256.Signing.PrivateKey()
        let issuerKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: issuerKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(seconds(validity)),
            issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: issuerKey.publicKey)
            },
            issuerPrivateKey: issuerKey)
        return ServingCertificate(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    /// A serving certificate signed by `authority` for `dnsNames` and `ipAddresses` (IPv4 or
    /// IPv6 literals), valid from `now` (backdated 5 minutes) for `validity`.
    public static func makeServing(
        authority: ServingCertificate, dnsNames: [String], ipAddresses: [String], now: Date, validity: Duration
    ) throws -> ServingCertificate {
        let ca = try Certificate(pemEncoded: authority.certificatePEM)
        let caKey = try Certificate.PrivateKey(P256.Signing.PrivateKey(pemRepresentation: authority.privateKeyPEM))
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PrivateKey(key).publicKey
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for ip in ipAddresses {
            guard let bytes = ipBytes(ip) else { throw WebhookCertificateError.invalidIPAddress(ip) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let sans = SubjectAlternativeNames(names)
        let subject = try DistinguishedName { CommonName(dnsNames.first ?? ipAddresses.first ?? "webhook") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(seconds(validity)),
            issuer: ca.subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                sans
            },
            issuerPrivateKey: caKey)
        return ServingCertificate(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    /// Dates and names of the first certificate in `pem`.
    public static func facts(of pem: String) throws -> Facts {
        let certificate = try Certificate(pemEncoded: pem)
        var dns: Set<String> = []
        var ips: Set<String> = []
        for name in try certificate.extensions.subjectAlternativeNames ?? SubjectAlternativeNames([]) {
            switch name {
            case .dnsName(let n): dns.insert(n)
            case .ipAddress(let octets): if let s = ipString(Array(octets.bytes)) { ips.insert(s) }
            default: break
            }
        }
        return Facts(notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter, dnsNames: dns, ipAddresses: ips)
    }

    /// `true` when `leafPEM`'s signature verifies with `authorityPEM`'s key.
    public static func isSigned(_ leafPEM: String, by authorityPEM: String) -> Bool {
        guard let leaf = try? Certificate(pemEncoded: leafPEM), let ca = try? Certificate(pemEncoded: authorityPEM) else {
            return false
        }
        return leaf.issuer == ca.subject && ca.publicKey.isValidSignature(leaf.signature, for: leaf)
    }

    /// `true` when `privateKeyPEM` is the key of `certificatePEM`.
    public static func keyMatches(_ certificate: ServingCertificate) -> Bool {
        guard let c = try? Certificate(pemEncoded: certificate.certificatePEM),
            let key = try? P256.Signing.PrivateKey(pemRepresentation: certificate.privateKeyPEM)
        else { return false }
        return c.publicKey == Certificate.PrivateKey(key).publicKey
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        TimeInterval(d.components.seconds) + TimeInterval(d.components.attoseconds) / 1e18
    }

    static func ipBytes(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var addr = in6_addr()
            guard inet_pton(AF_INET6, text, &addr) == 1 else { return nil }
            return withUnsafeBytes(of: &addr) { Array($0) }
        }
        var addr = in_addr()
        guard inet_pton(AF_INET, text, &addr) == 1 else { return nil }
        return withUnsafeBytes(of: &addr) { Array($0) }
    }

    static func ipString(_ bytes: [UInt8]) -> String? {
        var buf = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : bytes.count == 16 ? AF_INET6 : -1
        guard family >= 0 else { return nil }
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buf, socklen_t(buf.count)) } != nil
        guard ok else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A certificate that cannot be made or read.
public enum WebhookCertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidIPAddress(String)
    public var description: String {
        switch self {
        case .invalidIPAddress(let ip): return "\"\(ip)\" is not an IPv4 or IPv6 address"
        }
    }
}
