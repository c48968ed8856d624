import Foundation

/// One kubeconfig file as kubectl writes it: clusters, users and contexts by name, and the
/// current context. Keys are kubectl's (`certificate-authority-data`, `client-key`, ...).
///
/// `preferences`, `extensions`, `kind` and `apiVersion` are ignored. Missing or `null` lists
/// decode as empty. Paths are kept as written; `KubeconfigLoader` resolves relative ones
/// against the directory of the file that defined them.
public struct Kubeconfig: Hashable, Sendable, Decodable {
    public var clusters: [NamedCluster]
    public var users: [NamedUser]
    public var contexts: [NamedContext]
    /// `current-context`; `nil` or empty when not set.
    public var currentContext: String?

    public init(
        clusters: [NamedCluster] = [], users: [NamedUser] = [], contexts: [NamedContext] = [],
        currentContext: String? = nil
    ) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
    }

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clusters = try c.decodeIfPresent([NamedCluster].self, forKey: .clusters) ?? []
        users = try c.decodeIfPresent([NamedUser].self, forKey: .users) ?? []
        contexts = try c.decodeIfPresent([NamedContext].self, forKey: .contexts) ?? []
        currentContext = try c.decodeIfPresent(String.self, forKey: .currentContext)
    }
}

/// A `clusters[]` entry.
public struct NamedCluster: Hashable, Sendable, Decodable {
    public var name: String
    public var cluster: KubeconfigCluster

    public init(name: String, cluster: KubeconfigCluster) {
        self.name = name
        self.cluster = cluster
    }
}

/// How to reach and trust one API server.
public struct KubeconfigCluster: Hashable, Sendable, Decodable {
    /// `server`: the API server's base URL.
    public var server: String?
    /// `certificate-authority`: path to a PEM bundle.
    public var certificateAuthority: String?
    /// `certificate-authority-data`: base64 of a PEM bundle; wins over `certificate-authority`.
    public var certificateAuthorityData: String?
    /// `insecure-skip-tls-verify`. Default `false`.
    public var insecureSkipTLSVerify: Bool?
    /// `tls-server-name`: name to verify the server certificate against.
    public var tlsServerName: String?
    /// `proxy-url`: not supported by this client; loading a context whose cluster sets it fails.
    public var proxyURL: String?

    public init(
        server: String? = nil, certificateAuthority: String? = nil, certificateAuthorityData: String? = nil,
        insecureSkipTLSVerify: Bool? = nil, tlsServerName: String? = nil, proxyURL: String? = nil
    ) {
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.certificateAuthorityData = certificateAuthorityData
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.proxyURL = proxyURL
    }

    enum CodingKeys: String, CodingKey {
        case server
        case certificateAuthority = "certificate-authority"
        case certificateAuthorityData = "certificate-authority-data"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case tlsServerName = "tls-server-name"
        case proxyURL = "proxy-url"
    }
}

/// A `users[]` entry.
public struct NamedUser: Hashable, Sendable, Decodable {
    public var name: String
    public var user: KubeconfigUser

    public init(name: String, user: KubeconfigUser) {
        self.name = name
        self.user = user
    }
}

/// How to authenticate (kubectl's `AuthInfo`).
public struct KubeconfigUser: Hashable, Sendable, Decodable {
    /// `token`: a bearer token.
    public var token: String?
    /// `tokenFile`: path to a file holding a bearer token, re-read periodically; wins over `token`.
    public var tokenFile: String?
    /// `client-certificate`: path to a PEM certificate.
    public var clientCertificate: String?
    /// `client-certificate-data`: base64 of a PEM certificate; wins over `client-certificate`.
    public var clientCertificateData: String?
    /// `client-key`: path to a PEM private key.
    public var clientKey: String?
    /// `client-key-data`: base64 of a PEM private key; wins over `client-key`.
    public var clientKeyData: String?
    /// `username` for HTTP basic auth.
    public var username: String?
    /// `password` for HTTP basic auth.
    public var password: String?
    /// `exec`: a credential plugin.
    public var exec: ExecConfig?
    /// `auth-provider`: not supported (removed from kubectl too); loading a context that uses
    /// it fails with a message suggesting an exec plugin.
    public var authProvider: AuthProviderConfig?

    public init(
        token: String? = nil, tokenFile: String? = nil, clientCertificate: String? = nil,
        clientCertificateData: String? = nil, clientKey: String? = nil, clientKeyData: String? = nil,
        username: String? = nil, password: String? = nil, exec: ExecConfig? = nil,
        authProvider: AuthProviderConfig? = nil
    ) {
        self.token = token
        self.tokenFile = tokenFile
        self.clientCertificate = clientCertificate
        self.clientCertificateData = clientCertificateData
        self.clientKey = clientKey
        self.clientKeyData = clientKeyData
        self.username = username
        self.password = password
        self.exec = exec
        self.authProvider = authProvider
    }

    enum CodingKeys: String, CodingKey {
        case token, tokenFile, username, password, exec
        case clientCertificate = "client-certificate"
        case clientCertificateData = "client-certificate-data"
        case clientKey = "client-key"
        case clientKeyData = "client-key-data"
        case authProvider = "auth-provider"
    }
}

/// `auth-provider`: kept only to report it as unsupported.
public struct AuthProviderConfig: Hashable, Sendable, Decodable {
    public var name: String?
    public init(name: String? = nil) { self.name = name }
}

/// A `contexts[]` entry.
public struct NamedContext: Hashable, Sendable, Decodable {
    public var name: String
    public var context: KubeconfigContext

    public init(name: String, context: KubeconfigContext) {
        self.name = name
        self.context = context
    }
}

/// A cluster, a user and a default namespace.
public struct KubeconfigContext: Hashable, Sendable, Decodable {
    public var cluster: String?
    public var user: String?
    /// `nil` or empty means `default`.
    public var namespace: String?

    public init(cluster: String? = nil, user: String? = nil, namespace: String? = nil) {
        self.cluster = cluster
        self.user = user
        self.namespace = namespace
    }
}
