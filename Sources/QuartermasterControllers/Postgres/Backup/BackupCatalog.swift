/// The object store's backups as an instance manager lists them (`GET /backups`, from
/// `barman-cloud-backup-list`). Lenient decoding.
public struct BackupCatalog: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public var backupID: String
        /// The PostgresBackup's name given to barman (`--name`), when it has one.
        public var name: String?
        public var beginTime: String?
        public var endTime: String?
        public var beginLSN: String?
        public var endLSN: String?
        public var beginWAL: String?
        public var endWAL: String?
        public var size: Int64?
        /// barman's status, e.g. `DONE`, `FAILED`.
        public var status: String?

        public init(
            backupID: String, name: String? = nil, beginTime: String? = nil, endTime: String? = nil, status: String? = "DONE"
        ) {
            self.backupID = backupID
            self.name = name
            self.beginTime = beginTime
            self.endTime = endTime
            self.status = status
        }

        enum CodingKeys: String, CodingKey { case backupID, name, beginTime, endTime, beginLSN, endLSN, beginWAL, endWAL, size, status }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            backupID = try c.decodeIfPresent(String.self, forKey: .backupID) ?? ""
            name = try c.decodeIfPresent(String.self, forKey: .name)
            beginTime = try c.decodeIfPresent(String.self, forKey: .beginTime)
            endTime = try c.decodeIfPresent(String.self, forKey: .endTime)
            beginLSN = try c.decodeIfPresent(String.self, forKey: .beginLSN)
            endLSN = try c.decodeIfPresent(String.self, forKey: .endLSN)
            beginWAL = try c.decodeIfPresent(String.self, forKey: .beginWAL)
            endWAL = try c.decodeIfPresent(String.self, forKey: .endWAL)
            size = try c.decodeIfPresent(Int64.self, forKey: .size)
            status = try c.decodeIfPresent(String.self, forKey: .status)
        }
    }

    public var backups: [Entry]
    /// Begin time (RFC3339) of the oldest completed backup; `nil` when there is none.
    public var firstRecoverabilityPoint: String?

    public init(backups: [Entry], firstRecoverabilityPoint: String? = nil) {
        self.backups = backups
        self.firstRecoverabilityPoint = firstRecoverabilityPoint
    }

    enum CodingKeys: String, CodingKey { case backups, firstRecoverabilityPoint }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        backups = try c.decodeIfPresent([Entry].self, forKey: .backups) ?? []
        firstRecoverabilityPoint = try c.decodeIfPresent(String.self, forKey: .firstRecoverabilityPoint)
    }

    /// The backup ids the store holds.
    public var backupIDs: Set<String> { Set(backups.map(\.backupID)) }
}
