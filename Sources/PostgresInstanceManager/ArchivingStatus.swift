import Foundation
import KubeCore

/// `/status.archiving` on a primary (`null` on a replica): continuous archiving as PostgreSQL's
/// `pg_stat_archiver` sees it, plus why it does not work when it does not.
///
/// ```json
/// {"enabled":true,"lastArchivedWAL":"000000010000000000000003","lastArchivedTime":"2026-12-03T10:15:02Z",
///  "lastFailedWAL":null,"lastFailedTime":null,"message":null}
/// ```
///
/// `enabled`: the manager archives to a store (`<run-dir>/archive.json` exists). `message`: why
/// archiving is off although the instance has a store (`ArchiveNotEmpty: ...`,
/// `CredentialsMissing: ...`, a failed archive check), else the last `wal-archive` failure
/// (barman-cloud's error line) until the next success; `null` when all is well.
public struct ArchivingStatus: Codable, Hashable, Sendable {
    public var enabled: Bool
    public var lastArchivedWAL: String?
    public var lastArchivedTime: String?
    public var lastFailedWAL: String?
    public var lastFailedTime: String?
    public var message: String?

    public init(
        enabled: Bool, lastArchivedWAL: String? = nil, lastArchivedTime: String? = nil, lastFailedWAL: String? = nil,
        lastFailedTime: String? = nil, message: String? = nil
    ) {
        self.enabled = enabled
        self.lastArchivedWAL = lastArchivedWAL
        self.lastArchivedTime = lastArchivedTime
        self.lastFailedWAL = lastFailedWAL
        self.lastFailedTime = lastFailedTime
        self.message = message
    }

    private enum CodingKeys: String, CodingKey {
        case enabled, lastArchivedWAL, lastArchivedTime, lastFailedWAL, lastFailedTime, message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(lastArchivedWAL, forKey: .lastArchivedWAL)
        try c.encode(lastArchivedTime, forKey: .lastArchivedTime)
        try c.encode(lastFailedWAL, forKey: .lastFailedWAL)
        try c.encode(lastFailedTime, forKey: .lastFailedTime)
        try c.encode(message, forKey: .message)
    }

    /// One row, one JSON object: `pg_stat_archiver`'s last archived and failed segments and times
    /// (RFC 3339 UTC).
    public static let query = """
        SELECT json_build_object(
          'lastArchivedWAL', last_archived_wal,
          'lastArchivedTime', to_char(last_archived_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          'lastFailedWAL', last_failed_wal,
          'lastFailedTime', to_char(last_failed_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          'enabled', false)
        FROM pg_stat_archiver
        """

    /// The status from the archiver's row, whether a store is in use, the manager's own reason
    /// for archiving being off (`offReason`) and the wrapper's last failure.
    public static func make(
        archiver: ArchivingStatus?, enabled: Bool, offReason: String?, failure: ArchiveFailure?
    ) -> ArchivingStatus {
        var status = archiver ?? ArchivingStatus(enabled: enabled)
        status.enabled = enabled
        status.message = offReason ?? failure?.message
        return status
    }
}
