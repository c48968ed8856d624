import Foundation

/// An HTTP/1.1 request as the webhook server read it: the head parsed, the body read in full
/// (never more than the server's body limit).
public struct WebhookHTTPRequest: Sendable, Hashable {
    public var method: String
    /// The request target without its query (`/validate-tenants`).
    public var path: String
    /// Header names lower-cased, in order.
    public var headers: [HTTPHeaderField]
    public var body: Data

    public init(method: String, path: String, headers: [HTTPHeaderField] = [], body: Data = Data()) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.name == n }?.value
    }
}

/// One header line: the name lower-cased, the value trimmed.
public struct HTTPHeaderField: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name.lowercased()
        self.value = value
    }
}

/// What the webhook server writes back: a status, a content type and a body (sent with
/// `Content-Length`).
public struct WebhookHTTPResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var body: Data

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A plain-text response (a newline is added).
    public static func text(_ status: Int, _ message: String) -> WebhookHTTPResponse {
        WebhookHTTPResponse(status: status, body: Data((message + "\n").utf8))
    }

    /// The status line's reason phrase for the codes this server sends.
    public var reasonPhrase: String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    /// The bytes on the wire: status line, headers, body.
    func serialized(keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reasonPhrase)\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        head += "\r\n"
        return Array(head.utf8) + Array(body)
    }
}
