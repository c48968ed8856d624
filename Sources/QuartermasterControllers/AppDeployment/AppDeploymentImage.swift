/// `spec.image` taken apart (pure, no I/O): the repository to pin and the digest it may already
/// carry. A reference is `repository[:tag][@sha256:<64 hex>]`; the repository keeps its
/// registry host as written (`ghcr.io/acme/web`, `localhost:5000/web`, `nginx`), so the pinned
/// reference `repository@digest` pulls from where the user said.
public struct AppDeploymentImage: Hashable, Sendable {
    /// The reference without tag and digest (`ghcr.io/acme/web`).
    public var repository: String
    /// The tag, if any (`1.4`).
    public var tag: String?
    /// `sha256:<64 hex>` when the reference carries a digest.
    public var digest: String?

    /// Parses `reference`; `nil` when it is empty, has whitespace, has a digest that is not
    /// `sha256:` followed by 64 lower-case hex digits, or does not parse as an image
    /// (``ImageReference``).
    public init?(_ reference: String) {
        guard !reference.isEmpty, !reference.contains(where: \.isWhitespace), ImageReference(image: reference) != nil else {
            return nil
        }
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") {
            let digest = String(rest[rest.index(after: at)...])
            guard Self.isDigest(digest) else { return nil }
            self.digest = digest
            rest = rest[..<at]
        } else {
            self.digest = nil
        }
        let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[lastSlash...].lastIndex(of: ":") {
            let tag = String(rest[rest.index(after: colon)...])
            guard !tag.isEmpty else { return nil }
            self.tag = tag
            rest = rest[..<colon]
        } else {
            self.tag = nil
        }
        guard !rest.isEmpty else { return nil }
        repository = String(rest)
    }

    /// `true` for `sha256:` followed by 64 lower-case hex digits.
    public static func isDigest(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// `repository@digest`: what the pods run.
    public func pinned(to digest: String) -> String { "\(repository)@\(digest)" }
}
