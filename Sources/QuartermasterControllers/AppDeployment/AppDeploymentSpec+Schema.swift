import KubeCore

private typealias N = QuartermasterSchemaNodes

extension AppDeploymentSpec {
    /// An image reference: no whitespace, optionally `@sha256:<64 hex>` at the end (a digest
    /// with another algorithm or length is refused). The full grammar is checked by
    /// ``AppDeploymentValidation`` (``ImageReference``).
    static let imagePattern = #"^[^\s@]+(@sha256:[0-9a-f]{64})?$"#
    /// An environment variable name as the API server accepts it (C identifier-like, `.` and `-`
    /// allowed, not starting with a digit).
    static let envNamePattern = #"^[-._a-zA-Z][-._a-zA-Z0-9]*$"#
    /// An absolute path without whitespace.
    static let absolutePathPattern = #"^/[^\s]*$"#

    /// The structural schema of `spec`: the single source of truth of the CRD's validation.
    /// What it cannot say (exactly one of image and source, ReadWriteOnce volume vs replicas,
    /// minReplicas ≤ maxReplicas, reserved env names, the image grammar, the source's URL and
    /// ref rules, unknown enum values under an older schema) is ``AppDeploymentValidation``'s.
    public static var schema: JSONSchemaProperty {
        .object(
            "Desired state of an application: an image, or a git source built into one, run as an apps/v1 Deployment, exposed by a Service and optionally an Ingress, with revisions and rollback.",
            [
                "image": .string(
                    "The image to run: a tag (ghcr.io/acme/web:1.4) or a digest (repo@sha256:<64 hex>). A tag is resolved to a digest once; the pods always run the digest. Exactly one of image and source.",
                    pattern: imagePattern, minLength: 1, maxLength: N.imageLength),
                "source": sourceSchema,
                "build": buildSchema,
                "imagePullSecrets": .array(
                    "Names of docker-registry Secrets in this namespace used to pull the image and resolve its tag.",
                    of: N.objectName("Name of a docker-registry Secret."), default: [], listType: "set",
                    maxItems: N.shortListItems),
                "port": .integer("The container port (probes, Service, NetworkPolicy).", default: Int64(defaultPort), minimum: 1, maximum: 65535),
                "command": .array(
                    "The container's entrypoint; omitted keeps the image's.", of: .string("An argument.", maxLength: 4096),
                    maxItems: maxArguments),
                "args": .array(
                    "The container's arguments; omitted keeps the image's.", of: .string("An argument.", maxLength: 4096),
                    maxItems: maxArguments),
                "env": .array("Environment variables (core/v1 EnvVar). DATABASE_URL (with database) and IPFS_API, IPFS_API_URL (with ipfs) are set by the operator and refused here.", of: envVarSchema, maxItems: maxEnv),
                "envFrom": .array(
                    "ConfigMaps and Secrets whose keys become environment variables (core/v1 EnvFromSource).",
                    of: envFromSchema, maxItems: maxEnvFrom),
                "resources": IPFSClusterSpec.ResourceRequirements.schema.withDefault(
                    "Container resources; omitted: requests cpu 100m, memory 128Mi, limits cpu 500m, memory 256Mi.",
                    [
                        "requests": ["cpu": "100m", "memory": "128Mi"],
                        "limits": ["cpu": "500m", "memory": "256Mi"],
                    ]),
                "replicas": .integer(
                    "Pods wanted (0 to \(maxReplicas)); with autoscaling only the initial count. A ReadWriteOnce volume allows at most 1.",
                    default: Int64(defaultReplicas), minimum: 0, maximum: Int64(maxReplicas)),
                "autoscaling": .object(
                    "A HorizontalPodAutoscaler (autoscaling/v2) on average CPU use; not with a ReadWriteOnce volume. minReplicas must not exceed maxReplicas.",
                    required: ["maxReplicas"],
                    [
                        "minReplicas": .integer(
                            "Fewest pods.", default: Int64(Autoscaling.defaultMinReplicas), minimum: 1,
                            maximum: Int64(maxReplicas)),
                        "maxReplicas": .integer("Most pods.", minimum: 1, maximum: Int64(maxReplicas)),
                        "targetCPUUtilizationPercentage": .integer(
                            "Target average CPU use, in percent of the CPU request.",
                            default: Int64(Autoscaling.defaultTargetCPUUtilizationPercentage), minimum: 1, maximum: 100),
                    ]),
                "healthCheck": .object(
                    "Probes as HTTP GET on the port; omitted: TCP probes on the port.", required: ["path"],
                    ["path": .string("An absolute path, such as /healthz.", pattern: absolutePathPattern, maxLength: 1024)]),
                "expose": .object(
                    "How the application is reached: a Service, and an Ingress when host is set.", default: [:],
                    [
                        "serviceType": .string(
                            "Type of the Service.", default: Expose.ServiceType.clusterIP.rawValue,
                            enum: Expose.ServiceType.allCases.map(\.rawValue)),
                        "host": .string(
                            """
                            Host name of an Ingress; omitted: no Ingress. A lower-case DNS name, no wildcard; unique in \
                            the cluster: the first object to claim a host holds it, others are Stalled (HostConflict).
                            """, pattern: HostName.schemaPattern, maxLength: HostName.maxLength),
                        "ingressClassName": N.objectName("IngressClass of the Ingress; omitted uses the default class."),
                        "tls": .object(
                            "TLS of the Ingress: a Secret, or a cert-manager ClusterIssuer that fills the Secret <name>-tls.",
                            [
                                "secretName": N.objectName("Name of the TLS Secret in this namespace."),
                                "issuer": N.objectName(
                                    "A cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer)."),
                            ]),
                        "path": .string(
                            "Path prefix of the Ingress rule.", default: Expose.defaultPath, pattern: absolutePathPattern,
                            maxLength: 1024),
                    ]),
                "database": .object(
                    "A database built from a Resource template (a child Resource <name>-db), waited for; its URI reaches the app as DATABASE_URL through a secretKeyRef.",
                    required: ["template"],
                    [
                        "template": .string(
                            "A database template (\(databaseTemplates.joined(separator: ", "))).", enum: databaseTemplates),
                        "parameters": Resource.specSchema.property(at: "parameters")
                            ?? .object("Overrides of the template's parameters.", [:]),
                    ]),
                "volume": .object(
                    "A PersistentVolumeClaim <name>-data mounted in the pod; created once, never deleted on a spec change.",
                    required: ["size", "mountPath"],
                    [
                        "size": N.quantity("Requested capacity, such as 1Gi."),
                        "storageClassName": N.objectName("StorageClass of the claim; omitted uses the default class."),
                        "mountPath": .string(
                            "Where the volume is mounted in the container.", pattern: absolutePathPattern, maxLength: 1024),
                        "accessMode": .string(
                            "ReadWriteOnce (one replica, no autoscaling, rollouts by recreating) or ReadWriteMany.",
                            default: Volume.AccessMode.readWriteOnce.rawValue, enum: Volume.AccessMode.allCases.map(\.rawValue)),
                    ]),
                "ipfs": .object(
                    "A binding to an IPFSCluster in this namespace: its API address is injected as IPFS_API and IPFS_API_URL.",
                    required: ["cluster"],
                    ["cluster": N.childNamesRoot("IPFSCluster").described("Name of an IPFSCluster in this namespace.")]),
                "suspended": .boolean(
                    "Scale to zero, keeping every object; set back to false to resume.", default: false),
                "revisionHistoryLimit": .integer(
                    "Revisions kept in status.history (the targets of a rollback).",
                    default: Int64(defaultRevisionHistoryLimit), minimum: 1, maximum: Int64(maxRevisionHistoryLimit)),
                "progressDeadlineSeconds": .integer(
                    "Seconds a rollout may take; a revision that does not become available in time is rolled back.",
                    default: Int64(defaultProgressDeadlineSeconds), minimum: Int64(progressDeadlineBounds.lowerBound),
                    maximum: Int64(progressDeadlineBounds.upperBound)),
                "rollbackTo": .object(
                    "Manual rollback: serve this kept revision until the field is removed.", required: ["revision"],
                    ["revision": .integer("A revision number of status.history.", minimum: 1, maximum: Int64(Int32.max))]),
            ])
    }

