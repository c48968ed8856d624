import KubeCore

/// `spec` of a `Deployment` (`deployments.quartermaster.dev`, Swift ``AppDeployment``): one
/// container image run as an apps/v1 Deployment, with its Service, optional Ingress,
/// HorizontalPodAutoscaler, NetworkPolicy, PodDisruptionBudget, volume, database and IPFS
/// binding (`/work/notes/deployment.md`, issue 13).
///
/// Decoding fills every omitted field with its documented default, the same defaults the CRD
/// schema applies on the server (``schema``), so the reconciler never sees a missing value.
/// Enum values this operator does not know decode to the default and are listed in
/// ``unrecognizedValues`` (the object is then `Stalled` `InvalidSpec`, refused at admission),
/// instead of making the object undecodable. Rules the schema cannot say are
/// ``AppDeploymentValidation``'s.
public struct AppDeploymentSpec: Codable, Sendable, Equatable {
    /// The image to run: a tag (`ghcr.io/acme/web:1.4`) or a digest (`repo@sha256:<64 hex>`).
    /// `""` (the default, also what an omitted field decodes as, and never encoded) means none:
    /// exactly one of `image` and ``source`` is set (``AppDeploymentValidation``; the schema
    /// cannot say it). A tag is resolved to a digest once per distinct text (`status.image`);
    /// the pods always run the digest. At most ``QuartermasterSchemaNodes/imageLength`` (512).
    public var image: String
    /// A git repository analysed and built into the image the Deployment runs (issue 14);
    /// `nil` (the default): ``image`` is run. Exactly one of the two is set.
    public var source: Source?
    /// How ``source`` is built; only with ``source``. `nil` (the default) builds with every
    /// default of ``Build`` (see ``effectiveBuild``).
    public var build: Build?
    /// Names of docker-registry Secrets in the namespace, used to pull the image and to resolve
    /// its tag. Default empty.
    public var imagePullSecrets: [String]
    /// The container port: probes, Service and NetworkPolicy use it. 1...65535, default
    /// ``defaultPort`` (8080).
    public var port: Int
    /// The container's `command` (entrypoint); `nil` (the default) keeps the image's.
    public var command: [String]?
    /// The container's `args`; `nil` (the default) keeps the image's.
    public var args: [String]?
    /// Environment variables (`core/v1 EnvVar`: `value` or `valueFrom`). Names in
    /// ``AppDeploymentValidation/reservedEnvNames(for:)`` are refused. Default empty.
    public var env: [EnvVar]
    /// ConfigMaps and Secrets whose keys become environment variables (`core/v1 EnvFromSource`).
    /// Default empty.
    public var envFrom: [EnvFromSource]
    /// Container resources. Default ``defaultResources``; when given, used as written
    /// (Kubernetes' own rules: omitted requests default to the limits).
    public var resources: ResourceRequirements
    /// Pods wanted: 0...``maxReplicas``, default 1. With ``autoscaling`` the HPA decides after
    /// creation. A ReadWriteOnce ``volume`` allows at most 1.
    public var replicas: Int
    /// A HorizontalPodAutoscaler on CPU; `nil` (the default): none.
    public var autoscaling: Autoscaling?
    /// An HTTP GET probe path on ``port``; `nil` (the default): TCP probes on the port.
    public var healthCheck: HealthCheck?
    /// How the application is reached. Default a ClusterIP Service, no Ingress.
    public var expose: Expose
    /// A database built from a Resource template (child `Resource` `<name>-db`), whose URI
    /// reaches the app as `DATABASE_URL`; `nil` (the default): none.
    public var database: Database?
    /// A PersistentVolumeClaim `<name>-data` mounted in the pod; `nil` (the default): none.
    public var volume: Volume?
    /// A binding to an IPFSCluster in the namespace (`IPFS_API`, `IPFS_API_URL`); `nil` (the
    /// default): none.
    public var ipfs: IPFSBinding?
    /// Scale to zero while `true`, keeping every child; the phase stays, `Ready` is `False`
    /// reason `Suspended`. Default false.
    public var suspended: Bool
    /// History entries kept in `status.history`: 1...``maxRevisionHistoryLimit``, default
    /// ``defaultRevisionHistoryLimit`` (10).
    public var revisionHistoryLimit: Int
    /// Seconds a rollout may take before the apps/v1 Deployment reports
    /// `ProgressDeadlineExceeded` (and this operator rolls back): ``progressDeadlineBounds``,
    /// default ``defaultProgressDeadlineSeconds`` (600).
    public var progressDeadlineSeconds: Int
    /// Manual rollback: serve this kept revision's digest until the field is removed; `nil`
    /// (the default): serve the spec's image.
    public var rollbackTo: RollbackTarget?
    /// Enum values of this object (not of nested ones) that this operator does not know, as
    /// messages; filled while decoding, never encoded. See ``unrecognizedValues``.
    public var unknownValues: [String] = []

