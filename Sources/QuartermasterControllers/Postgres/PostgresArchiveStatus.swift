import KubeCore

/// `status.archive` of a PostgresInstance: the object store its instance manager archives WAL
/// and writes base backups to, resolved by the operator (``PostgresArchiveResolution``): the
/// explicit `spec.backup.objectStore`, or the one derived from the tenant's object storage.
/// Names Secrets only, never their content.
public struct PostgresArchiveStatus: Codable, Sendable, Equatable, Hashable {
    public var destinationPath: String
    public var endpointURL: String?
    public var region: String?
    /// `AES256`, `aws:kms` or `none`.
    public var encryption: String
    /// barman's server name: `spec.backup.objectStore.serverName`, else the instance's name.
    public var serverName: String
    /// The Secret (same namespace) holding ACCESS_KEY_ID, ACCESS_SECRET_KEY[, ACCESS_SESSION_TOKEN].
    public var credentialsSecret: String
    public var caSecret: PostgresObjectStore.SecretKey?

    public init(
        destinationPath: String, endpointURL: String? = nil, region: String? = nil, encryption: String,
        serverName: String, credentialsSecret: String, caSecret: PostgresObjectStore.SecretKey? = nil
    ) {
        self.destinationPath = destinationPath
        self.endpointURL = endpointURL
        self.region = region
        self.encryption = encryption
        self.serverName = serverName
        self.credentialsSecret = credentialsSecret
        self.caSecret = caSecret
    }

    static var storeProperties: KeyValuePairs<String, JSONSchemaProperty> {
        [
            "destinationPath": .string("barman-cloud destination URL."),
            "endpointURL": .string("Endpoint of the S3-compatible server."),
            "region": .string("Region of the bucket."),
            "encryption": .string("Server-side encryption: AES256, aws:kms or none."),
            "serverName": .string("barman server name."),
            "credentialsSecret": .string("Name of the Secret (this namespace) holding the credentials."),
            "caSecret": .object(
                "Secret (this namespace) and key of the endpoint's CA bundle.", required: ["name", "key"],
                ["name": .string("Secret name."), "key": .string("Key.")]),
        ]
    }

    public static var schema: JSONSchemaProperty {
        .object(
            "The object store the instance manager archives to, as resolved by the operator (no secrets).",
            required: ["destinationPath", "encryption", "serverName", "credentialsSecret"], storeProperties)
    }
}

/// `status.bootstrap`: written by the operator before the first pod of a recovery; the
/// instance manager of the target primary restores ``backupID`` from the SOURCE store and
/// replays WAL up to ``target``.
public struct PostgresBootstrapStatus: Codable, Sendable, Equatable, Hashable {
    public var backupID: String
    /// The source's PostgresBackup this base backup is (for people).
    public var backupName: String?
    public var destinationPath: String
    public var endpointURL: String?
    public var region: String?
    public var serverName: String
    public var encryption: String
    /// The source store's credentials Secret (same namespace).
    public var credentialsSecret: String
    /// The source store's CA, when it has one (mounted at `/etc/quartermaster/recovery/ca.crt`).
    public var caSecret: PostgresObjectStore.SecretKey?
    /// Copied from `spec.bootstrap.recovery.target`; `nil`: the latest.
    public var target: PostgresRecoveryTarget?

    public init(
        backupID: String, backupName: String? = nil, destinationPath: String, endpointURL: String? = nil,
        region: String? = nil, serverName: String, encryption: String, credentialsSecret: String,
        caSecret: PostgresObjectStore.SecretKey? = nil, target: PostgresRecoveryTarget? = nil
    ) {
        self.backupID = backupID
        self.backupName = backupName
        self.destinationPath = destinationPath
        self.endpointURL = endpointURL
        self.region = region
        self.serverName = serverName
        self.encryption = encryption
        self.credentialsSecret = credentialsSecret
        self.caSecret = caSecret
        self.target = target
    }

    public static var schema: JSONSchemaProperty {
        var p = JSONSchemaProperty.object(
            "The base backup a recovery bootstrap restores and the source store it reads (written before the first pod).",
            required: ["backupID", "destinationPath", "serverName", "encryption", "credentialsSecret"],
            PostgresArchiveStatus.storeProperties)
        p.properties? += [
            ("backupID", .string("barman's backup id.")),
            ("backupName", .string("The source's PostgresBackup.")),
            ("target", PostgresRecoveryTarget.schema),
        ]
        return p
    }
}

/// `status.recovery`: what the recovered primary's instance manager reports once it reached
/// its point (`/status` `recovery`).
public struct PostgresRecoveryStatus: Codable, Sendable, Equatable, Hashable {
    public var backupID: String?
    public var reachedLSN: String?
    public var reachedTime: String?
    public var targetReached: Bool?

    public init(backupID: String? = nil, reachedLSN: String? = nil, reachedTime: String? = nil, targetReached: Bool? = nil) {
        self.backupID = backupID
        self.reachedLSN = reachedLSN
        self.reachedTime = reachedTime
        self.targetReached = targetReached
    }

    public static var schema: JSONSchemaProperty {
        .object(
            "The recovery as the recovered primary reports it.",
            [
                "backupID": .string("The base backup restored."),
                "reachedLSN": .string("The WAL location recovery stopped at."),
                "reachedTime": .string("Time of the last transaction replayed (RFC3339)."),
                "targetReached": .boolean("The recovery target was reached and the instance promoted."),
            ])
    }
}

/// `status.backupSchedule`: the schedule's bookkeeping (RFC3339 times, UTC).
public struct PostgresBackupScheduleStatus: Codable, Sendable, Equatable, Hashable {
    /// The slot of the last scheduled backup created.
    public var lastScheduleTime: String?
    /// The next slot waited for (`nil` without a schedule).
    public var nextScheduleTime: String?
    /// The last `quartermaster.dev/backup-now` token handled.
    public var lastRunNowToken: String?

    public init(lastScheduleTime: String? = nil, nextScheduleTime: String? = nil, lastRunNowToken: String? = nil) {
        self.lastScheduleTime = lastScheduleTime
        self.nextScheduleTime = nextScheduleTime
        self.lastRunNowToken = lastRunNowToken
    }

    public static var schema: JSONSchemaProperty {
        .object(
            "Bookkeeping of the backup schedule and of the quartermaster.dev/backup-now annotation.",
            [
                "lastScheduleTime": .string("Slot of the last scheduled backup (RFC3339)."),
                "nextScheduleTime": .string("Next slot (RFC3339)."),
                "lastRunNowToken": .string("The last quartermaster.dev/backup-now token handled."),
            ])
    }
}
