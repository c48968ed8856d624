import KubeCore

/// `spec.backup` of a PostgresInstance: continuous WAL archiving to an object store, scheduled
/// base backups and their retention. `nil` (the default): no archiving, no backups.
///
/// Decoder and schema defaults: `suspended` false; `objectStore`, `schedule` and `retention`
/// absent. `schedule` is a 5-field cron expression in UTC (``CronSchedule``); `retention`
/// `Nd|Nw|Nm` (``BackupRetention``). Both are checked by the reconciler (`Stalled`
/// `InvalidBackupSchedule` / `InvalidBackupRetention`) and at admission.
public struct PostgresBackupConfiguration: Codable, Sendable, Equatable {
    /// `nil`: derived from the tenant's object storage (``PostgresArchiveResolution``).
    public var objectStore: PostgresObjectStore?
    /// Cron expression (UTC) of scheduled base backups; `nil`: none scheduled.
    public var schedule: String?
    /// Suspends the schedule only; archiving continues. Default false.
    public var suspended: Bool
    /// How long backups are kept, `^[1-9][0-9]{0,3}[dwm]$`; `nil`: kept forever.
    public var retention: String?

    public init(
        objectStore: PostgresObjectStore? = nil, schedule: String? = nil, suspended: Bool = false, retention: String? = nil
    ) {
        self.objectStore = objectStore
        self.schedule = schedule
        self.suspended = suspended
        self.retention = retention
    }

    enum CodingKeys: String, CodingKey { case objectStore, schedule, suspended, retention }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        objectStore = try c.decodeIfPresent(PostgresObjectStore.self, forKey: .objectStore)
        schedule = try c.decodeIfPresent(String.self, forKey: .schedule)
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
        retention = try c.decodeIfPresent(String.self, forKey: .retention)
    }

    /// Unknown enum values of the nested object store.
    public var unknownValues: [String] { objectStore?.unknownValues ?? [] }

    /// The schema of `backup`.
    public static var schema: JSONSchemaProperty {
        .object(
            "Continuous WAL archiving and base backups (barman-cloud). Omitted: no archiving, no backups.",
            [
                "objectStore": PostgresObjectStore.schema,
                "schedule": .string(
                    "Cron expression of scheduled base backups, in UTC: 5 fields, or @hourly, @daily, @weekly, @monthly.",
                    minLength: 1, maxLength: 128),
                "suspended": .boolean("Suspends the schedule (archiving continues).", default: false),
                "retention": .string(
                    "How long backups are kept: N days, weeks or months (30d, 4w, 6m).", pattern: BackupRetention.pattern,
                    maxLength: 5),
            ])
    }
}
