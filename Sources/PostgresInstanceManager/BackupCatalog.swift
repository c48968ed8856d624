import Foundation
import KubeCore

/// The body of `GET /backups`: the store's backups as barman-cloud lists them, oldest first.
///
/// ```json
/// {"backups":[{"backupID":"20261203T101500","name":"pg-20261203101500",
///   "beginTime":"2026-12-03T10:15:00Z","endTime":"2026-12-03T10:15:07Z","beginLSN":"0/2000028",
///   "endLSN":"0/2000100","beginWAL":"000000010000000000000002","endWAL":"000000010000000000000002",
///   "size":24741006,"status":"DONE"}],
///  "firstRecoverabilityPoint":"2026-12-03T10:15:00Z"}
/// ```
///
/// `firstRecoverabilityPoint` is the begin time of the oldest backup with status `DONE`
/// (`null` without one). Every key of an entry is always present.
public struct BackupCatalog: Codable, Hashable, Sendable {
    public struct Entry: Codable, Hashable, Sendable {
        public var backupID: String
        public var name: String?
        public var beginTime: String?
        public var endTime: String?
        public var beginLSN: String?
        public var endLSN: String?
        public var beginWAL: String?
        public var endWAL: String?
        public var size: Int64?
        public var status: String?

        public init(_ info: BarmanBackupInfo, size: Int64?) {
            backupID = info.backupID
            name = info.name
            beginTime = info.beginTime
            endTime = info.endTime
            beginLSN = info.beginLSN
            endLSN = info.endLSN
            beginWAL = info.beginWAL
            endWAL = info.endWAL
            self.size = size ?? info.size
            status = info.status
        }

        private enum CodingKeys: String, CodingKey {
            case backupID, name, beginTime, endTime, beginLSN, endLSN, beginWAL, endWAL, size, status
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(backupID, forKey: .backupID)
            try c.encode(name, forKey: .name)
            try c.encode(beginTime, forKey: .beginTime)
            try c.encode(endTime, forKey: .endTime)
            try c.encode(beginLSN, forKey: .beginLSN)
            try c.encode(endLSN, forKey: .endLSN)
            try c.encode(beginWAL, forKey: .beginWAL)
            try c.encode(endWAL, forKey: .endWAL)
            try c.encode(size, forKey: .size)
            try c.encode(status, forKey: .status)
        }
    }

    public var backups: [Entry]
    public var firstRecoverabilityPoint: String?

    /// From barman's list and the stored bytes per backup ID (`BackupSizes`).
    public init(_ infos: [BarmanBackupInfo], sizes: [String: Int64] = [:]) {
        backups = infos.map { Entry($0, size: sizes[$0.backupID]) }
        firstRecoverabilityPoint = infos.first(where: { $0.status == "DONE" })?.beginTime
    }

    private enum CodingKeys: String, CodingKey { case backups, firstRecoverabilityPoint }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(backups, forKey: .backups)
        try c.encode(firstRecoverabilityPoint, forKey: .firstRecoverabilityPoint)
    }
}

/// The body of `GET /retention` (and of `POST /retention`): the last retention run.
///
/// ```json
/// {"phase":"completed","policy":"RECOVERY WINDOW OF 30 DAYS","startedAt":"2026-12-03T10:20:00Z",
///  "finishedAt":"2026-12-03T10:20:02Z","deletedBackupIDs":["20261101T030000"],"error":null}
/// ```
///
/// `phase`: `running`, `completed`, `failed`, or `none` before any run. `deletedBackupIDs` are
/// the backups listed before `barman-cloud-backup-delete` and not after.
public struct RetentionReport: Codable, Hashable, Sendable {
    public var phase: String
    public var policy: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var deletedBackupIDs: [String]
    public var error: String?

    public init(
        phase: String, policy: String? = nil, startedAt: String? = nil, finishedAt: String? = nil,
        deletedBackupIDs: [String] = [], error: String? = nil
    ) {
        self.phase = phase
        self.policy = policy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.deletedBackupIDs = deletedBackupIDs
        self.error = error
    }

    private enum CodingKeys: String, CodingKey { case phase, policy, startedAt, finishedAt, deletedBackupIDs, error }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encode(policy, forKey: .policy)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(deletedBackupIDs, forKey: .deletedBackupIDs)
        try c.encode(error, forKey: .error)
    }

    /// Whether `policy` is one barman-cloud takes and the manager runs: `RECOVERY WINDOW OF N
    /// DAYS|WEEKS|MONTHS` (what the operator sends) or `REDUNDANCY N` (N from 1 to 9999).
    public static func isValidPolicy(_ policy: String) -> Bool {
        policy.range(of: #"^(RECOVERY WINDOW OF [1-9][0-9]{0,3} (DAYS|WEEKS|MONTHS)|REDUNDANCY [1-9][0-9]{0,3})$"#,
            options: .regularExpression) != nil
    }
}
