/// Renders `/metrics` in the Prometheus text format (0.0.4) from an observation (`nil` when
/// PostgreSQL did not answer: then only `pg_up 0`).
///
/// Families: `pg_up`, `pg_is_primary`, `pg_connections{state}`, `pg_database_size_bytes{datname}`,
/// `pg_replication_lag_bytes`, `pg_wal_lsn_bytes`, `pg_volume_used_bytes{volume}`,
/// `pg_volume_capacity_bytes{volume}`; all gauges, label values escaped.
public enum InstanceMetricsText {
    /// - Parameter volumes: `(volume, usage)` pairs (`data`, `wal`), rendered as
    ///   `pg_volume_used_bytes{volume}` and `pg_volume_capacity_bytes{volume}` even while
    ///   PostgreSQL does not answer.
    public static func render(_ observation: InstanceObservation?, volumes: [(String, VolumeUsage)] = []) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        family("pg_up", "Whether PostgreSQL answers queries (1) or not (0).", [("", observation == nil ? "0" : "1")])
        if !volumes.isEmpty {
            family(
                "pg_volume_used_bytes", "Bytes used on the instance's volumes.",
                volumes.map { ("{volume=\"\(escape($0.0))\"}", String($0.1.usedBytes)) })
            family(
                "pg_volume_capacity_bytes", "Capacity of the instance's volumes in bytes.",
                volumes.map { ("{volume=\"\(escape($0.0))\"}", String($0.1.capacityBytes)) })
        }
        guard let o = observation else { return out }
        family("pg_is_primary", "1 on a primary, 0 on a replica.", [("", o.inRecovery ? "0" : "1")])
        family(
            "pg_connections", "Client connections by state.",
            o.connections.keys.sorted().map { ("{state=\"\(escape($0))\"}", String(o.connections[$0] ?? 0)) })
        family(
            "pg_database_size_bytes", "Size of each database.",
            o.databaseSizes.keys.sorted().map { ("{datname=\"\(escape($0))\"}", String(o.databaseSizes[$0] ?? 0)) })
        family(
            "pg_replication_lag_bytes", "Replica: WAL received but not replayed; primary: the largest replica lag.",
            [("", String(o.replicationLagBytes))])
        if let bytes = o.lsnBytes {
            family(
                "pg_wal_lsn_bytes", "The current WAL position (replayed position on a replica), in bytes.",
                [("", String(bytes))])
        }
        return out
    }

    /// A label value: `\`, `"` and line feeds escaped.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
