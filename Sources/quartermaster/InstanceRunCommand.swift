import ArgumentParser
import Foundation
import PostgresInstanceManager

/// `quartermaster instance run`: initialises or clones, configures, starts and supervises
/// PostgreSQL for the PostgresInstance `--cluster` (see `InstanceManager`).
///
/// Environment: `POD_NAME` (required unless `--pod-name`), `POD_NAMESPACE` (default: the
/// service account's namespace), `PGPORT` (PostgreSQL's port, default 5432),
/// `QUARTERMASTER_STATUS_PORT` and `QUARTERMASTER_METRICS_PORT` (override `--status-port` and
/// `--metrics-port`), `KUBERNETES_SERVICE_HOST`/`_PORT` (the API server).
struct InstanceRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one PostgreSQL instance of a PostgresInstance (the pod's entrypoint).")

    @Option(help: "The PostgresInstance's name.")
    var cluster: String

    @Option(help: "The data directory.")
    var pgdata: String = "/var/lib/postgresql/data/pgdata"

    @Option(help: "A separate WAL directory (initdb --waldir).")
    var walDir: String?

    @Option(help: "PostgreSQL's binaries (initdb, postgres, pg_ctl, pg_basebackup, pg_isready, psql).")
    var binDir: String

    @Option(help: "Unix socket directory and TLS copies (mode 0700).")
    var runDir: String = "/controller/run"

    @Option(help: "The mounted Secrets: server/, replication/, app/, pooler/.")
    var secretsDir: String = "/etc/quartermaster"

    @Option(help: "Service account token, ca.crt and namespace, for the API server.")
    var serviceAccountDir: String = "/var/run/secrets/kubernetes.io/serviceaccount"

    @Option(help: "Read the PostgresInstance JSON from this file (re-read on every poll) instead of the API server.")
    var specFile: String?

    @Option(help: "With --spec-file: the primary lease file (default: <spec-file>.lease).")
    var leaseFile: String?

    @Option(
        help: ArgumentHelp(
            "Another pod's PostgreSQL port where it differs from --primary-port (POD=PORT, repeatable; outside a cluster).",
            valueName: "pod=port"))
    var peerPort: [String] = []

    @Option(help: "This pod's name (default: $POD_NAME).")
    var podName: String?

    @Option(help: "The PostgresInstance's namespace (default: $POD_NAMESPACE, else the service account's).")
    var namespace: String?

    @Option(help: "Port of /healthz, /readyz, /status ($QUARTERMASTER_STATUS_PORT overrides).")
    var statusPort: Int = 8000

    @Option(help: "Port of /metrics ($QUARTERMASTER_METRICS_PORT overrides).")
    var metricsPort: Int = 9187

    @Option(help: "The primary's PostgreSQL port, for replicas.")
    var primaryPort: Int = 5432

    @Option(help: "Seconds between reads of the PostgresInstance and renewals of the primary lease.")
    var pollInterval: Int = 1

    @Option(help: "Seconds for pg_ctl stop -m smart before -m fast.")
    var smartShutdownTimeout: Int = 30

    @Option(help: "Seconds for pg_ctl stop -m fast before an immediate shutdown.")
    var fastShutdownTimeout: Int = 20

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (1...65535).contains(primaryPort) else { throw ValidationError("--primary-port must be 1 to 65535") }
        guard pollInterval >= 1, smartShutdownTimeout >= 1, fastShutdownTimeout >= 1 else {
            throw ValidationError("--poll-interval and the shutdown timeouts must be at least 1 second")
        }
        _ = try parsedPeerPorts()
    }

    /// `--peer-port` values by pod.
    func parsedPeerPorts() throws -> [String: Int] {
        var ports: [String: Int] = [:]
        for entry in peerPort {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw ValidationError("--peer-port must be POD=PORT, got \(entry)")
            }
            ports[parts[0]] = port
        }
        return ports
    }

    func run() async throws {
        let logger = try InstanceEnvironment.bootstrapLogging(level: logLevel)
        let env = InstanceEnvironment.environment
        guard let pod = podName ?? env["POD_NAME"], !pod.isEmpty else {
            throw ValidationError("set POD_NAME (or --pod-name)")
        }
        let postgresPort = try InstanceEnvironment.port("PGPORT", default: 5432, flag: "PGPORT")
        var options = InstanceManagerOptions(
            podName: pod,
            paths: InstancePaths(
                pgdata: pgdata, walDirectory: walDir, binDirectory: binDir, runDirectory: runDir,
                secretsDirectory: secretsDir),
            postgresPort: postgresPort, primaryPort: primaryPort,
            statusPort: UInt16(
                try InstanceEnvironment.port("QUARTERMASTER_STATUS_PORT", default: statusPort, flag: "--status-port")),
            metricsPort: UInt16(
                try InstanceEnvironment.port("QUARTERMASTER_METRICS_PORT", default: metricsPort, flag: "--metrics-port")
            ),
            pollInterval: .seconds(pollInterval), smartShutdownTimeout: smartShutdownTimeout,
            fastShutdownTimeout: fastShutdownTimeout, operatingSystemUser: InstanceEnvironment.operatingSystemUser)
        options.peerPorts = try parsedPeerPorts()
        let source = try InstanceEnvironment.source(
            specFile: specFile, serviceAccountDirectory: serviceAccountDir, cluster: cluster,
            namespace: namespace ?? env["POD_NAMESPACE"])
        ManagerSignals.install()
        let lease = InstanceEnvironment.lease(
            source: source, specFile: specFile, leaseFile: leaseFile, cluster: cluster)
        let status = await InstanceManager(options: options, source: source, lease: lease, logger: logger).run()
        throw ExitCode(status)
    }
}
