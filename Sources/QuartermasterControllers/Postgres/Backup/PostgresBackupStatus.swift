import KubeCore
import KubeRuntime

/// `status` of a PostgresBackup, written by the operator (``PostgresBackupStatusComputation``).
/// Where the backup is (store fields) is copied from the instance's `status.archive` when it
/// starts, so a recovery can read it after the instance is gone.
public struct PostgresBackupStatus: ConditionedStatus {
    public enum Phase: String, Codable, Sendable, CaseIterable {
        case pending = "Pending", running = "Running", completed = "Completed", failed = "Failed"
    }

    public var observedGeneration: Int64?
    public var conditions: [Condition]?
    public var phase: Phase?
    /// barman's backup id, e.g. `20261203T101500`.
    public var backupID: String?
    public var destinationPath: String?
    public var endpointURL: String?
    public var region: String?
    public var serverName: String?
    public var encryption: String?
    public var credentialsSecret: String?
    /// The store's CA Secret, when it has one (a recovery mounts it too).
    public var caSecret: PostgresObjectStore.SecretKey?
    public var startedAt: String?
    public var stoppedAt: String?
    public var beginLSN: String?
    public var endLSN: String?
    public var beginWAL: String?
    public var endWAL: String?
    /// Bytes.
    public var size: Int64?
    /// Why it failed (Failed only).
    public var error: String?
    /// The instance pod that ran it.
    public var instancePod: String?

    public init(phase: Phase? = nil) { self.phase = phase }

    public static var schema: JSONSchemaProperty {
        .object(
            "The backup as the operator and the instance manager report it.",
            [
                "observedGeneration": .integer("The spec generation this status reflects.", format: "int64"),
                "conditions": QuartermasterSchemaNodes.conditions(
                    "Latest observations of the backup.",
                    required: ["type", "status", "lastTransitionTime", "reason", "message"]),
                "phase": .string("Pending, Running, Completed or Failed.", enum: Phase.allCases.map(\.rawValue)),
                "backupID": .string("barman's backup id."),
                "destinationPath": .string("barman-cloud destination URL of the store."),
                "endpointURL": .string("Endpoint of the store."),
                "region": .string("Region of the bucket."),
                "serverName": .string("barman server name."),
                "encryption": .string("Server-side encryption."),
                "credentialsSecret": .string("Secret (this namespace) with the store's credentials."),
                "caSecret": .object(
                    "Secret and key of the store's CA bundle.", required: ["name", "key"],
                    ["name": .string("Secret name."), "key": .string("Key.")]),
                "startedAt": .string("When the backup started (RFC3339)."),
                "stoppedAt": .string("When the backup stopped (RFC3339)."),
                "beginLSN": .string("WAL location at the start."),
                "endLSN": .string("WAL location at the end."),
                "beginWAL": .string("First WAL segment."),
                "endWAL": .string("Last WAL segment."),
                "size": .integer("Size in bytes.", format: "int64"),
                "error": .string("Why the backup failed."),
                "instancePod": .string("The instance pod that ran the backup."),
            ])
    }
}
