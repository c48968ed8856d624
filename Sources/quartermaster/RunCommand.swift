import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging
import Prometheus
import QuartermasterControllers

/// `quartermaster run`: runs the controllers against the cluster of the current kubeconfig
/// (or the in-cluster configuration).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the operator.")

    /// Who the operator is to the API server: user agent, field manager, labels, lease.
    static let identity = OperatorIdentity.quartermaster

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    @Option(name: .customLong("namespace"), help: "Watch only this namespace; repeat for several (default: all).")
    var namespaces: [String] = []

    @Option(help: "Address of the /metrics endpoint; \"0\" disables it.")
    var metricsBindAddress: String = ":8080"

    @Option(help: "Address of the /healthz and /readyz endpoints; \"0\" disables them.")
    var healthProbeBindAddress: String = ":8081"

    @Flag(help: "Elect a leader on a Lease so that only one replica reconciles.")
    var leaderElect = false

    @Option(help: "Namespace of the leader election Lease (default: the pod's namespace, else default).")
    var leaderElectionNamespace: String?

    @Option(help: "Name of the leader election Lease.")
    var leaderElectionId: String = RunCommand.identity.leaderElectionID

    @Option(help: "Leader election lease duration in seconds.")
    var leaseDuration: Int = 15

    @Option(help: "Leader election renew deadline in seconds.")
    var renewDeadline: Int = 10

    @Option(help: "Leader election retry period in seconds.")
    var retryPeriod: Int = 2

    @Option(help: "Reconciles run at once per controller (a key is never reconciled twice at once).")
    var maxConcurrentReconciles: Int = ControllerSettings.defaultMaxConcurrentReconciles

    @Option(help: "Seconds one API request may take in all (a reconcile's writes and reads; not watches).")
    var requestTimeout: Int = 30

    @Option(help: "Seconds to establish the connection and TLS session to the API server.")
    var connectTimeout: Int = 10

    @Flag(help: "Serve the validating admission webhook (every replica; certificates made and rotated by the operator).")
    var enableWebhook = false

    @Option(help: "Port of the admission webhook (HTTPS, every interface).")
    var webhookPort: Int = Int(QuartermasterAdmission.port)

    @Option(help: "Secret in the operator's namespace holding the webhook's CA and serving certificate.")
    var webhookCertSecret: String = QuartermasterAdmission.secretName

    @Option(help: "Service the webhook is reached through; its DNS names are in the serving certificate.")
    var webhookService: String = QuartermasterAdmission.serviceName

    @Option(help: "Another IP address or DNS name for the serving certificate (repeatable).")
    var webhookCertHost: [String] = []

    @Option(help: "ValidatingWebhookConfiguration whose own entries get the caBundle.")
    var webhookConfiguration: String = QuartermasterAdmission.configurationName

    @Option(help: "Image of the operator, run by PostgresInstance pods to install the instance manager, by IPFSCluster pods as their metrics proxy, and by build Jobs.")
    var operatorImage: String = ControllerSettings.defaultPostgresOperatorImage

    @Option(
        name: .customLong("monitoring-namespace"),
        help: "A namespace where Prometheus runs: workloads' NetworkPolicies admit its pods to their metrics ports (repeatable).")
    var monitoringNamespaces: [String] = []

    @Option(help: "Object storage offered to tenants for PostgreSQL backups: s3://bucket/prefix (each tenant gets <prefix>/<tenant>).")
    var backupDestination: String?

    @Option(help: "Endpoint of the S3-compatible server of --backup-destination.")
    var backupEndpointUrl: String?

    @Option(help: "Region of the --backup-destination bucket.")
    var backupRegion: String?

    @Option(help: "Secret in the operator's namespace with the CA bundle (key ca.crt) of --backup-endpoint-url.")
    var backupCaSecret: String?

    @Option(help: "Server-side encryption of backups in --backup-destination: AES256, aws:kms or none.")
    var backupEncryption: String = PostgresObjectStore.Encryption.aes256.rawValue

    @Option(help: "A registry (host:port as in images) whose tags are resolved over plain HTTP, not HTTPS (repeatable; tests and local registries).")
    var insecureRegistry: [String] = []

    @Flag(help: "Accept file:// URLs as a Deployment's spec.source.git.url. For tests only: build Jobs then read the nodes' files.")
    var allowFileSources = false

    @Option(help: "Image of the source Jobs (analyse, poll, checkout) of Deployments built from a repository; it must have git.")
    var gitImage: String = ControllerSettings.defaultGitImage

    @Option(help: "kaniko executor image of Deployments built with builder Kaniko.")
    var kanikoImage: String = ControllerSettings.defaultKanikoImage

    @Option(help: "BuildKit (rootless) image of Deployments built with builder BuildKit.")
    var buildkitImage: String = ControllerSettings.defaultBuildkitImage

    /// The tenants' object storage from the `--backup-*` flags; `nil` without `--backup-destination`.
    var backupObjectStore: BackupObjectStoreSettings? {
        guard let destination = backupDestination, !destination.isEmpty else { return nil }
        return BackupObjectStoreSettings(
            destination: destination, endpointURL: backupEndpointUrl.flatMap { $0.isEmpty ? nil : $0 },
            region: backupRegion.flatMap { $0.isEmpty ? nil : $0 }, caSecret: backupCaSecret.flatMap { $0.isEmpty ? nil : $0 },
            encryption: PostgresObjectStore.Encryption(rawValue: backupEncryption) ?? .aes256)
    }

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Log format: text or json.")
    var logFormat: String = "text"

    func validate() throws {
        guard LoggingSetup.level(logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        guard maxConcurrentReconciles >= 1 else { throw ValidationError("--max-concurrent-reconciles must be at least 1") }
        guard requestTimeout >= 1, connectTimeout >= 1 else {
            throw ValidationError("--request-timeout and --connect-timeout must be at least 1 second")
        }
        guard leaseDuration > renewDeadline, renewDeadline > retryPeriod, retryPeriod > 0 else {
            throw ValidationError("need --lease-duration > --renew-deadline > --retry-period > 0")
        }
        guard (1...65535).contains(webhookPort) else { throw ValidationError("--webhook-port must be 1 to 65535") }
        guard PostgresObjectStore.Encryption(rawValue: backupEncryption) != nil else {
            throw ValidationError("--backup-encryption must be AES256, aws:kms or none")
        }
        if let destination = backupDestination, !destination.isEmpty,
            destination.range(of: PostgresObjectStore.destinationPattern, options: .regularExpression) == nil
        {
            throw ValidationError("--backup-destination must be an s3://, azure:// or gs:// URL")
        }
        guard !webhookCertSecret.isEmpty, !webhookService.isEmpty, !webhookConfiguration.isEmpty else {
            throw ValidationError("--webhook-cert-secret, --webhook-service and --webhook-configuration must not be empty")
        }
        for namespace in monitoringNamespaces
        where namespace.wholeMatch(of: /[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/) == nil {
            throw ValidationError("--monitoring-namespace takes a namespace name, not '\(namespace)'")
        }
        for registry in insecureRegistry
        where registry.isEmpty || registry.contains(where: { $0 == "/" || $0.isWhitespace || $0 == "@" }) {
            throw ValidationError("--insecure-registry takes a host or host:port, not '\(registry)'")
        }
        for (flag, image) in [("--git-image", gitImage), ("--kaniko-image", kanikoImage), ("--buildkit-image", buildkitImage)]
        where image.isEmpty || image.contains(where: \.isWhitespace) {
            throw ValidationError("\(flag) takes an image reference, not '\(image)'")
        }
        _ = try parseAddress(metricsBindAddress, flag: "--metrics-bind-address")
        _ = try parseAddress(healthProbeBindAddress, flag: "--health-probe-bind-address")
    }

    func run() async throws {
        LoggingSetup.bootstrap(format: LogFormat(rawValue: logFormat) ?? .text, level: LoggingSetup.level(logLevel) ?? .info)
        let logger = Logger(label: "quartermaster")

        let configuration: ClientConfiguration
        do {
            configuration = try KubeconfigLoader.load(path: kubeconfig, context: context)
        } catch {
            // The loader's errors name the file, the context and the field.
            FileHandleOutput.standardError("quartermaster: \(error)")
            throw ExitCode(2)
        }

        let registry = PrometheusCollectorRegistry()
        let restMetrics = RestClientMetrics(registry: registry)
        // Every request is bounded, so one object's reconcile never holds a worker for long.
        let transportOptions = TransportOptions(
            requestTimeout: .seconds(requestTimeout), connectTimeout: .seconds(connectTimeout))
        let client = try KubeClient(
            configuration: configuration, identity: Self.identity, options: transportOptions,
            observer: restMetrics.observer)
        // Watches may still be open when the manager returns: end them before the exit handlers
        // tear libcurl and OpenSSL down.
        defer { client.shutdown() }

        var options = ManagerOptions(
            operatorIdentity: Self.identity,
            metricsBindAddress: try parseAddress(metricsBindAddress, flag: "--metrics-bind-address"),
            healthProbeBindAddress: try parseAddress(healthProbeBindAddress, flag: "--health-probe-bind-address"),
            leaderElection: leaderElect,
            leaderElectionID: leaderElectionId,
            leaseDuration: .seconds(leaseDuration), renewDeadline: .seconds(renewDeadline),
            retryPeriod: .seconds(retryPeriod))
        if let leaderElectionNamespace { options.leaderElectionNamespace = leaderElectionNamespace }

        let manager = Manager(client: client, options: options, registry: registry, logger: logger)
        var settings = ControllerSettings(
            namespaces: namespaces, maxConcurrentReconciles: maxConcurrentReconciles, registry: registry,
            events: manager.makeEventRecorder(component: Self.identity.name), logger: logger,
            operatorNamespace: options.leaderElectionNamespace, postgresOperatorImage: operatorImage,
            backupObjectStore: backupObjectStore)
        settings.insecureRegistries = insecureRegistry
        settings.monitoringNamespaces = monitoringNamespaces
        settings.allowFileSources = allowFileSources
        settings.gitImage = gitImage
        settings.kanikoImage = kanikoImage
        settings.buildkitImage = buildkitImage
        for controller in QuartermasterControllerSet.make(cache: manager.cache, settings: settings) {
            manager.add(controller)
        }
        for source in QuartermasterControllerSet.stateMetrics(cache: manager.cache, settings: settings) {
            manager.addStateMetrics(source)
        }
        if enableWebhook {
            let webhook = WebhookSettings(
                address: .listen(host: nil, port: UInt16(webhookPort)), secretName: webhookCertSecret,
                serviceName: webhookService, extraHosts: webhookCertHost, configurationName: webhookConfiguration)
            manager.add(webhook.makeWebhook(client: client, cache: manager.cache, settings: settings))
        }
        logger.info(
            "starting",
            metadata: [
                "version": "\(Self.identity.version)", "server": "\(configuration.server)",
                "context": "\(configuration.contextName ?? "in-cluster")",
                "namespaces": "\(namespaces.isEmpty ? "all" : namespaces.joined(separator: ","))",
            ])
        do {
            try await manager.run()
        } catch let error as LeaderElectionLost {
            // The manager has already given the workers the graceful shutdown timeout to stop
            // (stopped or not); exit non-zero so the pod restarts, as a standby.
            logger.error("leader election lost; exiting", metadata: ["reason": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("stopped")
    }

    private func parseAddress(_ value: String, flag: String) throws -> BindAddress {
        do { return try BindAddress(parsing: value) } catch {
            throw ValidationError("\(flag): \(error)")
        }
    }
}

/// Writes a line to standard error.
enum FileHandleOutput {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
