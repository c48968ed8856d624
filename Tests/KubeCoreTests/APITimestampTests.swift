import Foundation
import KubeCore
import Testing

@Suite("APITimestamp: RFC 3339 times")
struct APITimestampTests {
    /// 2023-11-14T22:13:20Z.
    static let base = 1_700_000_000.0

    @Test func formatsTimeMicroTimeAndMilliseconds() {
        let d = Date(timeIntervalSince1970: Self.base + 0.123456)
        #expect(APITimestamp.time(d) == "2023-11-14T22:13:20Z")
        #expect(APITimestamp.microTime(d) == "2023-11-14T22:13:20.123456Z")
        #expect(APITimestamp.milliTime(d) == "2023-11-14T22:13:20.123Z")
    }

    @Test func formatsWholeSecondsWithZeroFractions() {
        let d = Date(timeIntervalSince1970: Self.base)
        #expect(APITimestamp.microTime(d) == "2023-11-14T22:13:20.000000Z")
        #expect(APITimestamp.milliTime(d) == "2023-11-14T22:13:20.000Z")
    }

    @Test func truncatesToThePrecisionOfTheForm() {
        let d = Date(timeIntervalSince1970: Self.base + 0.999_999)
        #expect(APITimestamp.time(d) == "2023-11-14T22:13:20Z")
        #expect(APITimestamp.milliTime(d) == "2023-11-14T22:13:20.999Z")
        #expect(APITimestamp.microTime(d) == "2023-11-14T22:13:20.999999Z")
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"),
        (-1.0, "1969-12-31T23:59:59Z"),
        (951_782_400.0, "2000-02-29T00:00:00Z"),
        (4_107_542_400.0, "2100-03-01T00:00:00Z"),
        (-62_135_596_800.0, "0001-01-01T00:00:00Z"),
        (253_402_300_799.0, "9999-12-31T23:59:59Z"),
    ])
    func formatsCalendarEdges(seconds: Double, text: String) {
        #expect(APITimestamp.time(Date(timeIntervalSince1970: seconds)) == text)
        #expect(APITimestamp.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test func beforeTheEpochTheFractionCountsForward() {
        let d = Date(timeIntervalSince1970: -0.25)
        #expect(APITimestamp.microTime(d) == "1969-12-31T23:59:59.750000Z")
    }

    @Test func clampsYearsRFC3339CannotWrite() {
        #expect(APITimestamp.time(Date(timeIntervalSince1970: 1e13)) == "9999-12-31T23:59:59Z")
        #expect(APITimestamp.time(Date(timeIntervalSince1970: -1e13)) == "0001-01-01T00:00:00Z")
    }

    @Test(arguments: [0.0, 0.5, 0.123456, 0.000_001, 0.999_999, -0.25, 1_234_567.654321])
    func microTimeRoundTrips(fraction: Double) throws {
        let d = Date(timeIntervalSince1970: Self.base + fraction)
        let text = APITimestamp.microTime(d)
        let parsed = try #require(APITimestamp.parse(text))
        #expect(APITimestamp.microTime(parsed) == text)
        #expect(abs(parsed.timeIntervalSince(d)) < 0.000_001)
    }

    @Test func timeRoundTripsToTheWholeSecond() throws {
        let d = Date(timeIntervalSince1970: Self.base + 0.75)
        let parsed = try #require(APITimestamp.parse(APITimestamp.time(d)))
        #expect(parsed == Date(timeIntervalSince1970: Self.base))
    }

    @Test(arguments: [
        ("2030-01-01T00:00:00Z", 1_893_456_000.0),
        ("2030-01-01T00:00:00.5Z", 1_893_456_000.5),
        ("2030-01-01T00:00:00.123456789Z", 1_893_456_000.123456789),
        ("2030-01-01T00:00:00.1234567891234Z", 1_893_456_000.123456789),
        ("2030-01-01t00:00:00z", 1_893_456_000.0),
        ("2030-01-01 00:00:00Z", 1_893_456_000.0),
        ("2030-01-01T02:30:00+02:30", 1_893_456_000.0),
        ("2029-12-31T23:00:00-01:00", 1_893_456_000.0),
        ("2029-12-31T23:00:00.25-01:00", 1_893_456_000.25),
        ("2029-12-31T23:59:60Z", 1_893_456_000.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(APITimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(arguments: [
        "", "not a time", "2030-01-01", "2030-01-01T00:00:00", "2030-13-01T00:00:00Z", "2030-00-01T00:00:00Z",
        "2030-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2030-04-31T00:00:00Z",
        "2030-01-00T00:00:00Z", "2030-01-01T00:00:00.Z", "2030-01-01T00:00:00Zjunk", "30-01-01T00:00:00Z",
        "2030-01-01T24:00:00Z", "2030-01-01T25:00:00Z", "2030-01-01T00:60:00Z", "2030-01-01T00:00:61Z",
        "2030-01-01T00:00:00+24:00", "2030-01-01T00:00:00+02", "2030-01-01T00:00:00+0200", "2030-01-01X00:00:00Z",
        "2030-1-01T00:00:00Z", "２０３０-01-01T00:00:00Z", "2030-01-01T00:00:00.5",
    ])
    func rejects(text: String) {
        #expect(APITimestamp.parse(text) == nil)
    }
}
