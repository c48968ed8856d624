import Foundation

/// The `ExecCredential` object exchanged with exec credential plugins
/// (`client.authentication.k8s.io/v1` and `v1beta1`, which share this shape).
///
/// The client sends one with `spec` in `KUBERNETES_EXEC_INFO`; the plugin prints one with
/// `status` on standard output.
public struct ExecCredential: Codable, Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var spec: Spec?
    public var status: Status?

    public init(apiVersion: String, kind: String = "ExecCredential", spec: Spec? = nil, status: Status? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.spec = spec
        self.status = status
    }

    /// What the client tells the plugin.
    public struct Spec: Codable, Hashable, Sendable {
        /// Only with `provideClusterInfo: true`.
        public var cluster: Cluster?
        /// Always `false` here: plugins run without a terminal.
        public var interactive: Bool

        public init(cluster: Cluster? = nil, interactive: Bool = false) {
            self.cluster = cluster
            self.interactive = interactive
        }
    }

    /// The cluster being authenticated to (keys as in kubeconfig).
    public struct Cluster: Codable, Hashable, Sendable {
        public var server: String
        public var tlsServerName: String?
        public var insecureSkipTLSVerify: Bool?
        /// Base64 of the PEM bundle.
        public var certificateAuthorityData: String?
        public var proxyURL: String?

        public init(
            server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool? = nil,
            certificateAuthorityData: String? = nil, proxyURL: String? = nil
        ) {
            self.server = server
            self.tlsServerName = tlsServerName
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.certificateAuthorityData = certificateAuthorityData
            self.proxyURL = proxyURL
        }

        enum CodingKeys: String, CodingKey {
            case server
            case tlsServerName = "tls-server-name"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case certificateAuthorityData = "certificate-authority-data"
            case proxyURL = "proxy-url"
        }
    }

    /// What the plugin answers. Never logged.
    public struct Status: Codable, Hashable, Sendable {
        public var token: String?
        /// PEM (not base64).
        public var clientCertificateData: String?
        /// PEM (not base64).
        public var clientKeyData: String?
        /// RFC 3339; absent means the credentials do not expire.
        public var expirationTimestamp: String?

        public init(
            token: String? = nil, clientCertificateData: String? = nil, clientKeyData: String? = nil,
            expirationTimestamp: String? = nil
        ) {
            self.token = token
            self.clientCertificateData = clientCertificateData
            self.clientKeyData = clientKeyData
            self.expirationTimestamp = expirationTimestamp
        }
    }
}
