import Foundation

/// Renders `pgbouncer.ini` and its `auth_file`.
///
/// Every database name is forwarded (`* = host=… port=…`) to the current primary's pod IP.
/// Clients authenticate with SCRAM-SHA-256 against the verifier PostgreSQL holds, fetched by
/// `auth_user quartermaster_pooler` with `auth_query` through the SECURITY DEFINER function
/// `quartermaster.get_auth` (created in the application database by the instance manager; with
/// PgBouncer before 1.19 the query runs in the database the client asked for, so only that
/// database is reachable through the pooler). Client TLS is required (`client_tls_sslmode
/// require`, the pooler's certificate); the server's certificate is checked against the
/// instance CA (`server_tls_sslmode verify-ca`: the primary is reached by IP).
public enum PgBouncerConfFile {
    public static let authQuery = "SELECT usename, passwd FROM quartermaster.get_auth($1)"

    public static func render(
        pooler: PoolerSettings, primaryHost: String, primaryPort: Int, listenPort: Int, paths: PoolerPaths
    ) -> String {
        let lines = [
            "; Written by the quartermaster instance manager; changes here are overwritten.",
            "[databases]",
            "* = host=\(primaryHost) port=\(primaryPort)",
            "",
            "[pgbouncer]",
            "listen_addr = *",
            "listen_port = \(listenPort)",
            "unix_socket_dir = \(paths.configDirectory)",
            "auth_type = scram-sha-256",
            "auth_file = \(paths.authFile)",
            "auth_user = quartermaster_pooler",
            "auth_query = \(authQuery)",
            "pool_mode = \(pooler.poolMode)",
            "max_client_conn = \(pooler.maxClientConnections)",
            "default_pool_size = \(pooler.defaultPoolSize)",
            "ignore_startup_parameters = extra_float_digits",
            "client_tls_sslmode = require",
            "client_tls_cert_file = \(paths.certificate)",
            "client_tls_key_file = \(paths.key)",
            "server_tls_sslmode = verify-ca",
            "server_tls_ca_file = \(paths.caCertificate)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `"quartermaster_pooler" "PASSWORD"` with `"` doubled.
    public static func authFile(poolerPassword: String) -> String {
        "\"quartermaster_pooler\" \"\(poolerPassword.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
    }
}
