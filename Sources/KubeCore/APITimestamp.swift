import Foundation

/// The one place that formats and parses Kubernetes timestamps (RFC 3339).
///
/// - `Time` (`metadata.creationTimestamp`, condition transition times, `core/v1` Event times):
///   whole seconds in UTC, `2024-05-01T10:00:00Z`.
/// - `MicroTime` (Lease `acquireTime`/`renewTime`, `eventTime`): six fractional digits in UTC,
///   `2024-05-01T10:00:00.123456Z`.
/// - Milliseconds in UTC for log lines, `2024-05-01T10:00:00.123Z`.
///
/// Formatting first rounds the date to the nearest microsecond (a `Date` is binary: 0.123456 s
/// after a whole second is stored as 0.12345599…), then truncates to the form's precision, as
/// the API server truncates. Years are clamped to 0001…9999, the range RFC 3339 can write.
/// The arithmetic is on integers (proleptic Gregorian calendar), independent of the locale and
/// of Foundation's date formatters.
public enum APITimestamp {
    /// `Time`: `2024-05-01T10:00:00Z` (fraction dropped).
    public static func time(_ date: Date) -> String {
        let (seconds, _) = split(date)
        return dateTime(seconds) + "Z"
    }

    /// `MicroTime`: `2024-05-01T10:00:00.123456Z`.
    public static func microTime(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        return dateTime(seconds) + "." + padded(micros, 6) + "Z"
    }

    /// For logs: `2024-05-01T10:00:00.123Z`.
    public static func milliTime(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        return dateTime(seconds) + "." + padded(micros / 1000, 3) + "Z"
    }

    /// `Time` of whole seconds since 1970: `2024-05-01T10:00:00Z` (clamped to the years
    /// 0001…9999).
    public static func time(seconds: Int64) -> String {
        dateTime(min(max(seconds, earliestMicros / 1_000_000), latestMicros / 1_000_000)) + "Z"
    }