    /// Every enum value in the spec this operator does not know: such a spec is `Stalled`
    /// (`InvalidSpec`), and nothing is built from it.
    public var unrecognizedValues: [String] {
        unknownValues + expose.unknownValues + (volume?.unknownValues ?? []) + (build?.unknownValues ?? [])
    }

    /// ``build``, or every default of ``Build`` when it is omitted: what a source is built with.
    public var effectiveBuild: Build { build ?? Build() }

    /// Default ``port``: 8080.
    public static let defaultPort = 8080
    /// Default ``replicas``: 1.
    public static let defaultReplicas = 1
    /// Largest ``replicas`` and autoscaling bound: 100.
    public static let maxReplicas = 100
    /// Default ``revisionHistoryLimit``: 10.
    public static let defaultRevisionHistoryLimit = 10
    /// Largest ``revisionHistoryLimit``: 100.
    public static let maxRevisionHistoryLimit = 100
    /// Default ``progressDeadlineSeconds``: 600.
    public static let defaultProgressDeadlineSeconds = 600
    /// Bounds of ``progressDeadlineSeconds``: 10...3600.
    public static let progressDeadlineBounds = 10...3600
    /// Most entries of ``env``: 128; of ``envFrom``: 32; of ``command`` and ``args``: 64 each.
    public static let maxEnv = 128
    public static let maxEnvFrom = 32
    public static let maxArguments = 64
    /// Resources when ``resources`` is omitted: requests cpu `100m`, memory `128Mi`; limits
    /// cpu `500m`, memory `256Mi`.
    public static let defaultResources = ResourceRequirements(
        requests: ["cpu": "100m", "memory": "128Mi"], limits: ["cpu": "500m", "memory": "256Mi"])

    /// Same shape and decoding as IPFSCluster's and PostgresInstance's (`requests` and `limits`
    /// by resource name, quantities kept as strings, an integer such as `cpu: 1` included).
    public typealias ResourceRequirements = IPFSClusterSpec.ResourceRequirements

    public init(
        image: String = "", source: Source? = nil, build: Build? = nil, imagePullSecrets: [String] = [], port: Int = defaultPort, command: [String]? = nil,
        args: [String]? = nil, env: [EnvVar] = [], envFrom: [EnvFromSource] = [],
        resources: ResourceRequirements = defaultResources, replicas: Int = defaultReplicas,
        autoscaling: Autoscaling? = nil, healthCheck: HealthCheck? = nil, expose: Expose = Expose(),
        database: Database? = nil, volume: Volume? = nil, ipfs: IPFSBinding? = nil, suspended: Bool = false,
        revisionHistoryLimit: Int = defaultRevisionHistoryLimit,
        progressDeadlineSeconds: Int = defaultProgressDeadlineSeconds, rollbackTo: RollbackTarget? = nil
    ) {
        self.image = image
        self.source = source
        self.build = build
        self.imagePullSecrets = imagePullSecrets
        self.port = port
        self.command = command
        self.args = args
        self.env = env
        self.envFrom = envFrom
        self.resources = resources
        self.replicas = replicas
        self.autoscaling = autoscaling
        self.healthCheck = healthCheck
        self.expose = expose
        self.database = database
        self.volume = volume
        self.ipfs = ipfs
        self.suspended = suspended
        self.revisionHistoryLimit = revisionHistoryLimit
        self.progressDeadlineSeconds = progressDeadlineSeconds
        self.rollbackTo = rollbackTo
    }

    enum CodingKeys: String, CodingKey {
        case image, source, build, imagePullSecrets, port, command, args, env, envFrom, resources, replicas, autoscaling
        case healthCheck, expose, database, volume, ipfs, suspended, revisionHistoryLimit, progressDeadlineSeconds
        case rollbackTo
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
        source = try c.decodeIfPresent(Source.self, forKey: .source)
        build = try c.decodeIfPresent(Build.self, forKey: .build)
        imagePullSecrets = try c.decodeIfPresent([String].self, forKey: .imagePullSecrets) ?? []
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? Self.defaultPort
        command = try c.decodeIfPresent([String].self, forKey: .command)
        args = try c.decodeIfPresent([String].self, forKey: .args)
        env = try c.decodeIfPresent([EnvVar].self, forKey: .env) ?? []
        envFrom = try c.decodeIfPresent([EnvFromSource].self, forKey: .envFrom) ?? []
        resources = try c.decodeIfPresent(ResourceRequirements.self, forKey: .resources) ?? Self.defaultResources
        replicas = try c.decodeIfPresent(Int.self, forKey: .replicas) ?? Self.defaultReplicas
        autoscaling = try c.decodeIfPresent(Autoscaling.self, forKey: .autoscaling)
        healthCheck = try c.decodeIfPresent(HealthCheck.self, forKey: .healthCheck)
        expose = try c.decodeIfPresent(Expose.self, forKey: .expose) ?? Expose()
        database = try c.decodeIfPresent(Database.self, forKey: .database)
        volume = try c.decodeIfPresent(Volume.self, forKey: .volume)
        ipfs = try c.decodeIfPresent(IPFSBinding.self, forKey: .ipfs)
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
        revisionHistoryLimit =
            try c.decodeIfPresent(Int.self, forKey: .revisionHistoryLimit) ?? Self.defaultRevisionHistoryLimit
        progressDeadlineSeconds =
            try c.decodeIfPresent(Int.self, forKey: .progressDeadlineSeconds) ?? Self.defaultProgressDeadlineSeconds
        rollbackTo = try c.decodeIfPresent(RollbackTarget.self, forKey: .rollbackTo)
    }

