import Foundation
import Testing

@testable import KubeClient

@Suite("Config: RFC 3339 times")
struct ConfigRFC3339Tests {
    @Test(arguments: [
        ("2030-01-01T00:00:00Z", 1_893_456_000.0),
        ("2030-01-01T00:00:00.5Z", 1_893_456_000.5),
        ("2030-01-01T00:00:00.123456789Z", 1_893_456_000.123456789),
        ("2030-01-01t00:00:00z", 1_893_456_000.0),
        ("2030-01-01T02:30:00+02:30", 1_893_456_000.0),
        ("2029-12-31T23:00:00-01:00", 1_893_456_000.0),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(from: text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test(arguments: [
        "", "2030-01-01", "2030-01-01T00:00:00", "2030-13-01T00:00:00Z", "2030-02-30T00:00:00Z",
        "2030-01-01T00:00:00.Z", "2030-01-01T00:00:00Zjunk", "30-01-01T00:00:00Z", "2030-01-01T25:00:00Z",
    ])
    func rejects(text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }
}
