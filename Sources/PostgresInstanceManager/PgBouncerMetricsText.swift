/// Renders the pooler's `/metrics` (Prometheus text format 0.0.4) from PgBouncer's admin
/// console: `SHOW POOLS` and `SHOW STATS` rows, read by column name so PgBouncer versions that
/// add columns render the same (a missing column leaves its sample out).
///
/// Names follow the Prometheus community's `pgbouncer_exporter`, so its dashboards and alerts
/// apply:
/// - `pgbouncer_up`: 1 when the admin console answered, else 0 (and nothing else).
/// - per pool, labels `database`, `user`, gauges: `pgbouncer_pools_client_active_connections`,
///   `..._client_waiting_connections`, `..._server_active_connections`,
///   `..._server_idle_connections`, `..._server_used_connections`,
///   `..._server_login_connections`, `pgbouncer_pools_client_maxwait_seconds`.
/// - per database, label `database`, counters: `pgbouncer_stats_queries_pooled_total`,
///   `pgbouncer_stats_sql_transactions_pooled_total`, `pgbouncer_stats_received_bytes_total`,
///   `pgbouncer_stats_sent_bytes_total`, `pgbouncer_stats_queries_duration_seconds_total`,
///   `pgbouncer_stats_client_wait_seconds_total` (PgBouncer counts microseconds; these are seconds).
public enum PgBouncerMetricsText {
    typealias Row = PgBouncerAdminConsole.Row

    /// The exposition; `pools` and `stats` `nil` when the console did not answer.
    public static func render(pools: [PgBouncerAdminConsole.Row]?, stats: [PgBouncerAdminConsole.Row]?) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        guard let pools, let stats else {
            family("pgbouncer_up", "gauge", "Whether PgBouncer's admin console answered (1) or not (0).", [("", "0")])
            return out
        }
        family("pgbouncer_up", "gauge", "Whether PgBouncer's admin console answered (1) or not (0).", [("", "1")])

        func poolLabels(_ row: Row) -> String {
            "{database=\"\(InstanceMetricsText.escape(text(row, "database") ?? ""))\",user=\"\(InstanceMetricsText.escape(text(row, "user") ?? ""))\"}"
        }
        let poolGauges: [(String, String, String)] = [
            ("pgbouncer_pools_client_active_connections", "cl_active", "Client connections linked to a server connection."),
            ("pgbouncer_pools_client_waiting_connections", "cl_waiting", "Client connections waiting for a server connection."),
            ("pgbouncer_pools_server_active_connections", "sv_active", "Server connections linked to a client."),
            ("pgbouncer_pools_server_idle_connections", "sv_idle", "Server connections idle and ready for a client."),
            ("pgbouncer_pools_server_used_connections", "sv_used", "Server connections idle longer than server_check_delay."),
            ("pgbouncer_pools_server_login_connections", "sv_login", "Server connections logging in."),
        ]
        for (name, column, help) in poolGauges {
            family(name, "gauge", help, pools.compactMap { row in number(row, column).map { (poolLabels(row), format($0)) } })
        }
        family(
            "pgbouncer_pools_client_maxwait_seconds", "gauge", "How long the oldest waiting client has waited.",
            pools.compactMap { row in
                number(row, "maxwait").map { (poolLabels(row), format($0 + (number(row, "maxwait_us") ?? 0) / 1_000_000)) }
            })

        func databaseLabel(_ row: Row) -> String {
            "{database=\"\(InstanceMetricsText.escape(text(row, "database") ?? ""))\"}"
        }
        let statCounters: [(String, String, Double, String)] = [
            ("pgbouncer_stats_queries_pooled_total", "total_query_count", 1, "Queries pooled."),
            ("pgbouncer_stats_sql_transactions_pooled_total", "total_xact_count", 1, "SQL transactions pooled."),
            ("pgbouncer_stats_received_bytes_total", "total_received", 1, "Bytes received from clients."),
            ("pgbouncer_stats_sent_bytes_total", "total_sent", 1, "Bytes sent to clients."),
            ("pgbouncer_stats_queries_duration_seconds_total", "total_query_time", 1_000_000, "Seconds spent in queries."),
            ("pgbouncer_stats_client_wait_seconds_total", "total_wait_time", 1_000_000, "Seconds clients waited for a server."),
        ]
        for (name, column, divisor, help) in statCounters {
            family(name, "counter", help, stats.compactMap { row in number(row, column).map { (databaseLabel(row), format($0 / divisor)) } })
        }
        return out
    }

    static func text(_ row: Row, _ column: String) -> String? { row[column] ?? nil }

    static func number(_ row: Row, _ column: String) -> Double? { text(row, column).flatMap(Double.init) }

    /// Integers without a fraction, others as Swift prints them.
    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
