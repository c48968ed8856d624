import Foundation
import Testing

@testable import QuartermasterControllers

/// ``BackupRetention``: the accepted spellings (exactly the schema pattern's), the barman
/// policy each becomes, and the cutoff it implies.
struct BackupRetentionTests {
    /// (text, count, unit, barman policy). The policies are what barman 3.4's
    /// `RecoveryWindowRetentionPolicy` prints for the same window.
    static let accepted: [(String, Int, BackupRetention.Unit, String)] = [
        ("30d", 30, .days, "RECOVERY WINDOW OF 30 DAYS"),
        ("1d", 1, .days, "RECOVERY WINDOW OF 1 DAYS"),
        ("4w", 4, .weeks, "RECOVERY WINDOW OF 4 WEEKS"),
        ("6m", 6, .months, "RECOVERY WINDOW OF 6 MONTHS"),
        ("10d", 10, .days, "RECOVERY WINDOW OF 10 DAYS"),
        ("9999m", 9999, .months, "RECOVERY WINDOW OF 9999 MONTHS"),
        ("1000w", 1000, .weeks, "RECOVERY WINDOW OF 1000 WEEKS"),
    ]

    @Test("accepted retentions", arguments: accepted)
    func acceptedRetention(_ testCase: (String, Int, BackupRetention.Unit, String)) throws {
        let (text, count, unit, policy) = testCase
        let retention = try BackupRetention(parsing: text)
        #expect(retention.count == count)
        #expect(retention.unit == unit)
        #expect(retention.barmanPolicy == policy)
        #expect(text.wholeMatch(of: try Regex(BackupRetention.pattern)) != nil, "the schema pattern refuses \(text)")
    }

    static let refused = [
        "", "d", "0d", "00d", "01d", "30", "30D", "30y", "30h", "10000d", "99999m", "-1d", "+1d", " 30d", "30d ",
        "3 0d", "30dd", "1.5w", "\u{663}d", "３0d", "30 days",
    ]

    @Test("refused retentions: the schema pattern refuses them too", arguments: refused)
    func refusedRetention(_ text: String) throws {
        #expect(throws: BackupRetentionError(
            "retention '\(text)': expected 1 to 9999 followed by d (days), w (weeks) or m (months), e.g. 30d")) {
            try BackupRetention(parsing: text)
        }
        #expect(text.wholeMatch(of: try Regex(BackupRetention.pattern)) == nil, "the schema pattern accepts \(text)")
    }

    @Test("a long refused input is shortened in the message")
    func longInput() {
        let text = String(repeating: "9", count: 100) + "d"
        #expect(throws: BackupRetentionError(
            "retention '\(String(repeating: "9", count: 32))…': expected 1 to 9999 followed by d (days), w (weeks) or m (months), e.g. 30d")) {
            try BackupRetention(parsing: text)
        }
    }

    /// (retention, now, cutoff): a week is 7 days, a month 31 days (barman's month), whatever
    /// the calendar month's length; UTC has no daylight saving, so days are 86 400 s.
    static let cutoffs: [(String, String, String)] = [
        ("30d", "2026-12-03T10:52:32Z", "2026-11-03T10:52:32Z"),
        ("1d", "2026-03-01T00:00:00Z", "2026-02-28T00:00:00Z"),
        ("1d", "2028-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("4w", "2026-12-03T10:52:32Z", "2026-11-05T10:52:32Z"),
        ("1m", "2026-03-31T12:00:00Z", "2026-02-28T12:00:00Z"),
        ("1m", "2026-12-03T00:00:00Z", "2026-11-02T00:00:00Z"),
        ("6m", "2026-12-03T10:52:32Z", "2026-05-31T10:52:32Z"),
        ("12m", "2027-01-01T00:00:00Z", "2025-12-25T00:00:00Z"),
    ]

    @Test("cutoff(before:) is now minus the window", arguments: cutoffs)
    func cutoff(_ testCase: (String, String, String)) throws {
        let (text, now, expected) = testCase
        let formatter = ISO8601DateFormatter()
        let nowDate = try #require(formatter.date(from: now))
        #expect(try BackupRetention(parsing: text).cutoff(before: nowDate) == formatter.date(from: expected))
    }

    @Test("the barman keyword and unit letters cover every unit")
    func units() {
        #expect(BackupRetention.Unit.allCases.map(\.rawValue) == ["d", "w", "m"])
        #expect(BackupRetention.Unit.allCases.map(\.barmanKeyword) == ["DAYS", "WEEKS", "MONTHS"])
    }
}
