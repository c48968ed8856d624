import Foundation

/// A standard five-field cron schedule (`minute hour day-of-month month day-of-week`), such as
/// a PostgresInstance's `spec.backup.schedule`, evaluated in UTC.
///
/// Accepted, per field: `*`, a number, a range `a-b`, a list `a,b,c`, steps `*/n`, `a-b/n` and
/// `a/n` (from `a` to the field's maximum, as cronie, croniter and Kubernetes CronJobs read it).
/// Months take `JAN`-`DEC`, weekdays `SUN`-`SAT` (either case, also inside ranges); weekday 0
/// and 7 are both Sunday. Macros: `@yearly`/`@annually` (`0 0 1 1 *`), `@monthly`
/// (`0 0 1 * *`), `@weekly` (`0 0 * * 0`), `@daily`/`@midnight` (`0 0 * * *`), `@hourly`
/// (`0 * * * *`). `@reboot` and six-field (seconds) forms are refused.
///
/// Day matching follows Vixie cron: when both the day-of-month and the day-of-week field are
/// restricted, a day matches if EITHER does; a field counts as unrestricted when it starts with
/// `*` (so `*/2` is unrestricted here, exactly as in Vixie cron and cronie).
///
/// Input is bounded: at most ``maxLength`` characters and exactly five fields, so a hostile
/// expression costs at most a few microseconds to parse, and ``next(after:)`` visits at most
/// one step per day of its ``horizonDays``-day horizon.
public struct CronSchedule: Sendable, Hashable {
    /// The expression as written (not normalised; `@daily` stays `@daily`).
    public let expression: String

    /// Longest expression accepted. 256 characters.
    public static let maxLength = 256
    /// How far ``next(after:)`` looks: 5 × 366 days, a bit over five years.
    public static let horizonDays = 5 * 366

    // Matching values as bit sets (bit n set = value n matches).
    let minutes: UInt64  // 0-59
    let hours: UInt64  // 0-23
    let daysOfMonth: UInt64  // 1-31
    let months: UInt64  // 1-12
    let daysOfWeek: UInt64  // 0-6, Sunday = 0 (7 folded into 0)
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    /// Parses `expression`; throws ``CronScheduleError`` naming the first bad field and why.
    public init(parsing expression: String) throws {
        self.expression = expression
        let count = expression.count
        guard count <= Self.maxLength else {
            throw CronScheduleError("the schedule has \(count) characters; at most \(Self.maxLength)")
        }
        let words = expression.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty else { throw CronScheduleError("the schedule is empty") }

        let fields: [Substring]
        if words[0].hasPrefix("@") {
            guard words.count == 1 else {
                throw CronScheduleError("'\(words[0])' must stand alone; found \(words.count) fields")
            }
            guard let expanded = Self.macros[words[0].lowercased()] else {
                throw CronScheduleError(
                    "'\(words[0])': unknown macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            fields = expanded.split(separator: " ")
        } else {
            guard words.count == 5 else {
                throw CronScheduleError(
                    "expected 5 fields (minute hour day-of-month month day-of-week), found \(words.count)")
            }
            fields = words
        }

        minutes = try Field.minute.parse(fields[0])
        hours = try Field.hour.parse(fields[1])
        daysOfMonth = try Field.dayOfMonth.parse(fields[2])
        months = try Field.month.parse(fields[3])
        let weekdays = try Field.dayOfWeek.parse(fields[4])
        // Sunday may be written 7: fold bit 7 into bit 0.
        daysOfWeek = (weekdays & 0x7F) | (weekdays >> 7 & 1)
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    /// The first minute strictly after `date` that the schedule matches (UTC, proleptic
    /// Gregorian calendar: from 1583 on the dates `Calendar(identifier: .gregorian)` in UTC
    /// gives), or
    /// `nil` when there is none within ``horizonDays`` days (`0 0 30 2 *` never matches) or
    /// `date` is not a finite time within ±30,000 years of 1970.
    ///
    /// Skips whole months, days and hours that cannot match: at most one loop step per day of
    /// the horizon plus one per hour and month, never one per minute.
    public func next(after date: Date) -> Date? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 9.4e11 else { return nil }
        let floorMinute = Int((seconds / 60).rounded(.down)) * 60
        let limit = floorMinute + Self.horizonDays * 86_400
        let start = floorMinute + 60

        var dayNumber = Self.floorDivide(start, 86_400)
        let secondOfDay = start - dayNumber * 86_400
        var hour = secondOfDay / 3600
        var minute = secondOfDay % 3600 / 60
        var (year, month, day) = Self.civil(fromDays: dayNumber)

        /// Moves to the start of the next day.
        func nextDay() {
            dayNumber += 1
            (year, month, day) = Self.civil(fromDays: dayNumber)
            hour = 0
            minute = 0
        }
        /// Moves to the first day of the next month.
        func nextMonth() {
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
            day = 1
            dayNumber = Self.days(fromCivilYear: year, month: month, day: 1)
            hour = 0
            minute = 0
        }

        while dayNumber * 86_400 <= limit {
            guard Self.contains(months, month) else {
                nextMonth()
                continue
            }
            guard matchesDay(day: day, weekday: Self.weekday(ofDays: dayNumber)) else {
                nextDay()
                continue
            }
            guard let matchingHour = Self.first(in: hours, atOrAfter: hour) else {
                nextDay()
                continue
            }
            if matchingHour != hour {
                hour = matchingHour
                minute = 0
            }
            guard let matchingMinute = Self.first(in: minutes, atOrAfter: minute) else {
                if hour == 23 { nextDay() } else { hour += 1; minute = 0 }
                continue
            }
            let candidate = dayNumber * 86_400 + hour * 3600 + matchingMinute * 60
            return candidate <= limit ? Date(timeIntervalSince1970: TimeInterval(candidate)) : nil
        }
        return nil
    }

    /// Vixie's rule: with both day fields restricted either may match, otherwise both must
    /// (an unrestricted field matches every day).
    func matchesDay(day: Int, weekday: Int) -> Bool {
        let byMonthDay = Self.contains(daysOfMonth, day)
        let byWeekday = Self.contains(daysOfWeek, weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return byMonthDay || byWeekday }
        return byMonthDay && byWeekday
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    // MARK: Fields

    /// One of the five fields: its name in messages, its values and its names.
    enum Field {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: return "minute"
            case .hour: return "hour"
            case .dayOfMonth: return "day-of-month"
            case .month: return "month"
            case .dayOfWeek: return "day-of-week"
            }
        }

        var range: ClosedRange<Int> {
            switch self {
            case .minute: return 0...59
            case .hour: return 0...23
            case .dayOfMonth: return 1...31
            case .month: return 1...12
            case .dayOfWeek: return 0...7
            }
        }

        /// Names accepted (upper case), mapped to their values, and how a message lists them.
        var names: (values: [String: Int], hint: String)? {
            switch self {
            case .month:
                let names = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
                return (Dictionary(uniqueKeysWithValues: zip(names, 1...12)), "JAN-DEC")
            case .dayOfWeek:
                let names = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
                return (Dictionary(uniqueKeysWithValues: zip(names, 0...6)), "SUN-SAT")
            default:
                return nil
            }
        }

        func error(_ piece: some StringProtocol, _ why: String) -> CronScheduleError {
            CronScheduleError("\(name) field '\(piece)': \(why)")
        }

        /// The values `text` selects, as a bit set.
        func parse(_ text: Substring) throws -> UInt64 {
            var bits: UInt64 = 0
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard !item.isEmpty else { throw error(text, "empty list item") }
                let parts = item.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count <= 2 else { throw error(item, "more than one '/'") }
                let step = parts.count == 2 ? try parseStep(parts[1], item: item) : 1
                let base = parts[0]
                let low: Int
                let high: Int
                if base == "*" {
                    (low, high) = (range.lowerBound, range.upperBound)
                } else {
                    let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                    switch ends.count {
                    case 1:
                        low = try value(ends[0], in: item)
                        high = parts.count == 2 ? range.upperBound : low
                    case 2:
                        low = try value(ends[0], in: item)
                        high = try value(ends[1], in: item)
                        guard low <= high else { throw error(base, "range start is after its end") }
                    default:
                        throw error(base, "not a value or a range a-b")
                    }
                }
                for v in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(v) }
            }
            return bits
        }

