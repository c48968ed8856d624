import Foundation
import KubeCore
import PostgresInstanceManager

/// SQL and HTTP against a running instance, as the tests need them.
extension PostgresTestSite.InstanceLayout {
    /// `psql` as `postgres` over the unix socket (peer authentication through the ident map):
    /// the first line of output, or the error text prefixed `ERROR:`.
    func sql(_ statement: String, database: String = "postgres") async -> String {
        let r = await PostgresTestEnvironment.runAsPostgres([
            PostgresTestEnvironment.binDirectory + "/psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
            runDirectory, "-p",
            String(postgresPort), "-U", "postgres", "-d", database, "-c", statement,
        ])
        if r.status != 0 { return "ERROR: " + r.standardError }
        return r.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `GET /status`, decoded; `nil` while it does not answer JSON.
    func status() async -> JSONValue? {
        let (code, body) = await PostgresTestEnvironment.http(port: statusPort, path: "/status")
        guard code == 200 else { return nil }
        return try? KubeJSON.decode(JSONValue.self, from: Data(body.utf8))
    }

    func isReady() async -> Bool {
        await PostgresTestEnvironment.http(port: statusPort, path: "/readyz").status == 200
    }
}

/// An application's connection over TCP: `psql` as root with a password, TLS `sslmode`
/// (default `verify-full` against `host`, while connecting to `hostaddr` 127.0.0.1).
func applicationQuery(
    _ statement: String, port: Int, host: String = "pg-rw.ns.svc", user: String = "app", password: String,
    sslmode: String = "verify-full", rootCertificate: String
) async -> String {
    let conninfo =
        "host=\(host) hostaddr=127.0.0.1 port=\(port) user=\(user) dbname=app sslmode=\(sslmode) sslrootcert=\(rootCertificate) connect_timeout=10"
    let r = await PostgresTestEnvironment.run(
        PostgresTestEnvironment.binDirectory + "/psql",
        ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", statement],
        environment: ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"])
    if r.status != 0 { return "ERROR: " + r.standardError }
    return r.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
}
