import Foundation

/// A Kubernetes resource quantity (`500m`, `2`, `1.5Gi`, `100M`, `1e3`), held exactly.
///
/// The value is a `Decimal` in base units (cores, bytes), so `1Gi == 1073741824` and
/// `0.5 == 500m`; arithmetic and comparison are exact. Equality and hashing use the value,
/// not the spelling. Encodes as a JSON string in canonical form (see `description`).
public struct Quantity: Hashable, Sendable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral, ExpressibleByIntegerLiteral
{
    /// How a quantity prefers to be written; kept from the parsed text for formatting.
    public enum Format: Hashable, Sendable {
        /// `Ki`, `Mi`, `Gi`, ... (powers of 1024).
        case binarySI
        /// `n`, `u`, `m`, `k`, `M`, `G`, ... (powers of 1000), or a plain number.
        case decimalSI
        /// `1e3`, `5E-3`.
        case decimalExponent
    }

    /// The exact value in base units.
    public let value: Decimal
    /// The notation used when formatting.
    public let format: Format

    public init(_ value: Decimal, format: Format = .decimalSI) {
        self.value = value
        self.format = format
    }

    public init(integerLiteral value: Int) { self.init(Decimal(value)) }

    /// Parses `text`; crashes on invalid text, so use only with literals in code.
    public init(stringLiteral value: String) {
        guard let q = Quantity(parsing: value) else { preconditionFailure("invalid quantity literal \(value)") }
        self = q
    }

    private static let binarySuffixes: [(String, Int)] = [
        ("Ki", 1), ("Mi", 2), ("Gi", 3), ("Ti", 4), ("Pi", 5), ("Ei", 6),
    ]
    private static let decimalSuffixes: [(String, Int)] = [
        ("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18),
    ]

    /// Parses the API's quantity syntax: an optional sign, digits with an optional fraction,
    /// and an optional suffix (binary `Ki`..`Ei`, decimal `n`,`u`,`m`,`k`,`M`..`E`, or an
    /// exponent `e3`/`E-3`). Returns `nil` for anything else (including empty text, spaces
    /// and a bare sign).
    public init?(parsing text: String) {
        let s = Substring(text)
        var i = s.startIndex
        var negative = false
        if i < s.endIndex, s[i] == "+" || s[i] == "-" {
            negative = s[i] == "-"
            i = s.index(after: i)
        }
        let digitsStart = i
        var sawDigit = false
        var sawDot = false
        while i < s.endIndex {
            let ch = s[i]
            if ch.isASCII && ch.isNumber {
                sawDigit = true
            } else if ch == "." && !sawDot {
                sawDot = true
            } else {
                break
            }
            i = s.index(after: i)
        }
        guard sawDigit,
            let magnitude = Decimal(string: String(s[digitsStart..<i]), locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        let number = negative ? -magnitude : magnitude
        let suffix = String(s[i...])
        if let (_, power) = Self.binarySuffixes.first(where: { $0.0 == suffix }) {
            var m = Decimal(1)
            for _ in 0..<power { m *= 1024 }
            self.init(number * m, format: .binarySI)
        } else if let (_, exp) = Self.decimalSuffixes.first(where: { $0.0 == suffix }) {
            self.init(number * Decimal(sign: .plus, exponent: exp, significand: 1), format: .decimalSI)
        } else if suffix.count >= 2, suffix.first == "e" || suffix.first == "E",
            let exp = Int(suffix.dropFirst()), abs(exp) <= 100,
            suffix.dropFirst().allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" })
        {
            self.init(number * Decimal(sign: .plus, exponent: exp, significand: 1), format: .decimalExponent)
        } else {
            return nil
        }
    }

    // MARK: Codable

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            guard let q = Quantity(parsing: s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid quantity \(s)")
            }
            self = q
        } else if let i = try? c.decode(Int64.self) {
            self.init(Decimal(i))
        } else {
            let d = try c.decode(Double.self)
            guard let q = Quantity(parsing: String(d)) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid quantity \(d)")
            }
            self = q
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    // MARK: Values

    /// The value rounded up to a whole number of base units (as the API's `Value()`), or
    /// `nil` when it does not fit in `Int64`.
    public var integerValue: Int64? { Self.int64(Self.roundedUp(value)) }

    /// The value in thousandths, rounded up (as the API's `MilliValue()`): `500m` gives 500.
    public var milliValue: Int64? { Self.int64(Self.roundedUp(value * 1000)) }

    /// The value as a `Double` (inexact; for ratios and display).
    public var doubleValue: Double { NSDecimalNumber(decimal: value).doubleValue }

    public var isZero: Bool { value.isZero }

    // MARK: Formatting

    /// Canonical text: binary-format quantities use the largest exact `Ki`..`Ei` suffix, others
    /// the largest exact decimal suffix (`k`..`E`, or `m`, `u`, `n` for fractions). A value
    /// with no exact suffix is written as a plain decimal number.
    public var description: String {
        if value.isZero { return "0" }
        if format == .binarySI, value >= 1024 || value <= -1024, Self.isIntegral(value) {
            var v = value
            var power = 0
            while power < 6, Self.isIntegral(v / 1024), (v / 1024) != 0, abs(v) >= 1024 {
                v /= 1024
                power += 1
            }
            if power > 0 { return "\(Self.plain(v))\(Self.binarySuffixes[power - 1].0)" }
        }
        // Largest decimal suffix that divides exactly.
        for (suffix, exp) in Self.decimalSuffixes.reversed() {
            let scaled = value / Decimal(sign: .plus, exponent: exp, significand: 1)
            if Self.isIntegral(scaled) {
                if exp > 0 && abs(scaled) < 1 { continue }
                return "\(Self.plain(scaled))\(suffix)"
            }
        }
        return Self.plain(value)
    }

    // MARK: Arithmetic

    public static func + (a: Quantity, b: Quantity) -> Quantity { Quantity(a.value + b.value, format: a.format) }
    public static func - (a: Quantity, b: Quantity) -> Quantity { Quantity(a.value - b.value, format: a.format) }
    public static func * (a: Quantity, n: Int) -> Quantity { Quantity(a.value * Decimal(n), format: a.format) }
    public static func += (a: inout Quantity, b: Quantity) { a = a + b }
    public static func -= (a: inout Quantity, b: Quantity) { a = a - b }
    public static func < (a: Quantity, b: Quantity) -> Bool { a.value < b.value }
    public static func == (a: Quantity, b: Quantity) -> Bool { a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(Self.plain(value)) }

    // MARK: Helpers

    private static func isIntegral(_ d: Decimal) -> Bool {
        var x = d
        var r = Decimal()
        NSDecimalRound(&r, &x, 0, .plain)
        return r == d
    }

    private static func roundedUp(_ d: Decimal) -> Decimal {
        var x = d
        var r = Decimal()
        NSDecimalRound(&r, &x, 0, .up)
        return r
    }

    private static func int64(_ d: Decimal) -> Int64? {
        guard d <= Decimal(Int64.max), d >= Decimal(Int64.min) else { return nil }
        return Int64(plain(d))
    }

    /// Plain decimal notation, no exponent, no grouping.
    private static func plain(_ d: Decimal) -> String {
        d.description
    }
}
