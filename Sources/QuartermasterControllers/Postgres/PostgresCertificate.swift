/// A certificate and its private key, both PEM (the key PKCS #8, ECDSA P-256), as the
/// Secrets of a PostgresInstance hold them (`tls.crt` / `tls.key`, `ca.crt` / `ca.key`).
public struct PostgresCertificate: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}
