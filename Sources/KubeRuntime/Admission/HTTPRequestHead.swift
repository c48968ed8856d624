import Foundation

/// The head of an HTTP/1.1 request, parsed from bytes (sans-IO): request line and headers, and
/// what they say about the body and the connection.
struct HTTPRequestHead: Sendable, Hashable {
    var method: String
    var path: String
    var version: String
    var headers: [HTTPHeaderField]

    /// Why a head cannot be served; each is answered with its status and the connection closed.
    enum Problem: Error, Hashable {
        case malformed(String)
        /// A chunked or otherwise encoded body: the API server always sends `Content-Length`.
        case lengthRequired

        var response: WebhookHTTPResponse {
            switch self {
            case .malformed(let m): return .text(400, "bad request: \(m)")
            case .lengthRequired: return .text(411, "a Content-Length is required")
            }
        }
    }

    /// Index just past the `\r\n\r\n` ending the head in `bytes`, or `nil` when not all there.
    static func endOfHead(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// Parses the head (the bytes up to and including the blank line).
    static func parse(_ bytes: ArraySlice<UInt8>) throws(Problem) -> HTTPRequestHead {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        while lines.last == "" { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].hasPrefix("/"), parts[2].hasPrefix("HTTP/1.") else {
            throw .malformed("invalid request line")
        }
        var headers: [HTTPHeaderField] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .malformed("invalid header line")
            }
            headers.append(
                HTTPHeaderField(
                    name: String(line[..<colon]),
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let target = String(parts[1])
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        return HTTPRequestHead(method: String(parts[0]), path: path, version: String(parts[2]), headers: headers)
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// The body's length from `Content-Length` (0 when absent).
    func contentLength() throws(Problem) -> Int {
        if header("transfer-encoding") != nil { throw .lengthRequired }
        let values = headers.filter { $0.name == "content-length" }.map(\.value)
        guard let first = values.first else { return 0 }
        guard values.allSatisfy({ $0 == first }), let n = Int(first), n >= 0 else {
            throw .malformed("invalid Content-Length")
        }
        return n
    }

    /// Whether the connection stays open after the response (HTTP/1.1 default: yes).
    var keepAlive: Bool {
        let connection = header("connection")?.lowercased()
        if version == "HTTP/1.0" { return connection == "keep-alive" }
        return connection != "close"
    }
}
