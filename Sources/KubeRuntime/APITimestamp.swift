import Foundation

/// Formats and parses the API's timestamps: `Time` (RFC 3339, whole seconds, UTC) and
/// `MicroTime` (RFC 3339 with six fractional digits, UTC).
public enum APITimestamp {
    /// `2024-05-01T10:00:00Z`.
    public static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// `2024-05-01T10:00:00.123456Z`.
    public static func microTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down))
        let base = Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        // base ends in "Z"; put the fraction before it.
        return String(base.dropLast()) + "." + String(format: "%06d", min(max(micros, 0), 999_999)) + "Z"
    }

    /// RFC 3339 timestamp with milliseconds, for logs: `2024-05-01T10:00:00.123Z`.
    public static func milliTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Parses `Time` or `MicroTime` (any number of fractional digits; `Z` or a numeric offset).
    /// Returns `nil` for anything else.
    public static func parse(_ string: String) -> Date? {
        // Split off the fraction, which ISO8601FormatStyle only reads to milliseconds.
        guard let t = string.firstIndex(of: "T") else { return nil }
        var fraction = 0.0
        var whole = string
        if let dot = string[t...].firstIndex(of: ".") {
            let digitsEnd = string[dot...].dropFirst().firstIndex(where: { !$0.isNumber }) ?? string.endIndex
            let digits = string[string.index(after: dot)..<digitsEnd]
            guard !digits.isEmpty, let f = Double("0." + digits) else { return nil }
            fraction = f
            whole = String(string[..<dot]) + String(string[digitsEnd...])
        }
        guard let base = try? Date(whole, strategy: Date.ISO8601FormatStyle()) else { return nil }
        return base.addingTimeInterval(fraction)
    }
}
