/// How `quartermaster instance pooler` runs PgBouncer.
public struct PoolerOptions: Sendable {
    public var paths: PoolerPaths
    /// The `pgbouncer` executable. Default `/usr/bin/pgbouncer` (Debian's is `/usr/sbin/pgbouncer`).
    public var pgbouncerPath: String
    /// PgBouncer's listen port: `PGPORT` when set, else 5432.
    public var listenPort: Int
    /// The primary's PostgreSQL port. Default 5432.
    public var primaryPort: Int
    /// HTTP `/healthz`, `/readyz`. Default 8000.
    public var statusPort: UInt16
    /// HTTP `/metrics` (``PgBouncerMetricsText``), on a port of its own so a NetworkPolicy can
    /// admit Prometheus to it alone. Default 9127 (`pgbouncer_exporter`'s); `nil`: not served.
    public var metricsPort: UInt16?
    /// How often the PostgresInstance is read again. Default 5 s.
    public var pollInterval: Duration
    /// Seconds PgBouncer's safe shutdown (SIGINT: waits for clients' queries) may take before
    /// SIGTERM (immediate). Default 30.
    public var shutdownTimeout: Int

    public init(
        paths: PoolerPaths, pgbouncerPath: String = "/usr/bin/pgbouncer", listenPort: Int = 5432,
        primaryPort: Int = 5432,
        statusPort: UInt16 = 8000, metricsPort: UInt16? = 9127, pollInterval: Duration = .seconds(5), shutdownTimeout: Int = 30
    ) {
        self.paths = paths
        self.pgbouncerPath = pgbouncerPath
        self.listenPort = listenPort
        self.primaryPort = primaryPort
        self.statusPort = statusPort
        self.metricsPort = metricsPort
        self.pollInterval = pollInterval
        self.shutdownTimeout = shutdownTimeout
    }
}
