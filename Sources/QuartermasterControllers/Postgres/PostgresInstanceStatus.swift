import KubeCore
import KubeRuntime

/// `status` of a `PostgresInstance`, written by the operator.
///
/// `Ready` (condition and phase) only when the primary accepts connections and every replica
/// streams, as the instances' managers report them (``instancesStatus``).
public struct PostgresInstanceStatus: ConditionedStatus {
    public enum Phase: String, Codable, Sendable, CaseIterable {
        case pending = "Pending", provisioning = "Provisioning", ready = "Ready", degraded = "Degraded", failed = "Failed"
        /// `spec.suspended`: the pods are (being) deleted; volumes and Secrets kept.
        case suspended = "Suspended"
        /// A failover was decided; the new target primary has not reported primary yet.
        case failingOver = "FailingOver"
        /// A switchover was asked for; the new target primary has not reported primary yet.
        case switchingOver = "SwitchingOver"
        /// Bootstrapping from a backup (`status.bootstrap`) until the primary reports its recovery.
        case recovering = "Recovering"
    }

    /// What an instance's manager reports of the instance (its `/status`).
    public struct InstanceStatus: Codable, Sendable, Equatable {
        public enum Role: String, Codable, Sendable, CaseIterable {
            case primary, replica, unknown
        }
        /// The pod, `<name>-<serial>`.
        public var name: String
        public var role: Role
        /// Primary: accepts connections; replica: streams from the primary.
        public var ready: Bool
        public var podIP: String?
        public var timeline: Int?
        /// Current WAL position (primary) or replay position (replica), `X/Y`.
        public var lsn: String?
        /// Bytes a replica's replay is behind the primary.
        public var replicationLagBytes: Int?
        /// A changed parameter waits for a restart.
        public var pendingRestart: Bool?
        // Failover and disk (issue 12).
        /// WAL received (replica), `X/Y`: how far a replica could be promoted.
        public var receivedLsn: String? = nil
        public var dataVolume: PostgresVolumeUsage? = nil
        /// Only with `spec.walStorage`.
        public var walVolume: PostgresVolumeUsage? = nil
        /// The operator fenced it (in `status.fencedInstances`) or its manager says it fenced itself.
        public var fenced: Bool? = nil

        public init(
            name: String, role: Role = .unknown, ready: Bool = false, podIP: String? = nil, timeline: Int? = nil,
            lsn: String? = nil, replicationLagBytes: Int? = nil, pendingRestart: Bool? = nil
        ) {
            self.name = name
            self.role = role
            self.ready = ready
            self.podIP = podIP
            self.timeline = timeline
            self.lsn = lsn
            self.replicationLagBytes = replicationLagBytes
            self.pendingRestart = pendingRestart
        }

