import Foundation
import KubeRuntime
import Logging
import Prometheus

/// What every Quartermaster controller is configured with.
public struct ControllerSettings: Sendable {
    /// Namespaces to watch for namespaced kinds; empty (the default) means all namespaces.
    /// Cluster-scoped kinds (Tenant) are reconciled only when watching all namespaces.
    public var namespaces: [String]
    /// Reconciles at once per controller. Default ``defaultMaxConcurrentReconciles`` (4), so one
    /// slow object (a large cluster, a slow API call) does not hold up every other tenant's; a
    /// key is never reconciled by two workers at once.
    public var maxConcurrentReconciles: Int

    /// The default of ``maxConcurrentReconciles`` and of `--max-concurrent-reconciles`: 4.
    public static let defaultMaxConcurrentReconciles = 4
    /// Where controller and work-queue metrics are registered.
    public var registry: PrometheusCollectorRegistry
    /// Records Kubernetes Events about reconciled objects.
    public var events: EventRecorder
    public var logger: Logger
    /// DNS suffix of the cluster, for endpoints and peer addresses. Default `cluster.local`.
    public var clusterDomain: String
    /// The operator's own namespace: never a tenant's. Default: the pod's namespace in a
    /// cluster, else `nil`.
    public var operatorNamespace: String?
    /// The image of the operator itself, run by PostgresInstance pods as their `bootstrap` init
    /// container (it installs the instance manager), by IPFSCluster pods as their
    /// `metrics-proxy` container and by the build Jobs' `install` init container. Default
    /// ``defaultPostgresOperatorImage``; `quartermaster run --operator-image`.
    public var postgresOperatorImage: String
    /// Namespaces (where Prometheus runs) whose pods the workloads' NetworkPolicies admit to
    /// their metrics ports. Default none (the workload's own namespace only);
    /// `quartermaster run --monitoring-namespace`.
    public var monitoringNamespaces: [String] = []
    /// How the PostgresInstance reconciler asks instance managers for their reports. Default
    /// ``HTTPInstanceStatusClient`` (HTTP GET `http://<podIP>:8000/status`); tests inject their own.
    public var instanceStatusClient: any InstanceStatusClient
    /// The monotonic clock of the PostgresInstance reconciler's failover timing
    /// (`spec.failoverDelay`). Default ``ContinuousRuntimeClock``; tests inject a manual clock.
    public var postgresClock: any RuntimeClock = ContinuousRuntimeClock()
    /// The object storage offered to tenants (`quartermaster run --backup-destination ...`);
    /// `nil` (the default): none, so only explicit `spec.backup.objectStore`s archive.
    public var backupObjectStore: BackupObjectStoreSettings?
    /// Registry hosts (`host:port` as written in images) whose tags the AppDeployment controller
    /// resolves over plain HTTP instead of HTTPS (`quartermaster run --insecure-registry`, for
    /// tests and local registries). Default none.
    public var insecureRegistries: [String] = []
    /// How the AppDeployment controller resolves image tags to digests; `nil` (the default): an
    /// ``AppDeploymentImageResolver`` over HTTPS, plain HTTP for ``insecureRegistries``. Tests
    /// inject a table.
    public var imageDigestResolver: (any ImageDigestResolving)?
    /// Whether a Deployment's `spec.source.git.url` may be a `file://` URL, which
    /// only makes sense where the build Jobs can see the operator's files: tests
    /// (`quartermaster run --allow-file-sources`). Default `false`: validation and the webhook
    /// refuse it.
    public var allowFileSources = false
    /// The image of the source Jobs' (analyse, poll, checkout) main container: it must have
    /// `git`. Default ``defaultGitImage``; `quartermaster run --git-image`.
    public var gitImage = defaultGitImage
    /// The kaniko executor image of `builder: Kaniko` builds. Default ``defaultKanikoImage``;
    /// `quartermaster run --kaniko-image`.
    public var kanikoImage = defaultKanikoImage
    /// The BuildKit (rootless) image of `builder: BuildKit` builds. Default
    /// ``defaultBuildkitImage``; `quartermaster run --buildkit-image`.
    public var buildkitImage = defaultBuildkitImage
    /// The wall clock the PostgreSQL controllers read (backup schedules, status times). Default
    /// the system clock; tests inject their own.
    public var now: @Sendable () -> Date = { Date() }

    /// `docker.io/alpine/git:v2.47.2`.
    public static let defaultGitImage = "docker.io/alpine/git:v2.47.2"
    /// `gcr.io/kaniko-project/executor:v1.23.2`.
    public static let defaultKanikoImage = "gcr.io/kaniko-project/executor:v1.23.2"
    /// `moby/buildkit:v0.16.0-rootless`.
    public static let defaultBuildkitImage = "moby/buildkit:v0.16.0-rootless"
    /// `ghcr.io/quartermaster-dev/quartermaster:<version>`.
    public static let defaultPostgresOperatorImage = "ghcr.io/quartermaster-dev/quartermaster:\(QuartermasterVersion.current)"

    public init(
        namespaces: [String] = [], maxConcurrentReconciles: Int = defaultMaxConcurrentReconciles, registry: PrometheusCollectorRegistry,
        events: EventRecorder, logger: Logger, clusterDomain: String = "cluster.local",
        operatorNamespace: String? = ManagerOptions.inClusterNamespace(),
        postgresOperatorImage: String = defaultPostgresOperatorImage,
        instanceStatusClient: any InstanceStatusClient = HTTPInstanceStatusClient(),
        backupObjectStore: BackupObjectStoreSettings? = nil
    ) {
        self.backupObjectStore = backupObjectStore
        self.operatorNamespace = operatorNamespace
        self.postgresOperatorImage = postgresOperatorImage
        self.instanceStatusClient = instanceStatusClient
        self.namespaces = namespaces
        self.maxConcurrentReconciles = maxConcurrentReconciles
        self.registry = registry
        self.events = events
        self.logger = logger
        self.clusterDomain = clusterDomain
    }

    /// How workloads' metrics are served: ``postgresOperatorImage`` for the metrics proxy, and
    /// ``monitoringNamespaces``.
    public var workloadMonitoring: WorkloadMonitoring {
        WorkloadMonitoring(proxyImage: postgresOperatorImage, namespaces: monitoringNamespaces)
    }

    /// Where host claims (``HostClaim``) are kept: ``operatorNamespace``, else `default` (the
    /// namespace `ManagerOptions` elects the leader in when not in a cluster).
    public var hostClaimNamespace: String { operatorNamespace ?? "default" }

    /// ``imageDigestResolver``, else an ``AppDeploymentImageResolver`` for ``insecureRegistries``.
    public var effectiveImageDigestResolver: any ImageDigestResolving {
        imageDigestResolver ?? AppDeploymentImageResolver(insecureRegistries: insecureRegistries)
    }

    /// `true` when every namespace is watched.
    public var watchesAllNamespaces: Bool { namespaces.isEmpty }

    /// Reflector options for namespaced kinds, scoped to `namespaces`, with an optional label
    /// selector.
    public func reflectorOptions(labelSelector: String? = nil, fieldSelector: String? = nil) -> ReflectorOptions {
        var options = ReflectorOptions()
        options.labelSelector = labelSelector
        options.fieldSelector = fieldSelector
        if !namespaces.isEmpty { options.namespaces = Set(namespaces) }
        return options
    }
}
