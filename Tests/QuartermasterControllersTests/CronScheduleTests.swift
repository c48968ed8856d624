import Foundation
import Testing

@testable import QuartermasterControllers

/// ``CronSchedule``: what it accepts, what it refuses (and says why), and when it fires next.
///
/// The `next` expectations of the first table were checked against Python's croniter 7.0 and,
/// where the answer lies within 40 days, against a minute-by-minute search with
/// `croniter.match`; the Vixie-only rows (a `*`-prefixed step counts as unrestricted) by hand.
struct CronScheduleTests {
    /// An RFC 3339 UTC time; fractional seconds allowed.
    static func time(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else {
            Issue.record("bad test time \(text)")
            return Date(timeIntervalSince1970: 0)
        }
        return date
    }

    /// (expression, after, expected next). 2026-12-03 is a Thursday.
    static let nextCases: [(String, String, String)] = [
        // `*`, and strictly after: a time on a matching minute gives the following one.
        ("* * * * *", "2026-12-03T10:52:32Z", "2026-12-03T10:53:00Z"),
        ("* * * * *", "2026-12-03T10:53:00Z", "2026-12-03T10:54:00Z"),
        ("* * * * *", "2026-12-03T10:52:59.999Z", "2026-12-03T10:53:00Z"),
        ("* * * * *", "2026-12-03T10:53:00.001Z", "2026-12-03T10:54:00Z"),
        // Numbers.
        ("0 3 * * *", "2026-12-03T02:59:59Z", "2026-12-03T03:00:00Z"),
        ("0 3 * * *", "2026-12-03T03:00:00Z", "2026-12-04T03:00:00Z"),
        ("30 23 * * *", "2026-12-03T23:45:00Z", "2026-12-04T23:30:00Z"),
        // Steps `*/n`, `a-b/n`, `a/n`, and several steps at once.
        ("*/15 * * * *", "2026-12-03T10:52:32Z", "2026-12-03T11:00:00Z"),
        ("5-20/5 * * * *", "2026-12-03T10:17:00Z", "2026-12-03T10:20:00Z"),
        ("5-20/5 * * * *", "2026-12-03T10:20:00Z", "2026-12-03T11:05:00Z"),
        ("5/20 * * * *", "2026-12-03T10:46:00Z", "2026-12-03T11:05:00Z"),
        ("*/7 */5 * * *", "2026-12-03T23:59:00Z", "2026-12-04T00:00:00Z"),
        // Lists and ranges, weekday names in a range.
        ("0,30 9-17 * * MON-FRI", "2026-12-04T16:59:00Z", "2026-12-04T17:00:00Z"),
        ("0,30 9-17 * * MON-FRI", "2026-12-04T17:30:00Z", "2026-12-07T09:00:00Z"),
        // Month names in either case, in lists and stepped ranges.
        ("0 12 * jul,Dec *", "2026-12-31T12:00:00Z", "2027-07-01T12:00:00Z"),
        ("0 12 1 Jan-Mar/2 *", "2026-12-03T00:00:00Z", "2027-01-01T12:00:00Z"),
        ("0 12 1 Jan-Mar/2 *", "2027-01-01T12:00:00Z", "2027-03-01T12:00:00Z"),
        ("0 0 * 2 *", "2026-12-03T10:52:32Z", "2027-02-01T00:00:00Z"),
        // Sunday as 0, 7 and SUN; ranges ending in 7.
        ("0 0 * * 0", "2026-12-03T00:00:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 * * 7", "2026-12-03T00:00:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 * * sun", "2026-12-03T00:00:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 * * 5-7", "2026-12-05T12:00:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 * * 6-7", "2026-12-06T00:00:00Z", "2026-12-12T00:00:00Z"),
        // Day-of-month and day-of-week both restricted: either matches.
        ("0 0 13 * FRI", "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z"),
        ("0 0 13 * FRI", "2026-12-12T01:00:00Z", "2026-12-13T00:00:00Z"),
        ("0 0 1-31 * MON", "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z"),
        ("15 4 29 2 MON", "2027-03-01T00:00:00Z", "2028-02-07T04:15:00Z"),
        // Only one restricted: that one decides.
        ("0 0 13 * *", "2026-12-03T00:00:00Z", "2026-12-13T00:00:00Z"),
        // Month ends, year ends, leap years (2100 is not one).
        ("0 0 31 * *", "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z"),
        ("0 0 31 * *", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z"),
        ("59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
        ("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("0 0 29 2 *", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"),
        ("0 0 29 2 *", "2100-01-01T00:00:00Z", "2104-02-29T00:00:00Z"),
        ("0 0 * * *", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("0 0 1 3 *", "2100-02-28T12:00:00Z", "2100-03-01T00:00:00Z"),
        ("0 0 1 * *", "2099-12-31T23:59:59Z", "2100-01-01T00:00:00Z"),
        // Before 1970.
        ("0 0 1 1 *", "1969-06-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("* * * * *", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z"),
        // Macros, the same as their expansions.
        ("@hourly", "2026-12-03T10:52:32Z", "2026-12-03T11:00:00Z"),
        ("@daily", "2026-12-03T10:52:32Z", "2026-12-04T00:00:00Z"),
        ("@midnight", "2026-12-03T10:52:32Z", "2026-12-04T00:00:00Z"),
        ("@weekly", "2026-12-03T10:52:32Z", "2026-12-06T00:00:00Z"),
        ("@monthly", "2026-12-03T10:52:32Z", "2027-01-01T00:00:00Z"),
        ("@yearly", "2026-12-03T10:52:32Z", "2027-01-01T00:00:00Z"),
        ("@annually", "2026-12-03T10:52:32Z", "2027-01-01T00:00:00Z"),
        ("@DAILY", "2026-12-03T10:52:32Z", "2026-12-04T00:00:00Z"),
        ("  @hourly\t", "2026-12-03T10:52:32Z", "2026-12-03T11:00:00Z"),
        // Vixie: a day field starting with `*` is unrestricted, so `*/2` and MON must BOTH
        // match (odd days that are Mondays), not either (which would give 2026-12-05).
        ("0 0 */2 * MON", "2026-12-03T00:00:00Z", "2026-12-07T00:00:00Z"),
        ("0 0 1 * */7", "2026-12-03T00:00:00Z", "2027-08-01T00:00:00Z"),
        // Whitespace between fields: any run of spaces and tabs.
        ("  0\t3   * *  *  ", "2026-12-03T03:00:00Z", "2026-12-04T03:00:00Z"),
    ]

    @Test("next(after:) is the first matching minute strictly after the time", arguments: nextCases)
    func next(_ testCase: (String, String, String)) throws {
        let (expression, after, expected) = testCase
        let schedule = try CronSchedule(parsing: expression)
        #expect(schedule.next(after: Self.time(after)) == Self.time(expected))
        #expect(schedule.expression == expression)
    }

    /// Never within 5 × 366 days: impossible dates, and a leap day more than 5 years away.
    static let neverCases: [(String, String)] = [
        ("0 0 30 2 *", "2026-12-03T00:00:00Z"),
        ("0 0 31 2 *", "2026-12-03T00:00:00Z"),
        ("0 0 31 4,6,9,11 *", "2026-12-03T00:00:00Z"),
        ("0 0 29 2 *", "2096-03-01T00:00:00Z"),  // next 2104-02-29: 2100 is not a leap year
    ]

    @Test("next(after:) is nil when nothing matches within five years", arguments: neverCases)
    func never(_ expression: String, _ after: String) throws {
        #expect(try CronSchedule(parsing: expression).next(after: Self.time(after)) == nil)
    }

    @Test("next(after:) is nil for times it cannot place on the calendar")
    func unplaceableTimes() throws {
        let schedule = try CronSchedule(parsing: "* * * * *")
        #expect(schedule.next(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(schedule.next(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(schedule.next(after: Date(timeIntervalSince1970: 1e15)) == nil)
        #expect(schedule.next(after: Date.distantFuture) != nil)
    }

    /// Chained `next` calls over a year agree with the calendar: each result is on a whole
    /// minute, strictly later than the one before, and its UTC components are in the sets.
    @Test(
        "chained next(after:) results match the fields on the UTC Gregorian calendar",
        arguments: ["*/17 3,15 * * *", "0 0 13 * FRI", "45 23 28-31 2 *", "0 12 * * SAT,7"])
    func chained(_ expression: String) throws {
        let schedule = try CronSchedule(parsing: expression)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var previous = Self.time("2026-12-03T10:52:32Z")
        for _ in 0..<200 {
            let next = try #require(schedule.next(after: previous))
            #expect(next > previous)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond, .weekday], from: next)
            #expect(parts.second == 0 && parts.nanosecond == 0)
            let minute = try #require(parts.minute), hour = try #require(parts.hour)
            let day = try #require(parts.day), month = try #require(parts.month)
            let weekday = try #require(parts.weekday) - 1  // Calendar: 1 = Sunday
            switch expression {
            case "*/17 3,15 * * *":
                #expect([0, 17, 34, 51].contains(minute) && [3, 15].contains(hour))
            case "0 0 13 * FRI":
                #expect(minute == 0 && hour == 0 && (day == 13 || weekday == 5))
            case "45 23 28-31 2 *":
                #expect(minute == 45 && hour == 23 && month == 2 && day >= 28)
            default:
                #expect(minute == 0 && hour == 12 && (weekday == 6 || weekday == 0))
            }
            previous = next
        }
    }

    /// (expression, message): the first problem found, naming the field and why.
    static let refused: [(String, String)] = [
        ("", "the schedule is empty"),
        (" \t ", "the schedule is empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
        ("0 * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
        ("61 * * * *", "minute field '61': out of range 0-59"),
        ("0,61 * * * *", "minute field '61': out of range 0-59"),
        ("0-61 * * * *", "minute field '61': out of range 0-59"),
        ("99999999999999999999 * * * *", "minute field '99999999999999999999': out of range 0-59"),
        ("* 24 * * *", "hour field '24': out of range 0-23"),
        ("* * 0 * *", "day-of-month field '0': out of range 1-31"),
        ("* * 32 * *", "day-of-month field '32': out of range 1-31"),
        ("* * * 0 *", "month field '0': out of range 1-12"),
        ("* * * 13 *", "month field '13': out of range 1-12"),
        ("* * * * 8", "day-of-week field '8': out of range 0-7"),
        ("*/0 * * * *", "minute field '*/0': step must be a number 1-59"),
        ("*/60 * * * *", "minute field '*/60': step must be a number 1-59"),
        ("*/x * * * *", "minute field '*/x': step must be a number 1-59"),
        ("1-5/ * * * *", "minute field '1-5/': step must be a number 1-59"),
        ("* */25 * * *", "hour field '*/25': step must be a number 1-23"),
        ("5-1 * * * *", "minute field '5-1': range start is after its end"),
        ("* * * * FRI-MON", "day-of-week field 'FRI-MON': range start is after its end"),
        ("1,,2 * * * *", "minute field '1,,2': empty list item"),
        ("1, * * * *", "minute field '1,': empty list item"),
        ("1-2-3 * * * *", "minute field '1-2-3': not a value or a range a-b"),
        ("1/2/3 * * * *", "minute field '1/2/3': more than one '/'"),
        ("1- * * * *", "minute field '1-': a value is missing"),
        ("-1 * * * *", "minute field '-1': a value is missing"),
        ("MON * * * *", "minute field 'MON': not a number 0-59"),
        ("* * * FOO *", "month field 'FOO': not a number 1-12 or a name JAN-DEC"),
        ("* * * JANUARY *", "month field 'JANUARY': not a number 1-12 or a name JAN-DEC"),
        ("* * * * MONDAY", "day-of-week field 'MONDAY': not a number 0-7 or a name SUN-SAT"),
        ("* * * * 1.5", "day-of-week field '1.5': not a number 0-7 or a name SUN-SAT"),
        ("* * * * L", "day-of-week field 'L': not a number 0-7 or a name SUN-SAT"),
        ("* * ? * *", "day-of-month field '?': not a number 1-31"),
        ("\u{663} * * * *", "minute field '\u{663}': not a number 0-59"),  // an Arabic-Indic 3
        ("@reboot", "'@reboot': unknown macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"),
        ("@daily *", "'@daily' must stand alone; found 2 fields"),
        (String(repeating: "*", count: 257), "the schedule has 257 characters; at most 256"),
        (String(repeating: "1 ", count: 128) + "1", "the schedule has 257 characters; at most 256"),
    ]

    @Test("refused expressions say which field is wrong and why", arguments: refused)
    func refusedExpression(_ expression: String, _ message: String) {
        #expect(throws: CronScheduleError(message)) { try CronSchedule(parsing: expression) }
        #expect(CronScheduleError(message).description == message)
    }

    @Test("a long list up to the length bound is accepted")
    func longestAccepted() throws {
        let minutes = (0...59).map(String.init).joined(separator: ",")  // 169 characters
        let expression = minutes + " " + String(repeating: " ", count: 256 - minutes.count - 8) + "* * * *"
        #expect(expression.count == CronSchedule.maxLength)
        let schedule = try CronSchedule(parsing: expression)
        #expect(schedule.next(after: Self.time("2026-12-03T10:52:32Z")) == Self.time("2026-12-03T10:53:00Z"))
    }

    /// The same schedule written differently matches the same minutes (but keeps its text).
    static let equivalent: [(String, String)] = [
        ("@daily", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("0 0 * * 7", "0 0 * * SUN"),
        ("0 0 * * 0,7", "0 0 * * sun"),
        ("0 0 * jan-mar *", "0 0 * 1,2,3 *"),
        ("*/20 * * * *", "0,20,40 * * * *"),
        ("10/20 * * * *", "10-59/20 * * * *"),
        ("0 0 * * 1-5", "0 0 * * Mon,TUE,wed,Thu,FRI"),
    ]

    @Test("equivalent spellings select the same minutes", arguments: equivalent)
    func equivalentSpellings(_ first: String, _ second: String) throws {
        let a = try CronSchedule(parsing: first)
        let b = try CronSchedule(parsing: second)
        #expect(a.minutes == b.minutes && a.hours == b.hours && a.daysOfMonth == b.daysOfMonth)
        #expect(a.months == b.months && a.daysOfWeek == b.daysOfWeek)
        #expect(a != b, "the expression as written is part of the value")
        var time = Self.time("2026-12-03T10:52:32Z")
        for _ in 0..<20 {
            let next = try #require(a.next(after: time))
            #expect(b.next(after: time) == next)
            time = next
        }
    }

    @Test("the calendar arithmetic agrees with Foundation's Gregorian UTC calendar")
    func civilArithmetic() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // From 1583 (Foundation's calendar is Julian before October 1582) to about 4160.
        for days in stride(from: -141_000, through: 800_000, by: 97) {
            let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let (year, month, day) = CronSchedule.civil(fromDays: days)
            #expect(parts.year == year && parts.month == month && parts.day == day, "day \(days)")
            #expect(CronSchedule.days(fromCivilYear: year, month: month, day: day) == days)
            #expect(try #require(parts.weekday) - 1 == CronSchedule.weekday(ofDays: days))
        }
    }
}