    /// Every field as decoded, except an empty ``image`` (none: a source deploy), which is
    /// omitted so that the schema's `minLength` never sees it; ``unknownValues`` never.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !image.isEmpty { try c.encode(image, forKey: .image) }
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(build, forKey: .build)
        try c.encode(imagePullSecrets, forKey: .imagePullSecrets)
        try c.encode(port, forKey: .port)
        try c.encodeIfPresent(command, forKey: .command)
        try c.encodeIfPresent(args, forKey: .args)
        try c.encode(env, forKey: .env)
        try c.encode(envFrom, forKey: .envFrom)
        try c.encode(resources, forKey: .resources)
        try c.encode(replicas, forKey: .replicas)
        try c.encodeIfPresent(autoscaling, forKey: .autoscaling)
        try c.encodeIfPresent(healthCheck, forKey: .healthCheck)
        try c.encode(expose, forKey: .expose)
        try c.encodeIfPresent(database, forKey: .database)
        try c.encodeIfPresent(volume, forKey: .volume)
        try c.encodeIfPresent(ipfs, forKey: .ipfs)
        try c.encode(suspended, forKey: .suspended)
        try c.encode(revisionHistoryLimit, forKey: .revisionHistoryLimit)
        try c.encode(progressDeadlineSeconds, forKey: .progressDeadlineSeconds)
        try c.encodeIfPresent(rollbackTo, forKey: .rollbackTo)
    }

    /// `spec.autoscaling`: an autoscaling/v2 HorizontalPodAutoscaler on average CPU use.
    public struct Autoscaling: Codable, Sendable, Equatable {
        /// Fewest pods: 1...``AppDeploymentSpec/maxReplicas``, default 1; at most ``maxReplicas``.
        public var minReplicas: Int
        /// Most pods: 1...``AppDeploymentSpec/maxReplicas``. Required (decodes as
        /// ``minReplicas`` when absent, which validation accepts).
        public var maxReplicas: Int
        /// Target average CPU use in percent of the request: 1...100, default 80.
        public var targetCPUUtilizationPercentage: Int

        public static let defaultMinReplicas = 1
        public static let defaultTargetCPUUtilizationPercentage = 80

        public init(
            minReplicas: Int = defaultMinReplicas, maxReplicas: Int,
            targetCPUUtilizationPercentage: Int = defaultTargetCPUUtilizationPercentage
        ) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage
        }
        enum CodingKeys: String, CodingKey { case minReplicas, maxReplicas, targetCPUUtilizationPercentage }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            minReplicas = try c.decodeIfPresent(Int.self, forKey: .minReplicas) ?? Self.defaultMinReplicas
            maxReplicas = try c.decodeIfPresent(Int.self, forKey: .maxReplicas) ?? minReplicas
            targetCPUUtilizationPercentage =
                try c.decodeIfPresent(Int.self, forKey: .targetCPUUtilizationPercentage)
                ?? Self.defaultTargetCPUUtilizationPercentage
        }
    }

    /// `spec.healthCheck`: readiness, liveness and startup probes as HTTP GET on the port.
    public struct HealthCheck: Codable, Sendable, Equatable {
        /// An absolute path (`/healthz`). Required.
        public var path: String
        public init(path: String) { self.path = path }
        enum CodingKeys: String, CodingKey { case path }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decodeIfPresent(String.self, forKey: .path) ?? "/"
        }
    }

    /// `spec.expose`: the Service's type, and an Ingress when ``host`` is set.
    public struct Expose: Codable, Sendable, Equatable {
        /// The Service's type.
        public enum ServiceType: String, Codable, Sendable, CaseIterable {
            case clusterIP = "ClusterIP"
            case nodePort = "NodePort"
            case loadBalancer = "LoadBalancer"
        }
        /// Default `ClusterIP`.
        public var serviceType: ServiceType
        /// Host name of an Ingress `<name>`; `nil` (the default): no Ingress. A lower-case DNS
        /// name without wildcard, unique in the cluster (``HostClaims``).
        public var host: String?
        /// IngressClass of the Ingress; `nil`: the cluster's default class.
        public var ingressClassName: String?
        /// TLS of the Ingress; `nil` (the default): plain HTTP.
        public var tls: TLS?
        /// Path prefix of the Ingress rule. Default `/`.
        public var path: String
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []

        public static let defaultPath = "/"

        public init(
            serviceType: ServiceType = .clusterIP, host: String? = nil, ingressClassName: String? = nil, tls: TLS? = nil,
            path: String = defaultPath
        ) {
            self.serviceType = serviceType
            self.host = host
            self.ingressClassName = ingressClassName
            self.tls = tls
            self.path = path
        }
        enum CodingKeys: String, CodingKey { case serviceType, host, ingressClassName, tls, path }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            serviceType = try c.decodeOpenEnum(
                ServiceType.self, forKey: .serviceType, default: .clusterIP, unknown: &unknownValues)
            host = try c.decodeIfPresent(String.self, forKey: .host)
            ingressClassName = try c.decodeIfPresent(String.self, forKey: .ingressClassName)
            tls = try c.decodeIfPresent(TLS.self, forKey: .tls)
            path = try c.decodeIfPresent(String.self, forKey: .path) ?? Self.defaultPath
        }

        /// `true` when an Ingress is built (``host`` set).
        public var hasIngress: Bool { host != nil }
    }

    /// `spec.expose.tls`: a TLS Secret the user provides, or a cert-manager ClusterIssuer that
    /// fills the Secret `<name>-tls` (annotation `cert-manager.io/cluster-issuer`).
    public struct TLS: Codable, Sendable, Equatable {
        /// The TLS Secret's name; with ``issuer`` and no name, `<name>-tls`.
        public var secretName: String?
        /// A cert-manager ClusterIssuer.
        public var issuer: String?
        public init(secretName: String? = nil, issuer: String? = nil) {
            self.secretName = secretName
            self.issuer = issuer
        }
    }

    /// `spec.database`: a child `Resource` `<name>-db` from a template.
    public struct Database: Codable, Sendable, Equatable {
        /// A Resource template name (`postgres-small`). Required.
        public var template: String
        /// Overrides of the template's parameters, validated by the Resource.
        public var parameters: ResourceParameters?
        public init(template: String, parameters: ResourceParameters? = nil) {
            self.template = template
            self.parameters = parameters
        }
    }

    /// `spec.volume`: a PersistentVolumeClaim `<name>-data`, created once and never deleted on
    /// a spec change.
    public struct Volume: Codable, Sendable, Equatable {
        /// `ReadWriteOnce` (the default; one replica, no autoscaling, `Recreate` rollouts) or
        /// `ReadWriteMany` (`RollingUpdate`).
        public enum AccessMode: String, Codable, Sendable, CaseIterable {
            case readWriteOnce = "ReadWriteOnce"
            case readWriteMany = "ReadWriteMany"
        }
        /// Requested size, a quantity (`1Gi`). Required.
        public var size: String
        /// StorageClass; `nil`: the cluster default.
        public var storageClassName: String?
        /// Where the volume is mounted. Required, an absolute path.
        public var mountPath: String
        /// Default `ReadWriteOnce`.
        public var accessMode: AccessMode
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []

        public init(
            size: String, storageClassName: String? = nil, mountPath: String, accessMode: AccessMode = .readWriteOnce
        ) {
            self.size = size
            self.storageClassName = storageClassName
            self.mountPath = mountPath
            self.accessMode = accessMode
        }
        enum CodingKeys: String, CodingKey { case size, storageClassName, mountPath, accessMode }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            size = try c.decodeIfPresent(String.self, forKey: .size) ?? ""
            storageClassName = try c.decodeIfPresent(String.self, forKey: .storageClassName)
            mountPath = try c.decodeIfPresent(String.self, forKey: .mountPath) ?? ""
            accessMode = try c.decodeOpenEnum(
                AccessMode.self, forKey: .accessMode, default: .readWriteOnce, unknown: &unknownValues)
        }
    }

    /// `spec.ipfs`: the IPFSCluster whose API the app uses.
    public struct IPFSBinding: Codable, Sendable, Equatable {
        /// Name of an IPFSCluster in the namespace. Required.
        public var cluster: String
        public init(cluster: String) { self.cluster = cluster }
    }

    /// `spec.rollbackTo`: a kept revision to serve.
    public struct RollbackTarget: Codable, Sendable, Equatable {
        /// A revision number of `status.history`, ≥ 1.
        public var revision: Int
        public init(revision: Int) { self.revision = revision }
    }
}
