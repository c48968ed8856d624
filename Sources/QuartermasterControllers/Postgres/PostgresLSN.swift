/// A PostgreSQL write-ahead log position as PostgreSQL prints it (`X/Y`, each half 1 to 8 hex
/// digits): comparable, so "the most advanced replica" and "the newest backup before an LSN"
/// are plain comparisons.
public struct PostgresLSN: Sendable, Hashable, Comparable {
    /// The 64-bit byte position (`X << 32 | Y`).
    public var value: UInt64

    /// `nil` when `text` is not an LSN.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...8).contains(parts[0].count), (1...8).contains(parts[1].count),
            let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    /// `text` as a byte position; `nil` when it is not an LSN.
    public static func parse(_ text: String) -> UInt64? { PostgresLSN(text)?.value }

    public static func < (a: PostgresLSN, b: PostgresLSN) -> Bool { a.value < b.value }
}