    /// The seconds since 1970 of a text in exactly the form `time(_:)` writes
    /// (`2024-05-01T10:00:00Z`: upper-case `T` and `Z`, years 0001…9999, no fraction, no leap
    /// second), so that `time(seconds:)` of the result is the same text; `nil` for any other text.
    public static func canonicalTimeSeconds(_ text: String) -> Int64? {
        guard text.utf8.count == 20 else { return nil }
        // Positions of the separators in `yyyy-MM-ddTHH:mm:ssZ`; every other byte is a digit of
        // the field the separators before it count.
        var (year, month, day, hour, minute, second): (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
        var field = 0
        for (offset, byte) in text.utf8.enumerated() {
            let separator: UInt8?
            switch offset {
            case 4, 7: separator = UInt8(ascii: "-")
            case 10: separator = UInt8(ascii: "T")
            case 13, 16: separator = UInt8(ascii: ":")
            case 19: separator = UInt8(ascii: "Z")
            default: separator = nil
            }
            if let separator {
                guard byte == separator else { return nil }
                field += 1
                continue
            }
            guard let digit = Cursor.digit(byte) else { return nil }
            switch field {
            case 0: year = year * 10 + digit
            case 1: month = month * 10 + digit
            case 2: day = day * 10 + digit
            case 3: hour = hour * 10 + digit
            case 4: minute = minute * 10 + digit
            default: second = second * 10 + digit
            }
        }
        guard year >= 1, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The instant `text` names, or `nil` when it is not an RFC 3339 date-time.
    ///
    /// Accepts `Time` and `MicroTime` and what exec credential plugins write: any number of
    /// fractional digits (at least one after a `.`; digits beyond nanoseconds are ignored),
    /// `Z` or a numeric offset `±hh:mm`, `T`/`Z` in either case or a space as the separator,
    /// and a leap second (`:60`, read as the next second). Rejects everything else: missing
    /// parts, out-of-range fields (month 13, February 30, hour 24, offset hour 24), trailing
    /// text.
    public static func parse(_ text: String) -> Date? {
        var cursor = Cursor(Array(text.utf8))
        guard let year = cursor.digits(4), cursor.take("-"), let month = cursor.digits(2), cursor.take("-"),
            let day = cursor.digits(2), cursor.take("Tt "), let hour = cursor.digits(2), cursor.take(":"),
            let minute = cursor.digits(2), cursor.take(":"), let second = cursor.digits(2)
        else { return nil }
        var nanos: Int64 = 0
        if cursor.take(".") {
            guard let fraction = cursor.fractionNanoseconds() else { return nil }
            nanos = fraction
        }
        let offset: Int64
        if cursor.take("Zz") {
            offset = 0
        } else if let sign = cursor.sign() {
            guard let oh = cursor.digits(2), cursor.take(":"), let om = cursor.digits(2), oh < 24, om < 60
            else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard cursor.atEnd, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    // MARK: Formatting

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z in microseconds since 1970.
    private static let earliestMicros: Int64 = -62_135_596_800 * 1_000_000
    private static let latestMicros: Int64 = 253_402_300_800 * 1_000_000 - 1

    /// Whole seconds since 1970 (rounded down) and the microseconds past them, of `date`
    /// rounded to the nearest microsecond and clamped to the years 0001…9999.
    private static func split(_ date: Date) -> (seconds: Int64, micros: Int64) {
        let raw = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let micros: Int64
        if raw.isNaN {
            micros = 0
        } else if raw <= Double(earliestMicros) {
            micros = earliestMicros
        } else if raw >= Double(latestMicros) {
            micros = latestMicros
        } else {
            micros = Int64(raw)
        }
        let (seconds, fraction) = floorDivision(micros, 1_000_000)
        return (seconds, fraction)
    }

    /// `yyyy-MM-ddTHH:mm:ss` of a second since 1970, in UTC.
    private static func dateTime(_ seconds: Int64) -> String {
        let (day, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, dayOfMonth) = civil(days: day)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(dayOfMonth, 2) + "T"
            + padded(secondOfDay / 3600, 2) + ":" + padded(secondOfDay % 3600 / 60, 2) + ":"
            + padded(secondOfDay % 60, 2)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDivision(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    // MARK: Calendar (proleptic Gregorian; days counted from 1970-01-01)

    /// Year, month and day of the day `days` after 1970-01-01.
    private static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        // Shift to an era-based count starting 0000-03-01, so that the leap day ends a year.
        let z = days + 719_468
        let era = floorDivision(z, 146_097).quotient
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to the given date (the inverse of `civil(days:)`).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivision(y, 400).quotient
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: Parsing

    /// Reads an RFC 3339 text byte by byte.
    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        /// Exactly `count` decimal digits as a number.
        mutating func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard let digit = Self.digit(byte) else { return nil }
                value = value * 10 + digit
            }
            index += count
            return value
        }

        /// One or more digits after a `.`, as nanoseconds (digits past the ninth are read but
        /// ignored).
        mutating func fractionNanoseconds() -> Int64? {
            var nanos: Int64 = 0
            var read = 0
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                if read < 9 { nanos = nanos * 10 + digit }
                read += 1
                index += 1
            }
            guard read > 0 else { return nil }
            for _ in read..<max(read, 9) { nanos *= 10 }
            return nanos
        }

        /// Consumes one byte if it is one of `choices`.
        mutating func take(_ choices: StaticString) -> Bool {
            guard index < bytes.count else { return false }
            let found = UnsafeBufferPointer(start: choices.utf8Start, count: choices.utf8CodeUnitCount)
                .contains(bytes[index])
            if found { index += 1 }
            return found
        }

        /// `+1` or `-1` for a consumed `+` or `-`.
        mutating func sign() -> Int64? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "+"): index += 1; return 1
            case UInt8(ascii: "-"): index += 1; return -1
            default: return nil
            }
        }

        fileprivate static func digit(_ byte: UInt8) -> Int64? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int64(byte - UInt8(ascii: "0")) : nil
        }
    }
}