        enum CodingKeys: String, CodingKey {
            case name, role, ready, podIP, timeline, lsn, replicationLagBytes, pendingRestart
            case receivedLsn, dataVolume, walVolume, fenced
        }
        /// An unknown role (a newer manager's) reads as `unknown`; a missing `ready` as false.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            role = try c.decodeIfPresent(String.self, forKey: .role).flatMap(Role.init(rawValue:)) ?? .unknown
            ready = try c.decodeIfPresent(Bool.self, forKey: .ready) ?? false
            podIP = try c.decodeIfPresent(String.self, forKey: .podIP)
            timeline = try c.decodeIfPresent(Int.self, forKey: .timeline)
            lsn = try c.decodeIfPresent(String.self, forKey: .lsn)
            replicationLagBytes = try c.decodeIfPresent(Int.self, forKey: .replicationLagBytes)
            pendingRestart = try c.decodeIfPresent(Bool.self, forKey: .pendingRestart)
            receivedLsn = try c.decodeIfPresent(String.self, forKey: .receivedLsn)
            dataVolume = try c.decodeIfPresent(PostgresVolumeUsage.self, forKey: .dataVolume)
            walVolume = try c.decodeIfPresent(PostgresVolumeUsage.self, forKey: .walVolume)
            fenced = try c.decodeIfPresent(Bool.self, forKey: .fenced)
        }
    }

    /// Addresses of the Services, `host:port` (`pg-rw.ns.svc:5432`).
    public struct Endpoints: Codable, Sendable, Equatable {
        /// The primary (Service `<name>-rw`).
        public var rw: String?
        /// The replicas (Service `<name>-ro`).
        public var ro: String?
        /// The pooler (Service `<name>-pooler`), when enabled.
        public var pooler: String?
        /// The application's connection URI without a password,
        /// `postgresql://<owner>@<rw>/<database>` (``uri(owner:rw:database:)``): what a
        /// Resource shows as its endpoint.
        public var uri: String?
        public init(rw: String? = nil, ro: String? = nil, pooler: String? = nil, uri: String? = nil) {
            self.rw = rw
            self.ro = ro
            self.pooler = pooler
            self.uri = uri
        }

        /// `postgresql://<owner>@<rw>/<database>`, e.g. `postgresql://app@pg-rw.ns.svc:5432/app`:
        /// no password (it is in the Secret `<name>-app`, key `uri`, with it).
        public static func uri(owner: String, rw: String, database: String) -> String {
            "postgresql://\(owner)@\(rw)/\(database)"
        }
    }

    public struct SecretReference: Codable, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    /// `meta/v1 Condition`, the one type every kind's status uses.
    public typealias Condition = KubeCore.Condition

    public var observedGeneration: Int64?
    public var phase: Phase?
    /// Instance pods that exist (the scale subresource's `status.replicas`).
    public var instances: Int?
    public var readyInstances: Int?
    /// Label selector of the instance pods, for the scale subresource.
    public var selector: String?
    /// The pod the operator wants as primary.
    public var targetPrimary: String?
    /// The pod confirmed as primary: its manager reports role primary.
    public var currentPrimary: String?
    /// The major version running (set when the first instance is created); a different
    /// `spec.postgresVersion` is `Stalled` (`MajorVersionChange`).
    public var postgresVersion: Int?
    public var instancesStatus: [InstanceStatus]?
    public var endpoints: Endpoints?
    /// The application Secret (`<name>-app`).
    public var credentialsSecretRef: SecretReference?
    public var conditions: [Condition]?
    // Failover (issue 12).
    /// When `targetPrimary` last changed by a failover or switchover, RFC 3339 UTC.
    public var targetPrimaryTimestamp: String? = nil
    /// Instances the operator fenced (pod role label `fenced`): removed once they report role
    /// replica and streaming.
    public var fencedInstances: [String]? = nil
    /// Changes of primary, newest last, at most ``PostgresPromotion/kept``.
    public var promotions: [PostgresPromotion]? = nil
    /// The `quartermaster.dev/switchover-to` value handled last.
    public var lastSwitchoverRequest: String? = nil
    // Backups and recovery (issue 12, branch bkop).
    /// The resolved object store (``PostgresArchiveStatus``); `nil` without `spec.backup`.
    public var archive: PostgresArchiveStatus?
    /// The base backup a recovery bootstrap restores, written before the first pod.
    public var bootstrap: PostgresBootstrapStatus?
    /// The recovery as the recovered primary reported it.
    public var recovery: PostgresRecoveryStatus?
    /// Begin time (RFC3339) of the oldest completed backup in the store.
    public var firstRecoverabilityPoint: String?
    /// Stop time (RFC3339) of the newest Completed PostgresBackup of this instance.
    public var lastSuccessfulBackup: String?
    /// Time (RFC3339) of the newest Failed PostgresBackup of this instance.
    public var lastFailedBackup: String?
    public var backupSchedule: PostgresBackupScheduleStatus?

    public init(
        observedGeneration: Int64? = nil, phase: Phase? = nil, instances: Int? = nil, readyInstances: Int? = nil,
        selector: String? = nil, targetPrimary: String? = nil, currentPrimary: String? = nil,
        postgresVersion: Int? = nil, instancesStatus: [InstanceStatus]? = nil, endpoints: Endpoints? = nil,
        credentialsSecretRef: SecretReference? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.instances = instances
        self.readyInstances = readyInstances
        self.selector = selector
        self.targetPrimary = targetPrimary
        self.currentPrimary = currentPrimary
        self.postgresVersion = postgresVersion
        self.instancesStatus = instancesStatus
        self.endpoints = endpoints
        self.credentialsSecretRef = credentialsSecretRef
        self.conditions = conditions
    }

    /// The structural schema of `status`.
    public static var schema: JSONSchemaProperty {
        .object(
            "Observed state of the PostgreSQL instances, written by the operator.",
            [
                "observedGeneration": .integer("The spec generation this status reflects.", format: "int64"),
                "phase": .string(
                    "Summary: Pending, Provisioning, Recovering, Ready, Degraded, Failed, Suspended, FailingOver or SwitchingOver.",
                    enum: Phase.allCases.map(\.rawValue)),
                "instances": .integer("Number of instance pods that exist."),
                "readyInstances": .integer("Number of instances that are ready (primary accepting connections, replicas streaming)."),
                "selector": .string("Label selector of the instance pods (for the scale subresource)."),
                "targetPrimary": .string("The instance (pod) the operator wants as primary."),
                "currentPrimary": .string("The instance (pod) whose manager reports it is the primary."),
                "postgresVersion": .integer("The PostgreSQL major version running."),
                "instancesStatus": .array(
                    "Each instance as its manager reports it.",
                    of: .object(
                        "One instance.", required: ["name"],
                        [
                            "name": .string("Pod name."),
                            "role": .string("primary, replica or unknown.", enum: InstanceStatus.Role.allCases.map(\.rawValue)),
                            "ready": .boolean("Primary: accepts connections; replica: streams from the primary."),
                            "podIP": .string("The pod's IP address."),
                            "timeline": .integer("PostgreSQL timeline."),
                            "lsn": .string("WAL position (primary) or replay position (replica), rewritten when it moves by a WAL segment (16 MiB)."),
                            "replicationLagBytes": .integer("Bytes the replica's replay is behind the primary; rewritten when it moves by a WAL segment (16 MiB) or reaches or leaves 0.", format: "int64"),
                            "pendingRestart": .boolean("A changed parameter takes effect only after a restart."),
                            "receivedLsn": .string("WAL received (replica), rewritten when it moves by a WAL segment (16 MiB)."),
                            "dataVolume": PostgresVolumeUsage.schema("Usage of the data volume."),
                            "walVolume": PostgresVolumeUsage.schema("Usage of the WAL volume (with walStorage)."),
                            "fenced": .boolean("The instance is fenced: it must not run as a primary."),
                        ])),
                "endpoints": .object(
                    "Addresses of the Services.",
                    [
                        "rw": .string("The primary, host:port."),
                        "ro": .string("The replicas, host:port."),
                        "pooler": .string("The PgBouncer pooler, host:port."),
                        "uri": .string("Connection URI of the application's database, without the password."),
                    ]),
                "credentialsSecretRef": .object(
                    "Secret holding the application's credentials (username, password, host, port, dbname, uri, jdbc-uri, pgpass, ca.crt).",
                    required: ["name"],
                    ["name": .string("Name of the Secret in this namespace.")]),
                "targetPrimaryTimestamp": .string(
                    "When targetPrimary last changed by a failover or switchover.", format: "date-time"),
                "fencedInstances": .array(
                    "Instances the operator fenced (role label fenced) until they rejoin as streaming replicas.",
                    of: .string("Pod name.")),
                "promotions": .array(
                    "Changes of primary, newest last, at most \(PostgresPromotion.kept).", of: PostgresPromotion.schema),
                "lastSwitchoverRequest": .string("The quartermaster.dev/switchover-to value handled last."),
                "archive": PostgresArchiveStatus.schema,
                "bootstrap": PostgresBootstrapStatus.schema,
                "recovery": PostgresRecoveryStatus.schema,
                "firstRecoverabilityPoint": .string("Begin time of the oldest completed backup in the store (RFC3339)."),
                "lastSuccessfulBackup": .string("When the newest completed backup stopped (RFC3339)."),
                "lastFailedBackup": .string("When the newest failed backup failed (RFC3339)."),
                "backupSchedule": PostgresBackupScheduleStatus.schema,
                "conditions": QuartermasterSchemaNodes.conditions(
                    "Latest observations of the instances' state.",
                    required: ["type", "status", "lastTransitionTime", "reason", "message"]),
            ])
    }
}
