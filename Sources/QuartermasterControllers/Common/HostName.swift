/// A host an object asks to be served on (an Ingress rule's `host`): checked and normalised
/// before it is claimed (``HostClaim``) or written.
///
/// A host must be a DNS name as an Ingress rule takes it: lower-case letters, digits, `-` and
/// `.`; labels of 1 to 63 characters that neither start nor end with `-`; at most 253
/// characters; no wildcard (`*`), no trailing dot, not an IPv4 address (the Ingress API
/// refuses one; the schema pattern cannot tell it from a name, so only ``parse(_:)`` does).
/// Upper case is refused rather than folded, so
/// the host claimed is the host written. An Ingress rule without a host serves every host, so
/// an exposure that needs one and has none is refused (``Problem/missing``).
public struct HostName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The host: a lower-case DNS name without a trailing dot.
    public let value: String

    /// Longest host. 253.
    public static let maxLength = 253
    /// Longest label. 63.
    public static let maxLabelLength = 63

    /// Why a host is refused.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// No host, or an empty one.
        case missing
        /// Longer than ``HostName/maxLength`` (the length is given).
        case tooLong(Int)
        /// A `*` anywhere.
        case wildcard
        /// Upper-case letters: the host must be written lower-case.
        case notLowerCase
        /// Not a DNS name (the reason is given).
        case notDNSName(String)
        /// An IPv4 address: an Ingress rule's host must be a name.
        case ipAddress

        public var description: String {
            switch self {
            case .missing: return "a host is required (an Ingress rule without one serves every host)"
            case .tooLong(let n): return "the host has \(n) characters; at most \(HostName.maxLength)"
            case .wildcard: return "wildcard hosts are not accepted"
            case .notLowerCase: return "the host must be lower-case"
            case .notDNSName(let why): return "the host is not a DNS name: \(why)"
            case .ipAddress: return "the host is an IP address; an Ingress host must be a DNS name"
            }
        }
    }

    /// Checks `raw` and returns it as a host, or the first problem found. Nothing is rewritten:
    /// a host that passes is already in its normal form.
    public static func parse(_ raw: String?) -> Result<HostName, Problem> {
        guard let host = raw, !host.isEmpty else { return .failure(.missing) }
        if host.utf8.count > maxLength { return .failure(.tooLong(host.utf8.count)) }
        if host.contains("*") { return .failure(.wildcard) }
        if host.unicodeScalars.contains(where: { $0.value >= 0x41 && $0.value <= 0x5A }) {
            return .failure(.notLowerCase)
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty else { return .failure(.notDNSName("an empty label")) }
            guard bytes.count <= maxLabelLength else {
                return .failure(.notDNSName("a label longer than \(maxLabelLength) characters"))
            }
            let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
            guard allowed else { return .failure(.notDNSName("only a-z, 0-9, '-' and '.' are allowed")) }
            guard bytes.first != 0x2D, bytes.last != 0x2D else {
                return .failure(.notDNSName("a label starts or ends with '-'"))
            }
        }
        if labels.count == 4, labels.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
            return .failure(.ipAddress)
        }
        return .success(HostName(value: host))
    }

    private init(value: String) { self.value = value }

    public var description: String { value }

    public static func < (a: HostName, b: HostName) -> Bool { a.value < b.value }

    /// The schema pattern of a host field: the same rules as ``parse(_:)`` (lower-case DNS
    /// labels, no wildcard, no trailing dot); the length is bounded by `maxLength` beside it.
    public static let schemaPattern = #"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$"#
}
