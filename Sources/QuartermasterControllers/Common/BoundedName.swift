import Crypto
import Foundation

/// Object names built from a user-chosen base and a fixed suffix, kept within a DNS-1123 label
/// (63 characters) by shortening the base and adding a digest of the whole base, so two long
/// bases that share their first characters still give different names.
public enum BoundedName {
    /// The longest DNS-1123 label: 63.
    public static let maxLength = 63
    /// Hex digits of the base's digest in a shortened name: 6.
    public static let digestLength = 6

    /// `<base>-<suffix>` when it fits in `limit` characters; else the base's first characters,
    /// `-`, the first ``digestLength`` hex digits of the SHA-256 of the whole base (UTF-8), `-`,
    /// `suffix` — exactly `limit` characters. Deterministic; the suffix is kept whole (callers
    /// keep it short: at most `limit - 9` characters). A DNS-1123 label when `base` is one.
    /// (`TenantBuildNamespace.name(for:)` is this with the suffix `build`.)
    public static func make(_ base: String, suffix: String, limit: Int = maxLength) -> String {
        let plain = "\(base)-\(suffix)"
        if plain.count <= limit { return plain }
        let digest = SHA256.hash(data: Data(base.utf8)).map { String(format: "%02x", $0) }.joined().prefix(digestLength)
        let room = max(limit - suffix.count - digestLength - 2, 1)
        return "\(base.prefix(room))-\(digest)-\(suffix)"
    }
}
