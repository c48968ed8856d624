import Foundation

/// The parts of a server URL (`https://host:port/prefix`) the transport needs to build request
/// URLs and to redirect the connection when the certificate must be verified against another
/// name.
struct ServerEndpoint: Sendable, Hashable {
    var scheme: String
    /// Host as in a URL: IPv6 addresses in brackets.
    var host: String
    var port: Int
    /// Path prefix without a trailing slash (usually empty).
    var basePath: String

    init(_ server: String) throws {
        guard let url = URLComponents(string: server), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let rawHost = url.host, !rawHost.isEmpty
        else {
            throw TransportError.other("invalid server URL '\(server)': expected http(s)://host[:port][/path]")
        }
        self.scheme = scheme
        let unbracketed = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        self.host = unbracketed.contains(":") ? "[\(unbracketed)]" : unbracketed
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        var path = url.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    /// `host:port`, the label `KubeClient` reports requests under.
    var hostAndPort: String { "\(host):\(port)" }

    /// The URL for `target` (path and query). With a `serverName`, the URL names it, so SNI
    /// and certificate verification use it; `connectTo` then sends the connection to the real
    /// host.
    func url(for target: String, serverName: String?) -> String {
        "\(scheme)://\(serverName ?? host):\(port)\(basePath)\(target)"
    }

    /// libcurl `CURLOPT_CONNECT_TO` entry mapping `serverName` to the real host.
    func connectTo(serverName: String) -> String {
        "\(serverName):\(port):\(host):\(port)"
    }
}
