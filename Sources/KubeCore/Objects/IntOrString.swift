import Foundation

/// A value the API accepts as either an integer or a string (`targetPort: 8080` or
/// `targetPort: "http"`, `maxUnavailable: 1` or `"25%"`).
public enum IntOrString: Codable, Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    case int(Int)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i); return }
        self = .string(try c.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        }
    }

    /// Resolves the value against `total`: an integer as is, `"N%"` as that share of `total`
    /// (rounded up when `roundUp`, down otherwise), a numeric string as its number.
    /// Returns `nil` for a string that is neither.
    public func resolve(total: Int, roundUp: Bool) -> Int? {
        switch self {
        case .int(let i): return i
        case .string(let s):
            if s.hasSuffix("%"), let p = Int(s.dropLast()) {
                let scaled = p * total
                return roundUp ? (scaled + 99) / 100 : scaled / 100
            }
            return Int(s)
        }
    }
}
