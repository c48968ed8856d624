import KubeCore

/// `spec` of a `PostgresInstance`: a PostgreSQL primary with `instances - 1` streaming
/// replicas (one Pod and PersistentVolumeClaim per instance), an optional PgBouncer pooler,
/// and the application's database, owner and credentials.
///
/// Decoding fills every omitted field with its documented default, the same defaults the CRD
/// schema applies on the server (``schema``), so the reconciler never sees a missing value.
/// Enum values this operator does not know decode (see ``unrecognizedValues``) instead of
/// making the object undecodable. What the operator refuses in `parameters`, `pgHBA`,
/// `database` and `owner` is ``PostgresParameters/violations(of:)``.
public struct PostgresInstanceSpec: Codable, Sendable, Equatable {
    /// PostgreSQL major version: one of ``PostgresImage/supportedMajorVersions``, default
    /// ``PostgresImage/defaultMajorVersion``. A value outside them decodes as written and is
    /// listed in ``unrecognizedValues``. Changing it on an existing instance is refused
    /// (`Stalled`, reason `MajorVersionChange`): `status.postgresVersion` is the running major.
    public var postgresVersion: Int
    /// The PostgreSQL image; `nil` (the default) means ``PostgresImage/defaultImage(major:)``
    /// of ``postgresVersion``: see ``effectiveImage``. Another image must keep the official
    /// image's layout (``PostgresImage``).
    public var image: String?
    /// Number of instances: 1 = a primary only; more = the primary and streaming replicas.
    /// 1...``maxInstances``, default 1.
    public var instances: Int
    /// Data volume of each instance. Default size ``defaultStorageSize``, the default class.
    public var storage: Volume
    /// A separate WAL volume for each instance; `nil` (the default) keeps WAL in the data volume.
    public var walStorage: Volume?
    /// Resources of the `postgres` container. Default ``defaultResources``; when given, used as
    /// written (Kubernetes' own rules: omitted requests default to the limits).
    public var resources: ResourceRequirements
    /// The application database, owned by ``owner``. A PostgreSQL identifier
    /// (``PostgresParameters/identifierPattern``), not reserved. Default `app`.
    public var database: String
    /// The application role owning ``database``, with a generated password (Secret
    /// `<name>-app`). A PostgreSQL identifier, not reserved. Default `app`.
    public var owner: String
    /// postgresql.conf settings, name → value. Names in ``PostgresParameters/operatorControlled``
    /// are refused. Default empty.
    public var parameters: [String: String]
    /// Extra pg_hba.conf lines, after the operator's own and before its final reject; `trust`
    /// is refused. Default empty.
    public var pgHBA: [String]
    public var pooler: Pooler
    public var exposure: Exposure
    /// Namespaces whose pods may connect, besides this namespace. Default empty.
    public var allowedNamespaces: [String]
    /// Namespaces that also receive the application Secret, each only if it opts in
    /// (annotation `quartermaster.dev/accept-secrets-from`). Default empty.
    public var secretNamespaces: [String]
    /// Delete every instance's pod (and the pooler's) while `true`, keeping volumes and
    /// Secrets; `false` again resumes the same instances. Default false.
    public var suspended: Bool
    /// What happens to the instances' PersistentVolumeClaims when the PostgresInstance is
    /// deleted. Default `Retain`.
    public var pvcRetention: PVCRetention
    public var nodeSelector: [String: String]?
    public var tolerations: [JSONValue]?
    public var affinity: JSONValue?
    public var metrics: Metrics
    // Failover (issue 12).
    /// Seconds the primary may be unhealthy before the operator fails over; also the primary
    /// lease's duration. 2...``maxFailoverDelay``, default ``defaultFailoverDelay`` (5).
    public var failoverDelay: Int = defaultFailoverDelay
    /// Synchronous replication; `nil` (the default): asynchronous.
    public var synchronous: PostgresSynchronous? = nil
    // Backups and recovery (issue 12, branch bkop).
    /// WAL archiving and base backups; `nil` (the default): none. See ``PostgresBackupConfiguration``.
    public var backup: PostgresBackupConfiguration?
    /// How a new instance gets its data; `nil` (the default): `initdb`. See ``PostgresBootstrap``.
    public var bootstrap: PostgresBootstrap?
    /// Enum values of this object (not of nested ones) that this operator does not know, as
    /// messages; filled while decoding, never encoded. See ``unrecognizedValues``.
    public var unknownValues: [String] = []

    /// Every enum value in the spec this operator does not know: such a spec is `Stalled`, and
    /// nothing is built from it.
    public var unrecognizedValues: [String] {
        unknownValues + pooler.unknownValues + exposure.unknownValues + (backup?.unknownValues ?? [])
    }

