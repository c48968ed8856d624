/// What one query to the local PostgreSQL reports (`InstanceObservation.query`, run by the
/// manager through `psql` over the unix socket), decoded from the JSON row it returns.
///
/// Roles and restart needs come from PostgreSQL itself: `pg_is_in_recovery()`,
/// `pg_settings.pending_restart` (set after a reload for changed settings of context
/// `postmaster`), `pg_stat_wal_receiver.status`, `pg_stat_replication`.
public struct InstanceObservation: Codable, Hashable, Sendable {
    public var inRecovery: Bool
    public var timeline: Int?
    /// Primary: `pg_current_wal_lsn()`; replica: `pg_last_wal_replay_lsn()`.
    public var lsn: String?
    /// `lsn` as a byte position (`pg_wal_lsn_diff(lsn, '0/0')`).
    public var lsnBytes: Int64?
    public var receivedLsn: String?
    public var replayLsn: String?
    /// `pg_stat_wal_receiver.status` (`streaming` when following a primary); `nil` without one.
    public var receiverStatus: String?
    /// Replica: received minus replayed bytes; primary: the largest lag of its replicas.
    public var replicationLagBytes: Int64
    /// Names of settings whose change waits for a restart, sorted.
    public var pendingRestartParameters: [String]
    public var replicas: [Replica]
    /// `server_version_num` (150004 for 15.4).
    public var serverVersionNum: Int
    /// Client backends by `pg_stat_activity.state` (`unknown` when null).
    public var connections: [String: Int64]
    /// `pg_database_size` of every database that allows connections.
    public var databaseSizes: [String: Int64]

    public struct Replica: Codable, Hashable, Sendable {
        public var applicationName: String
        public var state: String?
        public var replayLsn: String?

        public init(applicationName: String, state: String?, replayLsn: String?) {
            self.applicationName = applicationName
            self.state = state
            self.replayLsn = replayLsn
        }
    }

    public init(
        inRecovery: Bool, timeline: Int? = nil, lsn: String? = nil, lsnBytes: Int64? = nil, receivedLsn: String? = nil,
        replayLsn: String? = nil, receiverStatus: String? = nil, replicationLagBytes: Int64 = 0,
        pendingRestartParameters: [String] = [], replicas: [Replica] = [], serverVersionNum: Int = 0,
        connections: [String: Int64] = [:], databaseSizes: [String: Int64] = [:]
    ) {
        self.inRecovery = inRecovery
        self.timeline = timeline
        self.lsn = lsn
        self.lsnBytes = lsnBytes
        self.receivedLsn = receivedLsn
        self.replayLsn = replayLsn
        self.receiverStatus = receiverStatus
        self.replicationLagBytes = replicationLagBytes
        self.pendingRestartParameters = pendingRestartParameters
        self.replicas = replicas
        self.serverVersionNum = serverVersionNum
        self.connections = connections
        self.databaseSizes = databaseSizes
    }

    /// Whether this instance follows a primary right now.
    public var streaming: Bool { receiverStatus == "streaming" }

    /// One row, one JSON object with the fields above.
    public static let query = """
        SELECT json_build_object(
          'inRecovery', pg_is_in_recovery(),
          'timeline', CASE WHEN pg_is_in_recovery()
              THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1), (SELECT timeline_id FROM pg_control_checkpoint()))
              ELSE (SELECT timeline_id FROM pg_control_checkpoint()) END,
          'lsn', (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text,
          'lsnBytes', pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint,
          'receivedLsn', pg_last_wal_receive_lsn()::text,
          'replayLsn', pg_last_wal_replay_lsn()::text,
          'receiverStatus', (SELECT status FROM pg_stat_wal_receiver LIMIT 1),
          'replicationLagBytes', COALESCE(CASE WHEN pg_is_in_recovery()
              THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
              ELSE (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) FROM pg_stat_replication) END, 0)::bigint,
          'pendingRestartParameters', COALESCE((SELECT json_agg(name ORDER BY name) FROM pg_settings WHERE pending_restart), '[]'::json),
          'replicas', COALESCE((SELECT json_agg(json_build_object('applicationName', application_name, 'state', state,
              'replayLsn', replay_lsn::text) ORDER BY application_name) FROM pg_stat_replication), '[]'::json),
          'serverVersionNum', current_setting('server_version_num')::int,
          'connections', COALESCE((SELECT json_object_agg(st, n) FROM (SELECT COALESCE(state, 'unknown') AS st, count(*) AS n
              FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1) c), '{}'::json),
          'databaseSizes', COALESCE((SELECT json_object_agg(datname, pg_database_size(datname)) FROM pg_database
              WHERE datallowconn), '{}'::json)
        )
        """
}
