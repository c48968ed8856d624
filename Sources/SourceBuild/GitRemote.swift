import Foundation

/// A repository URL a source Job may clone, and how to show it.
///
/// Accepted: `https://…`, `ssh://…` and scp-like `user@host:path`; `file://…` and local paths
/// only when file URLs are allowed (tests). `http://`, `git://`, `ext::` and every other
/// transport are refused. A password in the URL's userinfo is refused (credentials come from
/// the credentials directory). ``redacted`` never shows userinfo.
public struct GitRemote: Sendable, Equatable {
    /// The transport git will use.
    public enum Transport: String, Sendable { case https, ssh, file }

    /// Why a URL is refused. Descriptions show the URL without its userinfo.
    public enum RemoteError: Error, Equatable, CustomStringConvertible {
        case unsupportedScheme(String)
        case fileURLNotAllowed(String)
        case passwordInURL(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .unsupportedScheme(let url): "the repository URL \(url) is not https://, ssh:// or user@host:path"
            case .fileURLNotAllowed(let url): "the repository URL \(url) is local (file:// or a path), allowed only with --allow-file-url"
            case .passwordInURL(let url): "the repository URL \(url) carries a password; use the credentials directory"
            case .malformed(let url): "the repository URL \(url) is malformed"
            }
        }
    }

    /// The URL as given, passed to git.
    public let url: String
    public let transport: Transport

    /// Checks `url`; `allowFile` admits `file://` and paths.
    public init(_ url: String, allowFile: Bool) throws {
        let shown = Self.redact(url)
        guard !url.isEmpty, !url.hasPrefix("-"), !url.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw RemoteError.malformed(shown)
        }
        let lower = url.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("ssh://") {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
                throw RemoteError.malformed(shown)
            }
            if components.password != nil { throw RemoteError.passwordInURL(shown) }
            transport = lower.hasPrefix("https://") ? .https : .ssh
        } else if lower.hasPrefix("file://") || url.hasPrefix("/") || url.hasPrefix("./") || url.hasPrefix("../") {
            guard allowFile else { throw RemoteError.fileURLNotAllowed(shown) }
            transport = .file
        } else if lower.contains("://") || lower.hasPrefix("ext::") || url.contains("::") {
            throw RemoteError.unsupportedScheme(shown)
        } else if Self.isSCPLike(url) {
            transport = .ssh
        } else {
            throw RemoteError.unsupportedScheme(shown)
        }
        self.url = url
    }

    /// ``url`` without userinfo.
    public var redacted: String { Self.redact(url) }

    /// `host:path` or `user@host:path`, with a host of letters, digits, `.`, `-` and a non-empty path.
    static func isSCPLike(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let authority = url[..<colon]
        let path = url[url.index(after: colon)...]
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return !host.isEmpty && !path.isEmpty && !authority.contains("/")
            && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }

    /// `text` with every `scheme://user[:password]@` reduced to `scheme://` (any URL inside it,
    /// such as in git's own messages).
    public static func redact(_ text: String) -> String {
        userinfo.replace(in: text, with: "$1")
    }

    private static let userinfo = TextPattern(#"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@"#)
}