    /// The image the instances run: ``image``, else the default image of ``postgresVersion``.
    public var effectiveImage: String { image ?? PostgresImage.defaultImage(major: postgresVersion) }

    /// The most instances one PostgresInstance may have: 9 (schema `maximum`, checked again
    /// for objects stored under an older schema).
    public static let maxInstances = 9
    public static let defaultInstances = 1
    /// Default ``failoverDelay``: 5 seconds.
    public static let defaultFailoverDelay = 5
    /// Bounds of ``failoverDelay``: 2...300 seconds.
    public static let failoverDelayBounds = 2...300
    /// Default size of the data volume: `10Gi`.
    public static let defaultStorageSize = "10Gi"
    /// Default database and owner name: `app`.
    public static let defaultDatabase = "app"
    public static let defaultOwner = "app"
    /// Resources of the `postgres` container when `resources` is omitted: requests cpu `500m`,
    /// memory `1Gi`; limits cpu `1`, memory `1Gi`.
    public static let defaultResources = ResourceRequirements(
        requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"])

    /// Same shape and decoding as IPFSCluster's (`requests` and `limits` by resource name,
    /// quantities kept as strings, an integer such as `cpu: 1` included).
    public typealias ResourceRequirements = IPFSClusterSpec.ResourceRequirements
    /// A PersistentVolumeClaim's `size`, optional `storageClassName` and `maxSize`.
    public typealias Volume = PostgresVolume
    /// `Retain` or `Delete`, as IPFSCluster's.
    public typealias PVCRetention = IPFSClusterSpec.PVCRetention

    public init(
        postgresVersion: Int = PostgresImage.defaultMajorVersion, image: String? = nil,
        instances: Int = defaultInstances, storage: Volume = Volume(size: defaultStorageSize),
        walStorage: Volume? = nil, resources: ResourceRequirements = defaultResources,
        database: String = defaultDatabase, owner: String = defaultOwner, parameters: [String: String] = [:],
        pgHBA: [String] = [], pooler: Pooler = Pooler(), exposure: Exposure = Exposure(),
        allowedNamespaces: [String] = [], secretNamespaces: [String] = [], suspended: Bool = false,
        pvcRetention: PVCRetention = .retain, nodeSelector: [String: String]? = nil, tolerations: [JSONValue]? = nil,
        affinity: JSONValue? = nil, metrics: Metrics = Metrics(),
        backup: PostgresBackupConfiguration? = nil, bootstrap: PostgresBootstrap? = nil
    ) {
        self.postgresVersion = postgresVersion
        self.image = image
        self.instances = instances
        self.storage = storage
        self.walStorage = walStorage
        self.resources = resources
        self.database = database
        self.owner = owner
        self.parameters = parameters
        self.pgHBA = pgHBA
        self.pooler = pooler
        self.exposure = exposure
        self.allowedNamespaces = allowedNamespaces
        self.secretNamespaces = secretNamespaces
        self.suspended = suspended
        self.pvcRetention = pvcRetention
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.affinity = affinity
        self.metrics = metrics
        self.backup = backup
        self.bootstrap = bootstrap
    }

    enum CodingKeys: String, CodingKey {
        case postgresVersion, image, instances, storage, walStorage, resources, database, owner, parameters, pgHBA
        case pooler, exposure, allowedNamespaces, secretNamespaces, suspended, pvcRetention, nodeSelector
        case tolerations, affinity, metrics
        case failoverDelay, synchronous
        case backup, bootstrap
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        postgresVersion = try c.decodeIfPresent(Int.self, forKey: .postgresVersion) ?? PostgresImage.defaultMajorVersion
        if !PostgresImage.supportedMajorVersions.contains(postgresVersion) {
            let known = PostgresImage.supportedMajorVersions.map(String.init).joined(separator: ", ")
            unknownValues.append("spec.postgresVersion: unknown value \"\(postgresVersion)\" (known: \(known))")
        }
        image = try c.decodeIfPresent(String.self, forKey: .image)
        instances = try c.decodeIfPresent(Int.self, forKey: .instances) ?? Self.defaultInstances
        storage = try c.decodeIfPresent(Volume.self, forKey: .storage) ?? Volume(size: Self.defaultStorageSize)
        walStorage = try c.decodeIfPresent(Volume.self, forKey: .walStorage)
        resources = try c.decodeIfPresent(ResourceRequirements.self, forKey: .resources) ?? Self.defaultResources
        database = try c.decodeIfPresent(String.self, forKey: .database) ?? Self.defaultDatabase
        owner = try c.decodeIfPresent(String.self, forKey: .owner) ?? Self.defaultOwner
        parameters = try c.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:]
        pgHBA = try c.decodeIfPresent([String].self, forKey: .pgHBA) ?? []
        pooler = try c.decodeIfPresent(Pooler.self, forKey: .pooler) ?? Pooler()
        exposure = try c.decodeIfPresent(Exposure.self, forKey: .exposure) ?? Exposure()
        allowedNamespaces = try c.decodeIfPresent([String].self, forKey: .allowedNamespaces) ?? []
        secretNamespaces = try c.decodeIfPresent([String].self, forKey: .secretNamespaces) ?? []
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
        pvcRetention = try c.decodeOpenEnum(
            PVCRetention.self, forKey: .pvcRetention, default: .retain, unknown: &unknownValues)
        nodeSelector = try c.decodeIfPresent([String: String].self, forKey: .nodeSelector)
        tolerations = try c.decodeIfPresent([JSONValue].self, forKey: .tolerations)
        affinity = try c.decodeIfPresent(JSONValue.self, forKey: .affinity)
        metrics = try c.decodeIfPresent(Metrics.self, forKey: .metrics) ?? Metrics()
        failoverDelay = try c.decodeIfPresent(Int.self, forKey: .failoverDelay) ?? Self.defaultFailoverDelay
        synchronous = try c.decodeIfPresent(PostgresSynchronous.self, forKey: .synchronous)
        backup = try c.decodeIfPresent(PostgresBackupConfiguration.self, forKey: .backup)
        bootstrap = try c.decodeIfPresent(PostgresBootstrap.self, forKey: .bootstrap)
    }

