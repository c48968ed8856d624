import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificates of one PostgresInstance, made with swift-certificates over swift-crypto
/// keys (ECDSA P-256, SHA-256). Pure apart from key generation; the date comes from the caller.
///
/// - ``authority(instance:namespace:now:)``: the instance's own CA (Secret `<name>-ca`), valid
///   ``validity`` (10 years).
/// - ``server(authority:names:now:)``: the server certificate every instance serves (Secret
///   `<name>-server`) for ``serverDNSNames(names:namespace:clusterDomain:)``.
/// - ``client(authority:commonName:now:)``: a client certificate; replication authenticates with
///   CN ``PostgresInstanceNames/replicationUser`` (`hostssl replication streaming_replica all cert`).
/// - the pooler's server certificate (Secret `<name>-pooler`) for
///   ``poolerDNSNames(names:namespace:clusterDomain:)``.
///
/// Every certificate is backdated 5 minutes for clock skew. There is no rotation yet: leaves are
/// valid as long as the CA.
public enum PostgresCertificates {
    /// How long every certificate is valid: 10 years.
    public static let validity: TimeInterval = 10 * 365 * 24 * 3600
    /// How far `notBefore` is backdated: 5 minutes.
    static let backdating: TimeInterval = 300

    /// A new self-signed CA for the instance `instance` of `namespace`.
    public static func authority(instance: String, namespace: String, now: Date) throws -> PostgresCertificate {
        let key = P256.Signing.PrivateKey()
        let signingKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            OrganizationName("quartermaster.dev")
            CommonName("\(namespace)/\(instance) PostgreSQL CA")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signingKey.publicKey,
            notValidBefore: now.addingTimeInterval(-backdating), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signingKey.publicKey)
            },
            issuerPrivateKey: signingKey)
        return PostgresCertificate(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    /// A server certificate signed by `authority` for `dnsNames` (the first is also the CN).
    public static func server(authority: PostgresCertificate, dnsNames: [String], now: Date) throws
        -> PostgresCertificate
    {
        try leaf(
            authority: authority, commonName: dnsNames.first ?? "postgres", dnsNames: dnsNames, usage: .serverAuth,
            now: now)
    }

    /// A client certificate signed by `authority` whose CN is `commonName` (the PostgreSQL role
    /// it authenticates as).
    public static func client(authority: PostgresCertificate, commonName: String, now: Date) throws
        -> PostgresCertificate
    {
        try leaf(authority: authority, commonName: commonName, dnsNames: [], usage: .clientAuth, now: now)
    }

    /// The names the instances' server certificate covers: the Services `-rw`, `-ro`, `-r` and
    /// `-headless`, each bare, `.<ns>`, `.<ns>.svc` and `.<ns>.svc.<clusterDomain>`, then
    /// `*.<name>-headless.<ns>.svc`.
    public static func serverDNSNames(
        names: PostgresInstanceNames, namespace: String, clusterDomain: String = "cluster.local"
    ) -> [String] {
        let services = [names.readWriteService, names.readOnlyService, names.readService, names.headlessService]
        return services.flatMap { serviceNames($0, namespace: namespace, clusterDomain: clusterDomain) }
            + ["*.\(names.headlessService).\(namespace).svc"]
    }

    /// The names the pooler's certificate covers: its Service, bare, `.<ns>`, `.<ns>.svc` and
    /// `.<ns>.svc.<clusterDomain>`.
    public static func poolerDNSNames(
        names: PostgresInstanceNames, namespace: String, clusterDomain: String = "cluster.local"
    ) -> [String] {
        serviceNames(names.poolerService, namespace: namespace, clusterDomain: clusterDomain)
    }

    static func serviceNames(_ service: String, namespace: String, clusterDomain: String) -> [String] {
        [service, "\(service).\(namespace)", "\(service).\(namespace).svc", "\(service).\(namespace).svc.\(clusterDomain)"]
    }

    private enum Usage { case serverAuth, clientAuth }

    private static func leaf(
        authority: PostgresCertificate, commonName: String, dnsNames: [String], usage: Usage, now: Date
    ) throws -> PostgresCertificate {
        let ca = try Certificate(pemEncoded: authority.certificatePEM)
        let caKey = try Certificate.PrivateKey(P256.Signing.PrivateKey(pemRepresentation: authority.privateKeyPEM))
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PrivateKey(key).publicKey
        let subject = try DistinguishedName { CommonName(commonName) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
            try ExtendedKeyUsage([usage == .serverAuth ? .serverAuth : .clientAuth])
            AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
            if !dnsNames.isEmpty { SubjectAlternativeNames(dnsNames.map { .dnsName($0) }) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-backdating), notValidAfter: now.addingTimeInterval(validity),
            issuer: ca.subject, subject: subject, extensions: extensions, issuerPrivateKey: caKey)
        return PostgresCertificate(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }
}
