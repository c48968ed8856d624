import Foundation
import KubeCore

/// The body of `GET /backups/<name>` (and of `POST /backups`): one base backup the manager ran,
/// persisted as `<run-dir>/backups/<name>.json`.
///
/// ```json
/// {"name":"pg-20261203101500","phase":"completed","backupID":"20261203T101500",
///  "startedAt":"2026-12-03T10:15:00Z","stoppedAt":"2026-12-03T10:15:07Z",
///  "beginLSN":"0/2000028","endLSN":"0/2000100","beginWAL":"000000010000000000000002",
///  "endWAL":"000000010000000000000002","size":24741006,"error":null}
/// ```
///
/// `phase` is `running`, `completed` or `failed`; every key is always present (`null` when not
/// known). While running only `name`, `phase` and `startedAt` (the manager's clock) are set; once
/// completed the times are barman's (`begin_time`, `end_time`) and `size` the bytes stored for
/// the backup in the object store.
public struct BackupReport: Codable, Hashable, Sendable {
    public enum Phase: String, Codable, Hashable, Sendable {
        case running, completed, failed
    }

    public var name: String
    public var phase: Phase
    public var backupID: String?
    public var startedAt: String?
    public var stoppedAt: String?
    public var beginLSN: String?
    public var endLSN: String?
    public var beginWAL: String?
    public var endWAL: String?
    public var size: Int64?
    public var error: String?

    public init(
        name: String, phase: Phase, backupID: String? = nil, startedAt: String? = nil, stoppedAt: String? = nil,
        beginLSN: String? = nil, endLSN: String? = nil, beginWAL: String? = nil, endWAL: String? = nil,
        size: Int64? = nil, error: String? = nil
    ) {
        self.name = name
        self.phase = phase
        self.backupID = backupID
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
        self.beginLSN = beginLSN
        self.endLSN = endLSN
        self.beginWAL = beginWAL
        self.endWAL = endWAL
        self.size = size
        self.error = error
    }

    /// A completed report from barman's description of the backup.
    public init(name: String, completed info: BarmanBackupInfo, size: Int64?) {
        self.init(
            name: name, phase: .completed, backupID: info.backupID, startedAt: info.beginTime, stoppedAt: info.endTime,
            beginLSN: info.beginLSN, endLSN: info.endLSN, beginWAL: info.beginWAL, endWAL: info.endWAL,
            size: size ?? info.size)
    }

    private enum CodingKeys: String, CodingKey {
        case name, phase, backupID, startedAt, stoppedAt, beginLSN, endLSN, beginWAL, endWAL, size, error
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(phase, forKey: .phase)
        try c.encode(backupID, forKey: .backupID)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(stoppedAt, forKey: .stoppedAt)
        try c.encode(beginLSN, forKey: .beginLSN)
        try c.encode(endLSN, forKey: .endLSN)
        try c.encode(beginWAL, forKey: .beginWAL)
        try c.encode(endWAL, forKey: .endWAL)
        try c.encode(size, forKey: .size)
        try c.encode(error, forKey: .error)
    }

    /// Whether `name` can name a backup: 1 to 253 characters of `[a-z0-9.-]` starting and ending
    /// with a letter or digit (a Kubernetes object name), and none of barman's reserved words
    /// (`first`, `last`, `latest`, `oldest`, `last-failed`) nor shaped like a backup ID.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...253).contains(name.count), !["first", "last", "latest", "oldest", "last-failed"].contains(name)
        else { return false }
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
        }
        guard allowed, let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
            first != "-", first != ".", last != "-", last != "."
        else { return false }
        return name.range(of: #"^[0-9]{8}t[0-9]{6}$"#, options: .regularExpression) == nil
    }
}
