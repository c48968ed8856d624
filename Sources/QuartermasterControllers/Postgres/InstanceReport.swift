/// What one instance manager reports at `GET http://<podIP>:8000/status` (the contract's JSON).
/// Decoding is lenient: a missing field takes its empty value, an unknown field is ignored, so
/// an older or newer instance manager still reports what it knows.
public struct InstanceReport: Codable, Sendable, Hashable {
    /// One replica as the primary sees it (`pg_stat_replication`).
    public struct Replica: Codable, Sendable, Hashable {
        public var applicationName: String
        public var state: String
        public var replayLsn: String?

        public init(applicationName: String, state: String, replayLsn: String? = nil) {
            self.applicationName = applicationName
            self.state = state
            self.replayLsn = replayLsn
        }

        enum CodingKeys: String, CodingKey { case applicationName, state, replayLsn }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            applicationName = try c.decodeIfPresent(String.self, forKey: .applicationName) ?? ""
            state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
            replayLsn = try c.decodeIfPresent(String.self, forKey: .replayLsn)
        }
    }

    /// The pod the report is about.
    public var pod: String
    /// `primary`, `replica`, or anything else (unknown).
    public var role: String
    /// Accepts connections (primary) / streams from the primary (replica).
    public var ready: Bool
    public var timeline: Int?
    public var lsn: String?
    public var receivedLsn: String?
    public var replayLsn: String?
    public var replicationLagBytes: Int?
    public var pendingRestart: Bool
    public var pendingRestartParameters: [String]
    /// The major version running.
    public var postgresVersion: Int?
    /// A replica's WAL receiver is streaming.
    public var streaming: Bool
    /// The primary's replicas.
    public var replicas: [Replica]
    // Failover and disk (issue 12); absent from older instance managers.
    /// The instance manager fenced PostgreSQL (killed it and keeps it down). Default false.
    public var fenced: Bool = false
    public var dataVolume: PostgresVolumeUsage? = nil
    /// Only with a separate WAL volume.
    public var walVolume: PostgresVolumeUsage? = nil
    // Backups and recovery (issue 12, branch bkop).
    /// WAL archiving (primary only).
    public var archiving: Archiving?
    /// The recovery bootstrap's outcome.
    public var recovery: Recovery?

    public init(
        pod: String, role: String, ready: Bool, timeline: Int? = nil, lsn: String? = nil, receivedLsn: String? = nil,
        replayLsn: String? = nil, replicationLagBytes: Int? = nil, pendingRestart: Bool = false,
        pendingRestartParameters: [String] = [], postgresVersion: Int? = nil, streaming: Bool = false,
        replicas: [Replica] = [], archiving: Archiving? = nil, recovery: Recovery? = nil
    ) {
        self.pod = pod
        self.role = role
        self.ready = ready
        self.timeline = timeline
        self.lsn = lsn
        self.receivedLsn = receivedLsn
        self.replayLsn = replayLsn
        self.replicationLagBytes = replicationLagBytes
        self.pendingRestart = pendingRestart
        self.pendingRestartParameters = pendingRestartParameters
        self.postgresVersion = postgresVersion
        self.streaming = streaming
        self.replicas = replicas
        self.archiving = archiving
        self.recovery = recovery
    }

    enum CodingKeys: String, CodingKey {
        case pod, role, ready, timeline, lsn, receivedLsn, replayLsn, replicationLagBytes, pendingRestart
        case pendingRestartParameters, postgresVersion, streaming, replicas
        case fenced, dataVolume, walVolume
        case archiving, recovery
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pod = try c.decodeIfPresent(String.self, forKey: .pod) ?? ""
        role = try c.decodeIfPresent(String.self, forKey: .role) ?? ""
        ready = try c.decodeIfPresent(Bool.self, forKey: .ready) ?? false
        timeline = try c.decodeIfPresent(Int.self, forKey: .timeline)
        lsn = try c.decodeIfPresent(String.self, forKey: .lsn)
        receivedLsn = try c.decodeIfPresent(String.self, forKey: .receivedLsn)
        replayLsn = try c.decodeIfPresent(String.self, forKey: .replayLsn)
        replicationLagBytes = try c.decodeIfPresent(Int.self, forKey: .replicationLagBytes)
        pendingRestart = try c.decodeIfPresent(Bool.self, forKey: .pendingRestart) ?? false
        pendingRestartParameters = try c.decodeIfPresent([String].self, forKey: .pendingRestartParameters) ?? []
        postgresVersion = try c.decodeIfPresent(Int.self, forKey: .postgresVersion)
        streaming = try c.decodeIfPresent(Bool.self, forKey: .streaming) ?? false
        replicas = try c.decodeIfPresent([Replica].self, forKey: .replicas) ?? []
        fenced = try c.decodeIfPresent(Bool.self, forKey: .fenced) ?? false
        dataVolume = try c.decodeIfPresent(PostgresVolumeUsage.self, forKey: .dataVolume)
        walVolume = try c.decodeIfPresent(PostgresVolumeUsage.self, forKey: .walVolume)
        archiving = try c.decodeIfPresent(Archiving.self, forKey: .archiving)
        recovery = try c.decodeIfPresent(Recovery.self, forKey: .recovery)
    }

    /// ``role`` as a pod role, `nil` when it is neither `primary` nor `replica`.
    public var podRole: PostgresPodRole? { PostgresPodRole(rawValue: role) }
}
