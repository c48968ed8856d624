import Foundation
import KubeCore

/// The built-in templates (listed by `quartermaster templates`).
///
/// | template | version | builds | defaults | parameters |
/// | --- | --- | --- | --- | --- |
/// | `ipfs-cluster-small` | v1 | IPFSCluster, 3 nodes | 10Gi per node | `replicas` 3 to 5 (→ `/replicas`), `size` 1Gi to 100Gi (→ `/storage/ipfs/size`) |
/// | `small-storage` | v1 | IPFSCluster, 1 node | 5Gi | `size` 1Gi to 10Gi (→ `/storage/ipfs/size`) |
/// | `medium-storage` | v1 | IPFSCluster, 1 node | 25Gi | `size` 10Gi to 50Gi (→ `/storage/ipfs/size`) |
/// | `large-storage` | v1 | IPFSCluster, 1 node | 100Gi | `size` 50Gi to 1Ti (→ `/storage/ipfs/size`) |
/// | `postgres-small` | v1 | PostgresInstance, a primary, PgBouncer pooler (with the tenant's object storage: backups daily at 03:00 UTC, kept 30d) | 2 CPU, 4Gi (requests = limits), 10Gi | `size` 1Gi to 10Gi (→ `/storage/size`) |
/// | `postgres-medium` | v1 | PostgresInstance, a primary and a streaming replica | 4 CPU, 16Gi (requests = limits) each, 50Gi each | `size` 10Gi to 50Gi (→ `/storage/size`), `restoreFrom` (→ `/bootstrap/recovery/source/name`), `restoreTime` (→ `/bootstrap/recovery/target/time`) |
///
/// Every IPFS template starts from ``ipfsNodeSpec`` (the storage templates add `replicas: 1`)
/// and writes suspension to `/suspended`; everything else keeps the IPFSCluster defaults.
/// ``ipfsNodeSpec`` sets each node's containers and cluster-state volume explicitly, so what
/// the pods request does not follow the IPFSCluster's size-dependent defaults:
///
/// | container | requests | limits | volume |
/// | --- | --- | --- | --- |
/// | kubo | 250m CPU, 512Mi | 1 CPU, 1Gi | the template's `size` |
/// | cluster | 100m CPU, 128Mi | 500m CPU, 256Mi | 1Gi |
/// | metrics-proxy | 10m CPU, 48Mi | 100m CPU, 96Mi | (none; ``WorkloadMonitoring/proxyResources``) |
///
/// Every limit is within the smallest tier's per-container maximum (free: 1 CPU, 2Gi).
///
/// The quota needs are not written here: they are computed from the objects the IPFSCluster
/// controller renders for the child's spec (``ResolvedResourceTemplate/footprint(offerings:)``).
/// For `ipfs-cluster-small`'s defaults that is 1080m CPU, 2064Mi memory (limits 4800m CPU,
/// 4128Mi), 33Gi storage, 6 PVCs, 3 pods, 3 Services (none a LoadBalancer) and one IPFSCluster:
/// more storage than the free tier's 20Gi, so it needs basic or above (or a `size` of at most
/// 5Gi). A storage template needs 360m CPU, 688Mi memory, `size` + 1Gi storage and 2 PVCs.
///
/// The Postgres templates set `instances`, `resources`, `storage.size` and `pooler.enabled`;
/// everything else keeps the PostgresInstance defaults (database and owner `app`, PostgreSQL
/// 16), and they write suspension to `/suspended`. Their footprint is computed the same way
/// (``ResourceOffering/postgresInstance``): `postgres-small` also counts the pooler's two pods.
public enum ResourceTemplateCatalog {
    /// The spec of one IPFS node every IPFS template starts from: container resources and the
    /// cluster-state volume (see the table above).
    public static let ipfsNodeSpec: JSONValue = [
        "storage": ["cluster": ["size": "1Gi"]],
        "resources": [
            "kubo": ["requests": ["cpu": "250m", "memory": "512Mi"], "limits": ["cpu": "1", "memory": "1Gi"]],
            "cluster": ["requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["cpu": "500m", "memory": "256Mi"]],
        ],
    ]

    /// Where an IPFS template writes its `size`: the IPFS volume of each node.
    static let ipfsSizePath: JSONPointer = "/storage/ipfs/size"
    /// Where an IPFS template writes suspension.
    static let ipfsSuspendedPath: JSONPointer = "/suspended"

    public static let ipfsClusterSmall = ResourceTemplate(
        name: "ipfs-cluster-small", version: "v1",
        summary: "An IPFS cluster of 3 nodes with 10Gi of storage each, replicating pins across nodes.",
        kind: IPFSCluster.resource, baseSpec: ipfsNodeSpec, suspendedPath: ipfsSuspendedPath,
        parameters: [
            ResourceTemplateParameter(
                name: .replicas, summary: "Number of IPFS nodes.", range: .integer(default: 3, min: 3, max: 5),
                specPath: "/replicas"),
            ResourceTemplateParameter(
                name: .size, summary: "Storage per IPFS node.", range: .quantity(default: "10Gi", min: "1Gi", max: "100Gi"),
                specPath: ipfsSizePath),
        ])

    public static let smallStorage = storage("small-storage", size: "5Gi", min: "1Gi", max: "10Gi")
    public static let mediumStorage = storage("medium-storage", size: "25Gi", min: "10Gi", max: "50Gi")
    public static let largeStorage = storage("large-storage", size: "100Gi", min: "50Gi", max: "1Ti")

    public static let postgresSmall: ResourceTemplate = {
        var template = postgres(
            "postgres-small", summary: "PostgreSQL with 2 vCPU, 4Gi of memory and 10Gi of storage, behind a PgBouncer pooler.",
            cpu: "2", memory: "4Gi", size: "10Gi", min: "1Gi", instances: 1, pooler: true)
        template.withObjectStorage = ["backup": ["schedule": .string(postgresSmallBackupSchedule), "retention": .string(postgresSmallRetention)]]
        return template
    }()
    /// `postgres-small`'s backups where the tenant has object storage: daily at 03:00 UTC, kept 30 days.
    public static let postgresSmallBackupSchedule = "0 3 * * *"
    public static let postgresSmallRetention = "30d"
    public static let postgresMedium = postgres(
        "postgres-medium",
        summary: "PostgreSQL with 4 vCPU, 16Gi of memory and 50Gi of storage, and a streaming replica for availability.",
        cpu: "4", memory: "16Gi", size: "50Gi", min: "10Gi", instances: 2, pooler: false, restore: true)

    /// Every available template, by name.
    public static let all: [ResourceTemplate] = [
        ipfsClusterSmall, smallStorage, mediumStorage, largeStorage, postgresSmall, postgresMedium,
    ]

    /// Names of the available templates, sorted: the schema's enum for `spec.template`.
    public static var names: [String] { all.map(\.name).sorted() }

    /// Templates that are planned but not accepted yet.
    public static let plannedNames: [String] = []

    /// The template called `name`.
    ///
    /// - Throws: `.notYetAvailable` for a planned template, `.unknownTemplate` otherwise.
    public static func template(named name: String) throws(ResourceTemplateError) -> ResourceTemplate {
        if let t = all.first(where: { $0.name == name }) { return t }
        if plannedNames.contains(name) { throw .notYetAvailable(name) }
        throw .unknownTemplate(name, available: names)
    }

    /// Looks up `spec.template` and resolves `spec.parameters`.
    public static func resolve(_ spec: ResourceSpec) throws(ResourceTemplateError) -> ResolvedResourceTemplate {
        try template(named: spec.template).resolve(spec.parameters)
    }

    private static func storage(_ name: String, size: Quantity, min: Quantity, max: Quantity) -> ResourceTemplate {
        var spec = ipfsNodeSpec
        spec["replicas"] = 1
        return ResourceTemplate(
            name: name, version: "v1", summary: "A single IPFS node with \(size) of storage.", kind: IPFSCluster.resource,
            baseSpec: spec, suspendedPath: ipfsSuspendedPath,
            parameters: [
                ResourceTemplateParameter(
                    name: .size, summary: "Storage of the IPFS node.", range: .quantity(default: size, min: min, max: max),
                    specPath: ipfsSizePath)
            ])
    }

    /// A PostgresInstance template: `instances`, the `postgres` container's requests and limits
    /// (equal), the data volume's `size` (the template's parameter, `min` to `size`), the pooler.
    private static func postgres(
        _ name: String, summary: String, cpu: String, memory: String, size: Quantity, min: Quantity, instances: Int,
        pooler: Bool, restore: Bool = false
    ) -> ResourceTemplate {
        var restoreParameters: [ResourceTemplateParameter] = []
        if restore {
            restoreParameters = [
                ResourceTemplateParameter(
                    name: .restoreFrom, summary: "Restore from the backups of this PostgresInstance (same namespace).",
                    range: .objectName, specPath: "/bootstrap/recovery/source/name"),
                ResourceTemplateParameter(
                    name: .restoreTime, summary: "Restore to this time (RFC3339); omitted: the latest.", range: .time,
                    specPath: "/bootstrap/recovery/target/time"),
            ]
        }
        let amounts: JSONValue = ["cpu": .string(cpu), "memory": .string(memory)]
        return ResourceTemplate(
            name: name, version: "v1", summary: summary, kind: PostgresInstance.resource,
            baseSpec: [
                "instances": .int(Int64(instances)),
                "resources": ["requests": amounts, "limits": amounts],
                "pooler": ["enabled": .bool(pooler)],
            ],
            suspendedPath: "/suspended",
            parameters: [
                ResourceTemplateParameter(
                    name: .size, summary: "Storage of each PostgreSQL instance.",
                    range: .quantity(default: size, min: min, max: size), specPath: "/storage/size")
            ] + restoreParameters)
    }
}
