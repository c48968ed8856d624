import KubeCore

/// `spec.bootstrap` of a PostgresInstance: how an instance that has never run gets its first
/// data. Read only before the first pod exists.
public struct PostgresBootstrap: Codable, Sendable, Equatable {
    /// Restore from another instance's backups; `nil`: a fresh `initdb`.
    public var recovery: PostgresRecoverySource?

    public init(recovery: PostgresRecoverySource? = nil) { self.recovery = recovery }

    public static var schema: JSONSchemaProperty {
        .object(
            "How an instance that has never run gets its data; read only before its first pod.",
            ["recovery": PostgresRecoverySource.schema])
    }
}

/// `spec.bootstrap.recovery`: restore the backups of the PostgresInstance `source` (same
/// namespace; it may be deleted: its Completed PostgresBackups are what is read) up to `target`.
public struct PostgresRecoverySource: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public var source: Source
    /// At most one of time, lsn, name; `nil`: the latest point the archive holds.
    public var target: PostgresRecoveryTarget?

    public init(source: Source, target: PostgresRecoveryTarget? = nil) {
        self.source = source
        self.target = target
    }

    public static var schema: JSONSchemaProperty {
        .object(
            "Restore the backups of another PostgresInstance of this namespace (its PostgresBackups are read; it may be deleted).",
            required: ["source"],
            [
                "source": .object(
                    "The PostgresInstance whose backups are restored.", required: ["name"],
                    ["name": QuartermasterSchemaNodes.objectName("Its name.")]),
                "target": PostgresRecoveryTarget.schema,
            ])
    }
}

/// Where recovery stops: at most one of ``time``, ``lsn``, ``name`` (none: the latest).
public struct PostgresRecoveryTarget: Codable, Sendable, Equatable, Hashable {
    /// RFC3339 time (`recovery_target_time`).
    public var time: String?
    /// An LSN `X/Y` (`recovery_target_lsn`).
    public var lsn: String?
    /// A restore point made with `pg_create_restore_point` (`recovery_target_name`).
    public var name: String?

    public init(time: String? = nil, lsn: String? = nil, name: String? = nil) {
        self.time = time
        self.lsn = lsn
        self.name = name
    }

    /// How many of time, lsn and name are set (more than one is refused).
    public var targetsSet: Int { [time, lsn, name].compactMap { $0 }.count }

    /// `X/Y` in hexadecimal.
    public static let lsnPattern = "^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$"

    public static var schema: JSONSchemaProperty {
        .object(
            "Where recovery stops: at most one of time, lsn, name; omitted: the latest point in the archive.",
            [
                "time": .string("RFC3339 time (recovery_target_time).", maxLength: 64, format: "date-time"),
                "lsn": .string("WAL location X/Y (recovery_target_lsn).", pattern: lsnPattern, maxLength: 17),
                "name": .string("A restore point made with pg_create_restore_point.", minLength: 1, maxLength: 63),
            ])
    }
}
