/// What an instance manager reports of one backup it runs (`POST /backups`, `GET /backups/<name>`).
/// Lenient decoding: a missing field takes its empty value. Times RFC3339 UTC.
public struct BackupReport: Codable, Sendable, Hashable {
    public enum Phase: String, Codable, Sendable, Hashable {
        case running, completed, failed
    }
    /// The PostgresBackup's name.
    public var name: String
    /// `running`, `completed`, `failed`; anything else reads as `running` (``knownPhase``).
    public var phase: String
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
        self.phase = phase.rawValue
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

    enum CodingKeys: String, CodingKey {
        case name, phase, backupID, startedAt, stoppedAt, beginLSN, endLSN, beginWAL, endWAL, size, error
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        phase = try c.decodeIfPresent(String.self, forKey: .phase) ?? ""
        backupID = try c.decodeIfPresent(String.self, forKey: .backupID)
        startedAt = try c.decodeIfPresent(String.self, forKey: .startedAt)
        stoppedAt = try c.decodeIfPresent(String.self, forKey: .stoppedAt)
        beginLSN = try c.decodeIfPresent(String.self, forKey: .beginLSN)
        endLSN = try c.decodeIfPresent(String.self, forKey: .endLSN)
        beginWAL = try c.decodeIfPresent(String.self, forKey: .beginWAL)
        endWAL = try c.decodeIfPresent(String.self, forKey: .endWAL)
        size = try c.decodeIfPresent(Int64.self, forKey: .size)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }

    /// ``phase`` as known; an unknown phase counts as still running.
    public var knownPhase: Phase { Phase(rawValue: phase) ?? .running }
}
