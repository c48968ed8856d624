import Foundation
import KubeCore

/// One backup as `barman-cloud-backup-show --format json` and `barman-cloud-backup-list --format
/// json` describe it (barman-cli-cloud 3.4), reduced to what the manager reports. barman prints
/// times in the `ctime` form (`Thu Dec  3 10:53:54 2026`) of the tool's local time: the manager
/// runs the tools with `TZ=UTC` and turns them into RFC 3339.
public struct BarmanBackupInfo: Hashable, Sendable {
    public var backupID: String
    public var name: String?
    /// RFC 3339 UTC.
    public var beginTime: String?
    public var endTime: String?
    public var beginLSN: String?
    public var endLSN: String?
    public var beginWAL: String?
    public var endWAL: String?
    public var size: Int64?
    /// barman's status: `DONE` for a completed backup, else `STARTED`, `FAILED`, ...
    public var status: String?

    public init(
        backupID: String, name: String? = nil, beginTime: String? = nil, endTime: String? = nil,
        beginLSN: String? = nil, endLSN: String? = nil, beginWAL: String? = nil, endWAL: String? = nil,
        size: Int64? = nil, status: String? = nil
    ) {
        self.backupID = backupID
        self.name = name
        self.beginTime = beginTime
        self.endTime = endTime
        self.beginLSN = beginLSN
        self.endLSN = endLSN
        self.beginWAL = beginWAL
        self.endWAL = endWAL
        self.size = size
        self.status = status
    }

    /// From one JSON object of barman's (`backup_id`, `backup_name`, `begin_time`, `end_time`,
    /// `begin_xlog`, `end_xlog`, `begin_wal`, `end_wal`, `size`, `status`); `nil` without a
    /// `backup_id`.
    public init?(barman object: JSONValue) {
        guard let id = object["backup_id"]?.stringValue, !id.isEmpty else { return nil }
        self.init(
            backupID: id, name: object["backup_name"]?.stringValue,
            beginTime: object["begin_time"]?.stringValue.flatMap(Self.rfc3339(fromCTime:)),
            endTime: object["end_time"]?.stringValue.flatMap(Self.rfc3339(fromCTime:)),
            beginLSN: object["begin_xlog"]?.stringValue, endLSN: object["end_xlog"]?.stringValue,
            beginWAL: object["begin_wal"]?.stringValue, endWAL: object["end_wal"]?.stringValue,
            size: object["size"]?.intValue, status: object["status"]?.stringValue)
    }

    /// `barman-cloud-backup-show --format json` output: `{"<server>": {...}}`.
    public static func parseShow(_ output: String) -> BarmanBackupInfo? {
        guard let value = try? KubeJSON.decode(JSONValue.self, from: Data(output.utf8)), let map = value.objectValue
        else { return nil }
        return map.values.lazy.compactMap { BarmanBackupInfo(barman: $0) }.first
    }

    /// `barman-cloud-backup-list --format json` output: `{"backups_list": [...]}`, oldest first.
    public static func parseList(_ output: String) -> [BarmanBackupInfo]? {
        guard let value = try? KubeJSON.decode(JSONValue.self, from: Data(output.utf8)),
            let list = value["backups_list"]?.arrayValue
        else { return nil }
        return list.compactMap { BarmanBackupInfo(barman: $0) }.sorted { $0.backupID < $1.backupID }
    }

    /// `Thu Dec  3 10:53:54 2026` (read as UTC) → `2026-12-03T10:53:54Z`; an RFC 3339 or
    /// `2026-12-03 10:53:54[.ffffff][+00:00]` text is accepted too.
    public static func rfc3339(fromCTime text: String) -> String? {
        let collapsed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["EEE MMM d HH:mm:ss yyyy", "yyyy-MM-dd HH:mm:ss.SSSSSSxxx", "yyyy-MM-dd HH:mm:ssxxx",
            "yyyy-MM-dd HH:mm:ss"]
        {
            formatter.dateFormat = format
            if let date = formatter.date(from: collapsed) { return RFC3339.string(date) }
        }
        return RFC3339.date(text).map(RFC3339.string)
    }
}
