import Foundation

/// Where a server listens, parsed from a flag such as `--metrics-bind-address`.
///
/// Accepted forms: `":8080"` (every interface), `"127.0.0.1:8080"`, `"[::1]:8080"`,
/// `"localhost:8080"` (127.0.0.1), and `"0"` (disabled). Port `0` picks a free port.
public enum BindAddress: Sendable, Hashable, CustomStringConvertible {
    /// No listener.
    case disabled
    /// Listen on `host` (an IP literal; `nil` for every interface) and `port`.
    case listen(host: String?, port: UInt16)

    /// Parses a flag value; throws `BindAddressError` for anything else.
    public init(parsing text: String) throws {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "0" {
            self = .disabled
            return
        }
        guard let colon = s.lastIndex(of: ":") else { throw BindAddressError(text: text) }
        var host = String(s[..<colon])
        guard let port = UInt16(s[s.index(after: colon)...]) else { throw BindAddressError(text: text) }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw BindAddressError(text: text) }
            host = String(host.dropFirst().dropLast())
            guard host.contains(":") else { throw BindAddressError(text: text) }
        } else if host == "localhost" {
            host = "127.0.0.1"
        } else if !host.isEmpty {
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { throw BindAddressError(text: text) }
        }
        self = .listen(host: host.isEmpty ? nil : host, port: port)
    }

    public var description: String {
        switch self {
        case .disabled: return "0"
        case .listen(let host?, let port) where host.contains(":"): return "[\(host)]:\(port)"
        case .listen(let host, let port): return "\(host ?? ""):\(port)"
        }
    }
}

/// A bind address that could not be parsed.
public struct BindAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "invalid bind address \"\(text)\": expected \":PORT\", \"IPv4:PORT\", \"[IPv6]:PORT\" or \"0\""
    }
}
