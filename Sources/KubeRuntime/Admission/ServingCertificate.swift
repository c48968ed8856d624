/// A certificate (PEM, leaf first) and its private key (PEM, PKCS #8), as a TLS server serves them.
public struct ServingCertificate: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}
