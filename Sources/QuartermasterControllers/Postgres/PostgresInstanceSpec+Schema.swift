import KubeCore

private typealias N = QuartermasterSchemaNodes

extension PostgresInstanceSpec {
    /// The structural schema of `spec`: the single source of truth of the CRD's validation. Its
    /// defaults are the decoder's (``PostgresInstanceSpec/init(from:)``), read from the same
    /// constants; its patterns and bounds are ``PostgresParameters``' and ``PostgresImage``'s.
    public static var schema: JSONSchemaProperty {
        func listed(_ amounts: [String: String]?) -> String {
            (amounts ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        var resources = IPFSClusterSpec.ResourceRequirements.schema.described(
            "Resources of the postgres container; omitted: requests \(listed(defaultResources.requests)), limits \(listed(defaultResources.limits)). Given, they are used as written.")
        resources.defaultValue = [
            "requests": .object((defaultResources.requests ?? [:]).mapValues { .string($0) }),
            "limits": .object((defaultResources.limits ?? [:]).mapValues { .string($0) }),
        ]
        // The supported majors are consecutive, so minimum and maximum state the enum (the
        // schema builder's enums are strings).
        let version = JSONSchemaProperty.integer(
            "PostgreSQL major version: \(PostgresImage.supportedMajorVersions.map(String.init).joined(separator: ", ")). Changing it on an existing instance is refused (Stalled, MajorVersionChange).",
            default: Int64(PostgresImage.defaultMajorVersion),
            minimum: Int64(PostgresImage.supportedMajorVersions.min() ?? PostgresImage.defaultMajorVersion),
            maximum: Int64(PostgresImage.supportedMajorVersions.max() ?? PostgresImage.defaultMajorVersion))
        return .object(
            "Desired state of a PostgreSQL instance: a primary and streaming replicas, one Pod and volume each, an optional PgBouncer pooler, the application's database, owner and credentials.",
            [
                "postgresVersion": version,
                "image": .string(
                    "PostgreSQL image (Debian layout of the official image: uid 999, /usr/lib/postgresql/<major>/bin); omitted uses ghcr.io/quartermaster-dev/postgres:<postgresVersion> (the official image plus barman-cli-cloud).",
                    minLength: 1, maxLength: N.imageLength),
                "instances": .integer(
                    "Number of instances: 1 is a primary only, more adds streaming replicas; at most \(maxInstances).",
                    default: Int64(defaultInstances), minimum: 1, maximum: Int64(maxInstances)),
                "storage": PostgresVolume.schema(description: "Data volume of each instance.", defaultSize: defaultStorageSize),
                "walStorage": walVolumeSchema,
                "resources": resources,
                "database": identifier("The application database, owned by owner.", default: defaultDatabase),
                "owner": identifier(
                    "The application role owning the database; its generated password is in the Secret <name>-app.",
                    default: defaultOwner),
                "parameters": .map(
                    "postgresql.conf settings. Settings the operator controls (listen_addresses, port, wal_level, archive_command, primary_conninfo, ssl, ...) are refused.",
                    values: .string("Setting value, written quoted.", maxLength: PostgresParameters.maxValueLength),
                    maxProperties: PostgresParameters.maxParameters),
                "pgHBA": .array(
                    "Extra pg_hba.conf lines, after the operator's own and before its final reject; the trust method is refused.",
                    of: .string("One pg_hba.conf line.", minLength: 1, maxLength: PostgresParameters.maxHBALineLength),
                    default: [], maxItems: PostgresParameters.maxHBALines),
                "pooler": .object(
                    "PgBouncer connection pooler in front of the primary (Deployment and Service <name>-pooler).",
                    default: [:],
                    [
                        "enabled": .boolean("Run the pooler.", default: false),
                        "instances": .integer(
                            "Pooler pods.", default: Int64(Pooler.defaultInstances), minimum: 1,
                            maximum: Int64(maxInstances)),
                        "poolMode": .string(
                            "When a server connection returns to the pool: transaction, session or statement.",
                            default: Pooler.PoolMode.transaction.rawValue, enum: Pooler.PoolMode.allCases.map(\.rawValue)),
                        "maxClientConnections": .integer(
                            "Most client connections (max_client_conn).",
                            default: Int64(Pooler.defaultMaxClientConnections), minimum: 1,
                            maximum: Int64(Pooler.maxClientConnectionsLimit)),
                        "defaultPoolSize": .integer(
                            "Server connections per database and user (default_pool_size).",
                            default: Int64(Pooler.defaultDefaultPoolSize), minimum: 1,
                            maximum: Int64(Pooler.defaultPoolSizeLimit)),
                    ]),
                "exposure": .object(
                    "How the read-write Service <name>-rw is exposed; the others are ClusterIP.", default: [:],
                    [
                        "type": .string(
                            "ClusterIP (in-cluster only) or LoadBalancer.", default: Exposure.Kind.clusterIP.rawValue,
                            enum: Exposure.Kind.allCases.map(\.rawValue))
                    ]),
                "allowedNamespaces": .array(
                    "Namespaces whose pods may connect, besides this namespace.",
                    of: N.namespaceName("A namespace name."), default: [], listType: "set", maxItems: N.shortListItems),
                "secretNamespaces": .array(
                    "Namespaces that also receive the application Secret; each must opt in with the annotation quartermaster.dev/accept-secrets-from naming this instance.",
                    of: N.namespaceName("A namespace name."), default: [], listType: "set", maxItems: N.shortListItems),
                "suspended": .boolean(
                    "Delete every instance's pod, keeping volumes and Secrets; set back to false to resume the same instances.",
                    default: false),
                "pvcRetention": .string(
                    "Whether the instances' PersistentVolumeClaims are kept (Retain) or deleted (Delete) with the PostgresInstance.",
                    default: PVCRetention.retain.rawValue, enum: PVCRetention.allCases.map(\.rawValue)),
                "nodeSelector": N.labelMap("Node labels the pods must match.", valueDescription: "Required label value."),
                "tolerations": .array(
                    "Pod tolerations (core/v1 Toleration).", of: .freeform("A core/v1 Toleration."),
                    maxItems: N.shortListItems),
                "affinity": .freeform("Pod affinity (core/v1 Affinity)."),
                "metrics": .object(
                    "Prometheus metrics.", default: [:],
                    ["enabled": .boolean("Serve metrics on port 9187 of every instance.", default: true)]),
                "failoverDelay": .integer(
                    "Seconds the primary may fail its health reports before the operator promotes the most advanced replica; also the primary lease's duration.",
                    default: Int64(defaultFailoverDelay), minimum: Int64(failoverDelayBounds.lowerBound),
                    maximum: Int64(failoverDelayBounds.upperBound)),
                "synchronous": PostgresSynchronous.schema,
                "backup": PostgresBackupConfiguration.schema,
                "bootstrap": PostgresBootstrap.schema,
            ])
    }

    /// `walStorage`: like `storage`, but without a default (omitted keeps WAL in the data volume).
    private static var walVolumeSchema: JSONSchemaProperty {
        PostgresVolume.schema(
            description: "A separate WAL volume for each instance; omitted keeps WAL in the data volume.", defaultSize: nil)
    }

    private static func identifier(_ description: String, default value: String) -> JSONSchemaProperty {
        .string(
            "\(description) A lower-case PostgreSQL identifier; not postgres, template0, template1 or pg_*.",
            default: value, pattern: PostgresParameters.identifierPattern, maxLength: 63)
    }
}
