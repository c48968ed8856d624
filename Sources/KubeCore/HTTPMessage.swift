import Foundation

/// HTTP methods the API client uses.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
}

/// One query parameter (order is kept; names may repeat).
public struct QueryItem: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request to the API server, relative to the server's base URL. Sans-IO: built by
/// `KubeCore`, sent by a transport.
public struct HTTPRequest: Hashable, Sendable, CustomStringConvertible {
    public var method: HTTPMethod
    /// Absolute path from the server root, such as `/api/v1/namespaces/default/configmaps`.
    public var path: String
    public var query: [QueryItem]
    /// Header names as sent; `Accept: application/json` is added by the transport when absent.
    public var headers: [String: String]
    public var body: Data?
    /// Whole-request timeout; `nil` means the transport's default. Streaming requests use it
    /// only for connecting and receiving the response head.
    public var timeout: Duration?
    /// A client certificate for this request (from an exec credential plugin), overriding the
    /// transport's configured one. Default: `nil`, the transport's.
    public var clientIdentity: ClientIdentity?

    public init(
        method: HTTPMethod, path: String, query: [QueryItem] = [], headers: [String: String] = [:],
        body: Data? = nil, timeout: Duration? = nil, clientIdentity: ClientIdentity? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.clientIdentity = clientIdentity
    }

    /// Path and percent-encoded query, as it goes on the request line.
    public var target: String {
        guard !query.isEmpty else { return path }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+;,/?:@$!'()*")
        let q = query.map {
            "\($0.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.name)="
                + "\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)"
        }
        return path + "?" + q.joined(separator: "&")
    }

    /// `METHOD target`, for logs. Never includes headers or body (they can hold secrets).
    public var description: String { "\(method.rawValue) \(target)" }
}

/// A complete response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A TLS client certificate and its private key, both PEM. Never logged.
public struct ClientIdentity: Hashable, Sendable {
    public var certificatePEM: Data
    public var keyPEM: Data
    public init(certificatePEM: Data, keyPEM: Data) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
}