    /// The PgBouncer pooler: a Deployment and the Service `<name>-pooler` in front of the primary.
    public struct Pooler: Codable, Sendable, Equatable {
        /// PgBouncer pool modes.
        public enum PoolMode: String, Codable, Sendable, CaseIterable {
            case transaction, session, statement
        }
        /// Run the pooler. Default false.
        public var enabled: Bool
        /// Pooler pods, 1...``PostgresInstanceSpec/maxInstances``. Default 2.
        public var instances: Int
        /// Default `transaction`.
        public var poolMode: PoolMode
        /// PgBouncer `max_client_conn`, 1...``maxClientConnectionsLimit``. Default 1000.
        public var maxClientConnections: Int
        /// PgBouncer `default_pool_size`, 1...``defaultPoolSizeLimit``. Default 20.
        public var defaultPoolSize: Int
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []

        public static let defaultInstances = 2
        public static let defaultMaxClientConnections = 1000
        public static let defaultDefaultPoolSize = 20
        /// Schema maximum of `maxClientConnections`: 100000.
        public static let maxClientConnectionsLimit = 100_000
        /// Schema maximum of `defaultPoolSize`: 10000.
        public static let defaultPoolSizeLimit = 10_000

        public init(
            enabled: Bool = false, instances: Int = defaultInstances, poolMode: PoolMode = .transaction,
            maxClientConnections: Int = defaultMaxClientConnections, defaultPoolSize: Int = defaultDefaultPoolSize
        ) {
            self.enabled = enabled
            self.instances = instances
            self.poolMode = poolMode
            self.maxClientConnections = maxClientConnections
            self.defaultPoolSize = defaultPoolSize
        }
        enum CodingKeys: String, CodingKey { case enabled, instances, poolMode, maxClientConnections, defaultPoolSize }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
            instances = try c.decodeIfPresent(Int.self, forKey: .instances) ?? Self.defaultInstances
            poolMode = try c.decodeOpenEnum(PoolMode.self, forKey: .poolMode, default: .transaction, unknown: &unknownValues)
            maxClientConnections =
                try c.decodeIfPresent(Int.self, forKey: .maxClientConnections) ?? Self.defaultMaxClientConnections
            defaultPoolSize = try c.decodeIfPresent(Int.self, forKey: .defaultPoolSize) ?? Self.defaultDefaultPoolSize
        }
    }

    /// How the read-write Service `<name>-rw` is exposed (the others are always ClusterIP).
    public struct Exposure: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case clusterIP = "ClusterIP"
            case loadBalancer = "LoadBalancer"
        }
        /// Default `ClusterIP`.
        public var type: Kind
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []
        public init(type: Kind = .clusterIP) { self.type = type }
        enum CodingKeys: String, CodingKey { case type }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeOpenEnum(Kind.self, forKey: .type, default: .clusterIP, unknown: &unknownValues)
        }
    }

    /// Prometheus metrics of each instance (port 9187).
    public typealias Metrics = MetricsSetting
}