        func parseStep(_ text: Substring, item: Substring) throws -> Int {
            let maxStep = range.upperBound
            guard !text.isEmpty, text.count <= 3, text.allSatisfy(\.isASCIIDigit), let step = Int(text),
                (1...maxStep).contains(step)
            else { throw error(item, "step must be a number 1-\(maxStep)") }
            return step
        }

        /// One value (a number or a name) of `item`.
        func value(_ text: Substring, in item: Substring) throws -> Int {
            if text.isEmpty { throw error(item, "a value is missing") }
            if text.allSatisfy(\.isASCIIDigit) {
                guard text.count <= 3, let v = Int(text), range.contains(v) else {
                    throw error(text, "out of range \(range.lowerBound)-\(range.upperBound)")
                }
                return v
            }
            if let names, let v = names.values[text.uppercased()] { return v }
            if let names {
                throw error(text, "not a number \(range.lowerBound)-\(range.upperBound) or a name \(names.hint)")
            }
            throw error(text, "not a number \(range.lowerBound)-\(range.upperBound)")
        }
    }

    // MARK: Arithmetic (UTC, proleptic Gregorian; days counted from 1970-01-01)

    static func contains(_ set: UInt64, _ value: Int) -> Bool { set >> UInt64(value) & 1 == 1 }

    /// The smallest member of `set` that is >= `value`.
    static func first(in set: UInt64, atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let rest = set & (~0 << UInt64(value))
        return rest == 0 ? nil : rest.trailingZeroBitCount
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(ofDays days: Int) -> Int { ((days % 7) + 7 + 4) % 7 }

    /// Days since 1970-01-01 of a date (H. Hinnant's `days_from_civil`).
    static func days(fromCivilYear year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Why a cron expression was refused: the message names the field and the reason, e.g.
/// `minute field '61': out of range 0-59`.
public struct CronScheduleError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The reason, ready for a status condition message.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