    /// Templates a database may use: the catalog's `postgres-*` templates.
    static var databaseTemplates: [String] { ResourceTemplateCatalog.names.filter { $0.hasPrefix("postgres-") } }

    /// `core/v1 EnvVar`: `name` with `value` or `valueFrom`.
    static var envVarSchema: JSONSchemaProperty {
        let keySelector: (String) -> JSONSchemaProperty = { what in
            .object(
                "A key of a \(what) in this namespace.", required: ["key"],
                [
                    "name": N.objectName("Name of the \(what)."),
                    "key": .string("The key.", maxLength: N.subdomainLength),
                    "optional": .boolean("Start without it when missing."),
                ])
        }
        return .object(
            "An environment variable.", required: ["name"],
            [
                "name": .string("Variable name.", pattern: envNamePattern, minLength: 1, maxLength: 256),
                "value": .string("Literal value.", maxLength: 32768),
                "valueFrom": .object(
                    "Where the value comes from.",
                    [
                        "secretKeyRef": keySelector("Secret"),
                        "configMapKeyRef": keySelector("ConfigMap"),
                        "fieldRef": .object(
                            "A field of the pod.", required: ["fieldPath"],
                            [
                                "apiVersion": .string("API version of the field path.", maxLength: 64),
                                "fieldPath": .string("Such as metadata.name or status.podIP.", maxLength: 256),
                            ]),
                        "resourceFieldRef": .object(
                            "A resource request or limit of the container.", required: ["resource"],
                            [
                                "containerName": .string("Container name.", maxLength: N.labelLength),
                                "resource": .string("Such as limits.memory.", maxLength: 64),
                                "divisor": N.quantity("Divisor of the value."),
                            ]),
                    ]),
            ])
    }

    /// `core/v1 EnvFromSource`.
    static var envFromSchema: JSONSchemaProperty {
        let reference: (String) -> JSONSchemaProperty = { what in
            .object(
                "A \(what) in this namespace.", required: ["name"],
                [
                    "name": N.objectName("Name of the \(what)."),
                    "optional": .boolean("Start without it when missing."),
                ])
        }
        return .object(
            "All keys of a ConfigMap or Secret as variables.",
            [
                "prefix": .string("Prefix of every variable name.", pattern: envNamePattern, maxLength: 256),
                "configMapRef": reference("ConfigMap"),
                "secretRef": reference("Secret"),
            ])
    }
}

extension JSONSchemaProperty {
    /// A copy with another description and a default value.
    fileprivate func withDefault(_ description: String, _ value: JSONValue) -> JSONSchemaProperty {
        var p = described(description)
        p.defaultValue = value
        return p
    }
}
