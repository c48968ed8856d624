import Foundation
import KubeCore

/// TLS settings for the connection to the API server.
public struct TLSConfiguration: Hashable, Sendable {
    /// PEM bundle of the certificate authorities to trust; `nil` (default) trusts the system's.
    public var certificateAuthorityPEM: Data?
    /// The client certificate to present; `nil` (default) presents none.
    public var clientIdentity: ClientIdentity?
    /// Skip verification of the server's certificate (kubeconfig `insecure-skip-tls-verify`).
    /// Default `false`.
    public var insecureSkipVerify: Bool
    /// Name to verify the server's certificate against, instead of the URL's host
    /// (kubeconfig `tls-server-name`). Default `nil`.
    public var serverName: String?

    public init(
        certificateAuthorityPEM: Data? = nil, clientIdentity: ClientIdentity? = nil,
        insecureSkipVerify: Bool = false, serverName: String? = nil
    ) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientIdentity = clientIdentity
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}

/// Everything needed to talk to one API server as one user: the result of loading a
/// kubeconfig or the in-cluster configuration.
public struct ClientConfiguration: Sendable {
    /// Base URL, such as `https://127.0.0.1:6443` (no trailing slash).
    public var server: String
    public var tls: TLSConfiguration
    /// Supplies the bearer token or basic auth (and rotating client certificates) per request.
    public var credentials: any CredentialProvider
    /// The context's namespace; `nil` means `default`.
    public var namespace: String?
    /// The context name it came from (`nil` in cluster); for messages.
    public var contextName: String?
    /// Where it came from: kubeconfig paths, or `in-cluster`; for messages.
    public var source: String

    public init(
        server: String, tls: TLSConfiguration = .init(), credentials: any CredentialProvider = StaticCredentials(),
        namespace: String? = nil, contextName: String? = nil, source: String = ""
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.contextName = contextName
        self.source = source
    }
}
