/// How `quartermaster instance run` runs one PostgreSQL instance.
public struct InstanceManagerOptions: Sendable {
    /// This pod's name (`POD_NAME`), also the replica's `application_name`.
    public var podName: String
    public var paths: InstancePaths
    /// The port PostgreSQL listens on: `PGPORT` when set, else 5432 (PostgreSQL reads `PGPORT`
    /// itself; the manager uses it for `psql` and `pg_isready`).
    public var postgresPort: Int
    /// The primary's port as replicas connect to it. Default 5432 (the pod port in a cluster).
    public var primaryPort: Int
    /// PostgreSQL ports of other pods where they differ from `primaryPort` (outside a cluster,
    /// several instances share one address); empty in a pod.
    public var peerPorts: [String: Int] = [:]
    /// HTTP `/healthz`, `/readyz`, `/status`. Default 8000.
    public var statusPort: UInt16
    /// HTTP `/metrics`. Default 9187.
    public var metricsPort: UInt16
    /// How often the PostgresInstance is read again and the primary lease renewed. Default 1 s
    /// (the lease is renewed at least twice per `failoverDelay - 1 s`, whatever this says).
    public var pollInterval: Duration
    /// Seconds `pg_ctl stop -m smart` may take before `-m fast`. Default 30.
    public var smartShutdownTimeout: Int
    /// Seconds `pg_ctl stop -m fast` may take before SIGQUIT (immediate). Default 20 (with the
    /// smart timeout, inside the pod's 60 s grace period).
    public var fastShutdownTimeout: Int
    /// The OS user the manager runs as, mapped to `postgres` for peer authentication.
    public var operatingSystemUser: String

    public init(
        podName: String, paths: InstancePaths, postgresPort: Int = 5432, primaryPort: Int = 5432,
        statusPort: UInt16 = 8000, metricsPort: UInt16 = 9187, pollInterval: Duration = .seconds(1),
        smartShutdownTimeout: Int = 30, fastShutdownTimeout: Int = 20, operatingSystemUser: String
    ) {
        self.podName = podName
        self.paths = paths
        self.postgresPort = postgresPort
        self.primaryPort = primaryPort
        self.statusPort = statusPort
        self.metricsPort = metricsPort
        self.pollInterval = pollInterval
        self.smartShutdownTimeout = smartShutdownTimeout
        self.fastShutdownTimeout = fastShutdownTimeout
        self.operatingSystemUser = operatingSystemUser
    }

    /// The PostgreSQL port of `pod`: `peerPorts[pod]`, else `primaryPort`.
    public func port(of pod: String) -> Int { peerPorts[pod] ?? primaryPort }
}
