extension InstanceReport {
    /// `/status` `archiving` (primary only): pg_stat_archiver and the wal-archive wrapper's last
    /// failure message. Times RFC3339 UTC.
    public struct Archiving: Codable, Sendable, Hashable {
        public var enabled: Bool
        public var lastArchivedWAL: String?
        public var lastArchivedTime: String?
        public var lastFailedWAL: String?
        public var lastFailedTime: String?
        /// The last failure's message (bounded by the instance manager), or `ArchiveNotEmpty ...`.
        public var message: String?

        public init(
            enabled: Bool = true, lastArchivedWAL: String? = nil, lastArchivedTime: String? = nil,
            lastFailedWAL: String? = nil, lastFailedTime: String? = nil, message: String? = nil
        ) {
            self.enabled = enabled
            self.lastArchivedWAL = lastArchivedWAL
            self.lastArchivedTime = lastArchivedTime
            self.lastFailedWAL = lastFailedWAL
            self.lastFailedTime = lastFailedTime
            self.message = message
        }

        enum CodingKeys: String, CodingKey { case enabled, lastArchivedWAL, lastArchivedTime, lastFailedWAL, lastFailedTime, message }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
            lastArchivedWAL = try c.decodeIfPresent(String.self, forKey: .lastArchivedWAL)
            lastArchivedTime = try c.decodeIfPresent(String.self, forKey: .lastArchivedTime)
            lastFailedWAL = try c.decodeIfPresent(String.self, forKey: .lastFailedWAL)
            lastFailedTime = try c.decodeIfPresent(String.self, forKey: .lastFailedTime)
            message = try c.decodeIfPresent(String.self, forKey: .message)
        }
    }

    /// `/status` `recovery`, after a recovery bootstrap.
    public struct Recovery: Codable, Sendable, Hashable {
        public var backupID: String?
        public var reachedLSN: String?
        public var reachedTime: String?
        public var targetReached: Bool

        public init(backupID: String? = nil, reachedLSN: String? = nil, reachedTime: String? = nil, targetReached: Bool = false) {
            self.backupID = backupID
            self.reachedLSN = reachedLSN
            self.reachedTime = reachedTime
            self.targetReached = targetReached
        }

        enum CodingKeys: String, CodingKey { case backupID, reachedLSN, reachedTime, targetReached }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            backupID = try c.decodeIfPresent(String.self, forKey: .backupID)
            reachedLSN = try c.decodeIfPresent(String.self, forKey: .reachedLSN)
            reachedTime = try c.decodeIfPresent(String.self, forKey: .reachedTime)
            targetReached = try c.decodeIfPresent(Bool.self, forKey: .targetReached) ?? false
        }
    }
}
