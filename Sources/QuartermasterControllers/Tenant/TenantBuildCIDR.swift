import Foundation

/// Checks a CIDR as the API server's NetworkPolicy validation would (pure): an IPv4 address of
/// four decimal octets and a prefix 0...32, or an IPv6 address (groups of 1-4 hex digits, at most
/// one `::`, optionally ending in an IPv4 address) and a prefix 0...128. Host bits may be set
/// (`10.1.2.3/8` is accepted, as the API server accepts it).
public enum TenantBuildCIDR {
    /// `true` when `text` is a valid IPv4 or IPv6 CIDR.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = decimal(parts[1]) else { return false }
        let address = parts[0]
        if address.contains(":") { return prefix <= 128 && isIPv6(address) }
        return prefix <= 32 && isIPv4(address)
    }

    static func decimal(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 3, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    static func isIPv4(_ s: Substring) -> Bool {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { (decimal($0) ?? 256) <= 255 }
    }

    static func isIPv6(_ s: Substring) -> Bool {
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            var pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            // An embedded IPv4 address may end the address (it counts as two groups).
            if index == halves.count - 1, let last = pieces.last, last.contains(".") {
                guard isIPv4(last) else { return false }
                pieces.removeLast()
                groups += 2
            }
            for piece in pieces {
                guard (1...4).contains(piece.count), piece.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }
}
