import ArgumentParser
import Foundation
import PostgresInstanceManager

/// `quartermaster instance pooler`: runs PgBouncer in front of the PostgresInstance's current
/// primary (see `PoolerManager`).
///
/// Environment: `PGPORT` (PgBouncer's port, default 5432), `QUARTERMASTER_STATUS_PORT` and
/// `QUARTERMASTER_METRICS_PORT` (override `--status-port` and a non-zero `--metrics-port`),
/// `POD_NAMESPACE`, `KUBERNETES_SERVICE_HOST`/`_PORT`.
struct InstancePoolerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pooler", abstract: "Run PgBouncer in front of a PostgresInstance's primary.")

    @Option(help: "The PostgresInstance's name.")
    var cluster: String

    @Option(help: "Where pgbouncer.ini, the auth file and TLS copies are written (mode 0700).")
    var configDir: String = "/controller/pgbouncer"

    @Option(help: "The mounted Secrets: pooler/ (password, tls.crt, tls.key, ca.crt).")
    var secretsDir: String = "/etc/quartermaster"

    @Option(help: "Service account token, ca.crt and namespace, for the API server.")
    var serviceAccountDir: String = "/var/run/secrets/kubernetes.io/serviceaccount"

    @Option(help: "Read the PostgresInstance JSON from this file (re-read on every poll) instead of the API server.")
    var specFile: String?

    @Option(help: "The PostgresInstance's namespace (default: $POD_NAMESPACE, else the service account's).")
    var namespace: String?

    @Option(help: "The pgbouncer executable.")
    var pgbouncer: String = "/usr/bin/pgbouncer"

    @Option(help: "Port of /healthz, /readyz ($QUARTERMASTER_STATUS_PORT overrides).")
    var statusPort: Int = 8000

    @Option(help: "Port of /metrics (PgBouncer's pools and stats; $QUARTERMASTER_METRICS_PORT overrides); 0 serves none.")
    var metricsPort: Int = 9127

    @Option(help: "The primary's PostgreSQL port.")
    var primaryPort: Int = 5432

    @Option(help: "Seconds between reads of the PostgresInstance.")
    var pollInterval: Int = 5

    @Option(help: "Seconds for PgBouncer's safe shutdown before an immediate one.")
    var shutdownTimeout: Int = 30

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (1...65535).contains(primaryPort) else { throw ValidationError("--primary-port must be 1 to 65535") }
        guard (0...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 0 to 65535") }
        guard pollInterval >= 1, shutdownTimeout >= 1 else {
            throw ValidationError("--poll-interval and --shutdown-timeout must be at least 1 second")
        }
    }

    func run() async throws {
        let logger = try InstanceEnvironment.bootstrapLogging(level: logLevel)
        let options = PoolerOptions(
            paths: PoolerPaths(configDirectory: configDir, secretsDirectory: secretsDir), pgbouncerPath: pgbouncer,
            listenPort: try InstanceEnvironment.port("PGPORT", default: 5432, flag: "PGPORT"), primaryPort: primaryPort,
            statusPort: UInt16(
                try InstanceEnvironment.port("QUARTERMASTER_STATUS_PORT", default: statusPort, flag: "--status-port")),
            metricsPort: metricsPort == 0
                ? nil
                : UInt16(try InstanceEnvironment.port("QUARTERMASTER_METRICS_PORT", default: metricsPort, flag: "--metrics-port")),
            pollInterval: .seconds(pollInterval), shutdownTimeout: shutdownTimeout)
        let source = try InstanceEnvironment.source(
            specFile: specFile, serviceAccountDirectory: serviceAccountDir, cluster: cluster,
            namespace: namespace ?? InstanceEnvironment.environment["POD_NAMESPACE"])
        ManagerSignals.install()
        let status = await PoolerManager(options: options, source: source, logger: logger).run()
        throw ExitCode(status)
    }
}
