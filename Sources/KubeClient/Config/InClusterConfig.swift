import Foundation

/// The configuration of a pod's service account: the API server from
/// `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the mounted token (re-read, since the
/// kubelet rotates it), CA bundle and namespace.
public enum InClusterConfig {
    public static let defaultTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    public static let defaultCAPath = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
    public static let defaultNamespacePath = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

    /// True when `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` are both set, as in
    /// every pod.
    public static func isAvailable(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty && !(environment["KUBERNETES_SERVICE_PORT"] ?? "").isEmpty
    }

    /// Builds the in-cluster configuration.
    ///
    /// - The server is `https://HOST:PORT`, with an IPv6 host in brackets.
    /// - Credentials are a `TokenFileCredentialProvider` on `tokenPath`, re-read at most once
    ///   a minute and right after a 401. The token is read once here so a missing one fails now.
    /// - The CA bundle at `caPath` must exist. The namespace comes from `namespacePath`; when
    ///   that file is absent the namespace is `nil` (meaning `default`).
    /// - `source` is `in-cluster`, `contextName` is `nil`.
    ///
    /// Throws `InClusterConfigError`.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, tokenPath: String = defaultTokenPath,
        caPath: String = defaultCAPath, namespacePath: String = defaultNamespacePath
    ) throws -> ClientConfiguration {
        let host = (environment["KUBERNETES_SERVICE_HOST"] ?? "").trimmingCharacters(in: .whitespaces)
        let port = (environment["KUBERNETES_SERVICE_PORT"] ?? "").trimmingCharacters(in: .whitespaces)
        var missing: [String] = []
        if host.isEmpty { missing.append("KUBERNETES_SERVICE_HOST") }
        if port.isEmpty { missing.append("KUBERNETES_SERVICE_PORT") }
        guard missing.isEmpty else { throw InClusterConfigError.notInCluster(missingVariables: missing) }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw InClusterConfigError.invalidPort(port)
        }
        let bracketedHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host

        let token: String
        do {
            token = try TokenFileCredentialProvider.readToken(path: tokenPath)
        } catch let error as CredentialError {
            throw InClusterConfigError.token(error)
        }
        let ca: Data
        switch FileErrors.read(caPath) {
        case .success(let data): ca = data
        case .failure(let f): throw InClusterConfigError.unreadableCA(path: caPath, reason: f.reason)
        }
        var namespace: String?
        if case .success(let data) = FileErrors.read(namespacePath) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            namespace = text.isEmpty ? nil : text
        }
        return ClientConfiguration(
            server: "https://\(bracketedHost):\(portNumber)",
            tls: TLSConfiguration(certificateAuthorityPEM: ca),
            credentials: TokenFileCredentialProvider(path: tokenPath, initialToken: token),
            namespace: namespace, contextName: nil, source: "in-cluster")
    }
}

/// Why the in-cluster configuration could not be built.
public enum InClusterConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    case notInCluster(missingVariables: [String])
    case invalidPort(String)
    case token(CredentialError)
    case unreadableCA(path: String, reason: String)

    public var description: String {
        switch self {
        case .notInCluster(let missing):
            return "in-cluster configuration: not running in a pod (\(missing.joined(separator: " and ")) not set)"
        case .invalidPort(let port):
            return "in-cluster configuration: KUBERNETES_SERVICE_PORT \"\(port)\" is not a port number"
        case .token(let error):
            return "in-cluster configuration: service account \(error)"
        case .unreadableCA(let path, let reason):
            return "in-cluster configuration: cannot read the service account CA \(path): \(reason)"
        }
    }
}
