/// The body of `GET /status` (the operator reads it into `status.instancesStatus`):
///
/// ```json
/// {"pod":"pg-1","role":"primary","ready":true,"timeline":1,"lsn":"0/3000148",
///  "receivedLsn":null,"replayLsn":null,"replicationLagBytes":0,"pendingRestart":false,
///  "pendingRestartParameters":[],"postgresVersion":15,"streaming":false,
///  "replicas":[{"applicationName":"pg-2","state":"streaming","replayLsn":"0/3000148"}]}
/// ```
///
/// `role` is `unknown` while PostgreSQL does not answer (then `ready` is false and the rest
/// empty). `ready`: a primary answers queries out of recovery; a replica is in recovery and
/// streaming. Absent values are encoded as `null`, so every key is always present, except
/// `walVolume` (only with a WAL directory). Also `"fenced":false`, `"dataVolume":{"usedBytes":
/// 1,"capacityBytes":2}`, `"walVolume":{...}`, `"message":null`.
public struct InstanceStatus: Codable, Hashable, Sendable {
    public var pod: String
    /// `primary`, `replica` or `unknown`.
    public var role: String
    public var ready: Bool
    public var timeline: Int?
    public var lsn: String?
    public var receivedLsn: String?
    public var replayLsn: String?
    public var replicationLagBytes: Int64
    public var pendingRestart: Bool
    public var pendingRestartParameters: [String]
    /// The running major version (`server_version_num / 10000`); `nil` when unknown.
    public var postgresVersion: Int?
    public var streaming: Bool
    public var replicas: [InstanceObservation.Replica]
    // Durability (issue 12): `archiving` on a primary (`ArchivingStatus`), `recovery` after a
    // recovery bootstrap (`RecoveryReport`); both `null` otherwise. Set by `InstanceDurability`.
    public var archiving: ArchivingStatus? = nil
    public var recovery: RecoveryReport? = nil
    /// Whether the manager has fenced this instance (killed PostgreSQL: the lease deadline
    /// passed, or the operator fenced it or moved the primary away).
    public var fenced: Bool = false
    /// The data volume (statvfs of PGDATA's parent); `null` when unknown.
    public var dataVolume: VolumeUsage?
    /// The WAL volume (statvfs of the WAL directory's parent); the key is absent without `--wal-dir`.
    public var walVolume: VolumeUsage?
    /// What keeps the manager from its goal, such as `rewindFailed: ...`; `null` when nothing.
    public var message: String?

    /// From an observation; `nil` when PostgreSQL did not answer.
    public init(pod: String, observation: InstanceObservation?) {
        self.pod = pod
        guard let o = observation else {
            role = "unknown"
            ready = false
            replicationLagBytes = 0
            pendingRestart = false
            pendingRestartParameters = []
            streaming = false
            replicas = []
            return
        }
        role = o.inRecovery ? "replica" : "primary"
        ready = o.inRecovery ? o.streaming : true
        timeline = o.timeline
        lsn = o.lsn
        receivedLsn = o.receivedLsn
        replayLsn = o.replayLsn
        replicationLagBytes = o.replicationLagBytes
        pendingRestartParameters = o.pendingRestartParameters
        pendingRestart = !o.pendingRestartParameters.isEmpty
        postgresVersion = o.serverVersionNum > 0 ? o.serverVersionNum / 10000 : nil
        streaming = o.streaming
        replicas = o.replicas
    }

    private enum CodingKeys: String, CodingKey {
        case pod, role, ready, timeline, lsn, receivedLsn, replayLsn, replicationLagBytes, pendingRestart
        case pendingRestartParameters, postgresVersion, streaming, replicas
        case archiving, recovery
        case fenced, dataVolume, walVolume, message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pod, forKey: .pod)
        try c.encode(role, forKey: .role)
        try c.encode(ready, forKey: .ready)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(lsn, forKey: .lsn)
        try c.encode(receivedLsn, forKey: .receivedLsn)
        try c.encode(replayLsn, forKey: .replayLsn)
        try c.encode(replicationLagBytes, forKey: .replicationLagBytes)
        try c.encode(pendingRestart, forKey: .pendingRestart)
        try c.encode(pendingRestartParameters, forKey: .pendingRestartParameters)
        try c.encode(postgresVersion, forKey: .postgresVersion)
        try c.encode(streaming, forKey: .streaming)
        try c.encode(replicas, forKey: .replicas)
        try c.encode(archiving, forKey: .archiving)
        try c.encode(recovery, forKey: .recovery)
        try c.encode(fenced, forKey: .fenced)
        try c.encode(dataVolume, forKey: .dataVolume)
        try c.encodeIfPresent(walVolume, forKey: .walVolume)
        try c.encode(message, forKey: .message)
    }
}
