import Foundation
import KubeCore
import Testing

/// `uid`, `creationTimestamp` and `deletionTimestamp` are kept compactly when they have the API
/// server's form; whatever their form, they read, compare and encode as the exact text.
@Suite("ObjectMeta: compact uid and timestamps keep their exact text")
struct ObjectMetaCompactFieldsTests {
    static let uids = [
        "169fc4ef-0db2-4ac9-891f-16170a746e65",  // the API server's form
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "169FC4EF-0DB2-4AC9-891F-16170A746E65",  // upper case: kept as text
        "169fc4ef0db24ac9891f16170a746e65abcd",  // 36 bytes, no hyphens
        "169fc4ef-0db2-4ac9-891f-16170a746e6g",  // not hex
        "169fc4ef-0db2-4ac9-891f-16170a746e6",  // 35 bytes
        "u1", "", "é9fc4ef-0db2-4ac9-891f-16170a746e6",
    ]

    static let times = [
        "2026-12-05T02:05:44Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "2024-02-29T12:00:00Z", "1969-12-31T23:59:59Z",
        // not the API server's form: kept as text
        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2024-05-01T10:00:60Z",
        "2024-05-01T24:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01t10:00:00z", "2024-05-01T10:00:00.5Z",
        "2024-05-01T10:00:00+00:00", "2024-05-01 10:00:00Z", "2024-05-01T10:00:0aZ", "yesterday", "",
    ]

    @Test(arguments: uids)
    func uidReadsBackAsSet(_ text: String) throws {
        var meta = ObjectMeta(name: "a")
        meta.uid = text
        #expect(meta.uid == text)
        let decoded = try roundTrip(meta)
        #expect(decoded.uid == text)
        #expect(decoded == meta)
        meta.uid = nil
        #expect(meta.uid == nil)
    }

    @Test(arguments: times)
    func timestampsReadBackAsSet(_ text: String) throws {
        var meta = ObjectMeta(name: "a")
        meta.creationTimestamp = text
        meta.deletionTimestamp = text
        #expect(meta.creationTimestamp == text)
        #expect(meta.deletionTimestamp == text)
        let decoded = try roundTrip(meta)
        #expect(decoded.creationTimestamp == text)
        #expect(decoded.deletionTimestamp == text)
        #expect(decoded == meta)
    }

    @Test func equalityAndHashFollowTheText() {
        var a = ObjectMeta(name: "a")
        var b = ObjectMeta(name: "a")
        a.uid = "169fc4ef-0db2-4ac9-891f-16170a746e65"
        b.uid = "169fc4ef-0db2-4ac9-891f-16170a746e66"
        #expect(a != b)
        b.uid = a.uid
        a.creationTimestamp = "2026-12-05T02:05:44Z"
        b.creationTimestamp = "2026-12-05T02:05:45Z"
        #expect(a != b)
        b.creationTimestamp = "2026-12-05T02:05:44Z"
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test func encodesTheSameJSONAsItDecoded() throws {
        let json = #"{"creationTimestamp":"2026-12-05T02:05:44Z","deletionGracePeriodSeconds":30,"#
            + #""deletionTimestamp":"2026-12-05T03:00:00Z","finalizers":["f"],"generateName":"g-","generation":2,"#
            + #""labels":{"k":"v"},"name":"memory-1001","namespace":"bench-memory","resourceVersion":"1200","#
            + #""uid":"169fc4ef-0db2-4ac9-891f-16170a746e65"}"#
        let meta = try JSONDecoder().decode(ObjectMeta.self, from: Data(json.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(meta), as: UTF8.self) == json)
    }

    @Test func canonicalTimeSecondsInvertsTimeOverTheCalendar() {
        // Steps of 37 days and 7919 seconds (so every time of day comes up), across leap years and
        // centuries, from 1600 to 2400.
        var seconds: Int64 = -11_676_096_000
        while seconds < 13_569_465_600 {
            let text = APITimestamp.time(seconds: seconds)
            #expect(APITimestamp.canonicalTimeSeconds(text) == seconds, "\(text)")
            #expect(APITimestamp.parse(text) == Date(timeIntervalSince1970: Double(seconds)), "\(text)")
            seconds += 86_400 * 37 + 7919
        }
    }

    private func roundTrip(_ meta: ObjectMeta) throws -> ObjectMeta {
        try JSONDecoder().decode(ObjectMeta.self, from: JSONEncoder().encode(meta))
    }
}
