/// Object names built from a user-chosen base and a fixed suffix, kept within a DNS-1123 label
/// (63 characters) by shortening the base and adding a digest of the whole base, so two long
/// bases that share their first characters still give different names.
public enum BoundedName {
    /// The longest DNS-1123 label: 63.
    public static let maxLength = 63
    /// Hex digits of the base's digest in a shortened name: 6.
    public static let digestLength = 6

    /// `<base>-<suffix>` when it fits in `limit` characters; else the base's first characters
    /// (a trailing `-` trimmed), `-`, ``digestLength`` hex digits of the SHA-256 of the whole
    /// base, `-`, `suffix`. Deterministic; the suffix is kept whole (callers keep it short:
    /// at most `limit - 9` characters).
    public static func make(_ base: String, suffix: String, limit: Int = maxLength) -> String {
        let plain = "\(base)-\(suffix)"
        if plain.count <= limit { return plain }
        let digest = ContentHash.sha256([(name: "bounded-name", data: ["base": base])]).prefix(digestLength)
        let room = max(limit - suffix.count - digestLength - 2, 1)
        var head = String(base.prefix(room))
        while head.hasSuffix("-") { head.removeLast() }
        return head.isEmpty ? "\(digest)-\(suffix)" : "\(head)-\(digest)-\(suffix)"
    }
}
