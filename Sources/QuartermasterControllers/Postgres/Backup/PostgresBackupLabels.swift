import Foundation

/// Labels, annotations and names of PostgresBackups the operator creates (the contract's):
/// `quartermaster.dev/postgres-instance: <pg>`, `quartermaster.dev/backup-trigger:
/// schedule|annotation`, names `<pg>-<yyyyMMddHHmmss>` (UTC) for a schedule's slot and
/// `<pg>-<yyyyMMddHHmmss>-<token digest>` for a backup-now token (``name(instance:time:token:)``).
public enum PostgresBackupLabels {
    /// The instance label, the same key as on the instance's own objects.
    public static let instanceKey = PostgresInstanceLabels.instanceKey
    public static let triggerKey = "quartermaster.dev/backup-trigger"

    /// Why the operator created a backup.
    public enum Trigger: String, Sendable, Hashable {
        case schedule, annotation, cli
    }

    /// The user-set annotation on a PostgresInstance whose distinct token asks for one backup.
    public static let backupNowAnnotation = "quartermaster.dev/backup-now"

    /// `<instance>-<yyyyMMddHHmmss>` of `time` in UTC.
    public static func name(instance: String, time: Date) -> String {
        "\(instance)-\(compactTimestamp(time))"
    }

    /// `<instance>-<yyyyMMddHHmmss>-<first 6 hex of the token's SHA-256>`: the backup a backup-now
    /// token asks for. Two tokens set within one second (the first backup already done) are two
    /// backups, not one name taken twice.
    public static func name(instance: String, time: Date, token: String) -> String {
        "\(name(instance: instance, time: time))-\(tokenDigest(token))"
    }

    /// The first 6 hex of a backup-now token's SHA-256: the last part of the names of the
    /// backups it asks for.
    public static func tokenDigest(_ token: String) -> String {
        String(ContentHash.sha256([(name: "backup-now", data: ["token": token])]).prefix(6))
    }

    /// `yyyyMMddHHmmss` in UTC.
    public static func compactTimestamp(_ time: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))"
    }

    /// The labels of a backup of `instance` created for `trigger`.
    public static func labels(instance: String, trigger: Trigger) -> [String: String] {
        [instanceKey: instance, triggerKey: trigger.rawValue]
    }
}

/// RFC3339 times as status fields hold them (UTC, whole seconds).
public enum BackupTime {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0) ?? .current))
    }

    /// Parses `2026-12-03T10:00:00Z` (fractional seconds and offsets allowed); `nil` otherwise.
    public static func date(_ text: String) -> Date? {
        if let d = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return d }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
