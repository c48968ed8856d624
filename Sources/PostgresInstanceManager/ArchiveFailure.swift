import Foundation
import KubeCore

/// The last failed `wal-archive` (`<run-dir>/archive-failure.json`): which segment, when, and
/// barman-cloud's message (its last error line, at most 1 KiB). `/status.archiving.message`
/// reports it; the next successful archive removes the file.
public struct ArchiveFailure: Codable, Hashable, Sendable {
    public var wal: String
    /// RFC 3339, UTC.
    public var time: String
    public var message: String

    public init(wal: String, time: String, message: String) {
        self.wal = wal
        self.time = time
        self.message = message
    }

    public static func read(from path: String) -> ArchiveFailure? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? KubeJSON.decode(ArchiveFailure.self, from: data)
    }
}

/// RFC 3339 times in UTC, the form every time in the manager's JSON takes.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let d = formatter.date(from: text) { return d }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
