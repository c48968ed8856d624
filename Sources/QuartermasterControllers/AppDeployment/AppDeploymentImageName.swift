import Foundation

/// `spec.image` of an AppDeployment taken apart as the OCI distribution API needs it (pure
/// parsing, no I/O): where to ask (``registryHost``, ``apiHost``), what (``repository``,
/// ``tag``), and whether it is pinned already (``digest``).
///
/// Normalisation follows ``ImageReference`` (Docker Hub is `docker.io`, a bare name is under
/// `library/`). A reference without tag or digest has the tag `latest`, as for a container
/// runtime.
///
/// `ghcr.io/acme/web:1.4` → registry `ghcr.io`, repository `acme/web`, tag `1.4`;
/// `nginx` → registry `docker.io` (API host `registry-1.docker.io`), repository
/// `library/nginx`, tag `latest`.
public struct AppDeploymentImageName: Sendable, Hashable {
    /// The reference as written (`spec.image`, trimmed).
    public var text: String
    /// The name as written without tag and digest (`ghcr.io/acme/web`, `nginx`): what a pinned
    /// reference starts with.
    public var name: String
    /// Registry host with its port, lower-cased (`ghcr.io`, `localhost:5000`, `docker.io`).
    public var registryHost: String
    /// Repository below the host (`acme/web`, `library/nginx`).
    public var repository: String
    /// The tag; `latest` when neither tag nor digest is written, `nil` for a digest without tag.
    public var tag: String?
    /// `sha256:<64 hex>` when the reference carries a digest.
    public var digest: String?

    /// Parses `image`; `nil` when it is empty, has an empty path component, or carries a digest
    /// that is not `sha256:` followed by 64 lower-case hex digits, or a tag that is not
    /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    public init?(_ image: String) {
        let trimmed = image.trimmingCharacters(in: .whitespaces)
        var rest = Substring(trimmed)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let candidate = String(rest[rest.index(after: at)...])
            guard Self.isDigest(candidate) else { return nil }
            digest = candidate
            rest = rest[..<at]
        }
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let candidate = String(rest[rest.index(after: colon)...])
            guard Self.isTag(candidate) else { return nil }
            tag = candidate
            rest = rest[..<colon]
        }
        guard let reference = ImageReference(image: String(rest)), !reference.path.isEmpty else { return nil }
        self.text = trimmed
        self.name = String(rest)
        self.registryHost = reference.host
        self.repository = reference.path
        self.digest = digest
        self.tag = tag ?? (digest == nil ? "latest" : nil)
    }

    /// The host the registry API answers on: `registry-1.docker.io` for Docker Hub, else
    /// ``registryHost``.
    public var apiHost: String { registryHost == "docker.io" ? "registry-1.docker.io" : registryHost }

    /// The reference pinned to `digest`: ``name``, `@`, the digest (`ghcr.io/acme/web@sha256:…`).
    public func pinned(to digest: String) -> String { "\(name)@\(digest)" }

    /// `true` for `sha256:` followed by 64 lower-case hex digits (``AppDeploymentImage/isDigest(_:)``).
    public static func isDigest(_ text: String) -> Bool { AppDeploymentImage.isDigest(text) }

    /// `true` for a tag as the distribution spec allows it.
    static func isTag(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 128 else { return false }
        func word(_ c: Unicode.Scalar) -> Bool { c.isASCII && (CharacterSet.alphanumerics.contains(c) || c == "_") }
        return word(first) && text.unicodeScalars.allSatisfy { word($0) || $0 == "." || $0 == "-" }
    }
}
