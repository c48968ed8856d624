import Foundation
import KubeCore

/// `status.bootstrap`: what an empty primary is recovered from (written by the operator before
/// the first pod): barman's `backupID`, the SOURCE store (credentials mounted at
/// `<secrets-dir>/recovery/`), and the point to stop at.
public struct RecoverySource: Codable, Hashable, Sendable {
    public var backupID: String
    public var store: ObjectStoreSettings
    /// `nil`: the end of the archive (`latest`).
    public var target: RecoveryTarget?

    public init(backupID: String, store: ObjectStoreSettings, target: RecoveryTarget? = nil) {
        self.backupID = backupID
        self.store = store
        self.target = target
    }

    /// Reads `status.bootstrap`: `backupID` (required), the store fields beside it
    /// (`destinationPath`, `endpointURL`, `region`, `serverName`, `encryption`,
    /// `credentialsSecret`, `caSecret`), `target` (`{time|lsn|name}`, at most one).
    public static func decode(from value: JSONValue, defaultServerName: String) throws -> RecoverySource {
        guard let backupID = value["backupID"]?.stringValue, !backupID.isEmpty else {
            throw InstanceSettingsError("status.bootstrap.backupID is missing")
        }
        let store = try ObjectStoreSettings.decode(
            from: value, path: "status.bootstrap", defaultServerName: defaultServerName)
        var target: RecoveryTarget?
        if let t = value["target"], t != .null {
            var found: [RecoveryTarget] = []
            if let time = t["time"]?.stringValue, !time.isEmpty { found.append(.time(time)) }
            if let lsn = t["lsn"]?.stringValue, !lsn.isEmpty { found.append(.lsn(lsn)) }
            if let name = t["name"]?.stringValue, !name.isEmpty { found.append(.name(name)) }
            guard found.count <= 1 else {
                throw InstanceSettingsError("status.bootstrap.target names more than one of time, lsn, name")
            }
            target = found.first
        }
        return RecoverySource(backupID: backupID, store: store, target: target)
    }
}

/// Where a recovery stops. PostgreSQL's defaults apply otherwise: inclusive, and
/// `recovery_target_action = promote` is set by the manager.
public enum RecoveryTarget: Codable, Hashable, Sendable {
    /// `recovery_target_time` (RFC 3339).
    case time(String)
    /// `recovery_target_lsn` (`0/3000060`).
    case lsn(String)
    /// `recovery_target_name`: a restore point made with `pg_create_restore_point`.
    case name(String)

    /// The postgresql.conf setting and value. A time in RFC 3339 form has its `T` and `Z`
    /// rewritten (`2026-12-03 10:00:00+00:00`): PostgreSQL reads `recovery_target_time` before
    /// time zone abbreviations are loaded and refuses `Z`.
    public var setting: (name: String, value: String) {
        switch self {
        case .time(let t): ("recovery_target_time", Self.postgresTime(t))
        case .lsn(let l): ("recovery_target_lsn", l)
        case .name(let n): ("recovery_target_name", n)
        }
    }

    /// `2026-12-03T10:00:00.5Z` → `2026-12-03 10:00:00.5+00:00`; other forms unchanged.
    static func postgresTime(_ text: String) -> String {
        guard text.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9:.]+([Zz]|[+-][0-9:]+)$"#, options: .regularExpression) != nil
        else { return text }
        var out = text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "t", with: " ")
        if out.hasSuffix("Z") || out.hasSuffix("z") { out = String(out.dropLast()) + "+00:00" }
        return out
    }
}
