/// Renders the libpq connection string a replica uses to reach its primary (`primary_conninfo`,
/// and `pg_basebackup -d`): user `streaming_replica` authenticated by its client certificate,
/// `sslmode=verify-full` against `host` (the read-write Service's name, which the server
/// certificate carries) while connecting to `hostaddr` (the primary's pod IP), so no DNS is
/// needed and the certificate is still checked.
public enum PrimaryConninfo {
    /// With `database` (pg_rewind's source server), `dbname` is added.
    public static func render(
        host: String, hostaddr: String, port: Int, applicationName: String, paths: InstancePaths,
        database: String? = nil
    ) -> String {
        var pairs: [(String, String)] = [
            ("host", host), ("hostaddr", hostaddr), ("port", String(port)), ("user", "streaming_replica"),
            ("application_name", applicationName), ("sslmode", "verify-full"),
            ("sslrootcert", paths.caCertificate), ("sslcert", paths.replicationCertificate),
            ("sslkey", paths.replicationKey), ("connect_timeout", "10"),
        ]
        if let database { pairs.append(("dbname", database)) }
        return pairs.map { "\($0.0)=\(quote($0.1))" }.joined(separator: " ")
    }

    /// A libpq conninfo value: single-quoted, `'` and `\` escaped with a backslash.
    public static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
