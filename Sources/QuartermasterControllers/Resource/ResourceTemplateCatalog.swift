import Foundation
import KubeCore

/// The built-in templates (listed by `quartermaster templates`).
///
/// | template | version | builds | defaults | parameters |
/// | --- | --- | --- | --- | --- |
/// | `ipfs-cluster-small` | v1 | IPFSCluster, 3 nodes | 10Gi per node | `replicas` 3 to 5, `size` 1Gi to 100Gi |
/// | `small-storage` | v1 | IPFSCluster, 1 node | 5Gi | `size` 1Gi to 10Gi |
/// | `medium-storage` | v1 | IPFSCluster, 1 node | 25Gi | `size` 10Gi to 50Gi |
/// | `large-storage` | v1 | IPFSCluster, 1 node | 100Gi | `size` 50Gi to 1Ti |
///
/// Each node also has a 1Gi cluster-state volume and requests 350m CPU and 640Mi memory
/// (`IPFSReplicaFootprint`). So `ipfs-cluster-small` needs 1050m CPU, 1920Mi memory, 33Gi
/// storage and 6 PVCs: more storage than the free tier's 20Gi, so it needs basic or above
/// (or a `size` of at most 5Gi). `postgres-small` and `postgres-medium` are planned.
public enum ResourceTemplateCatalog {
    public static let ipfsClusterSmall = ResourceTemplate(
        name: "ipfs-cluster-small", version: "v1",
        summary: "An IPFS cluster of 3 nodes with 10Gi of storage each, replicating pins across nodes.",
        kind: .ipfsCluster,
        parameters: [
            ResourceTemplateParameter(
                name: .replicas, summary: "Number of IPFS nodes.", range: .integer(default: 3, min: 3, max: 5)),
            ResourceTemplateParameter(
                name: .size, summary: "Storage per IPFS node.", range: .quantity(default: "10Gi", min: "1Gi", max: "100Gi")),
        ])

    public static let smallStorage = storage("small-storage", size: "5Gi", min: "1Gi", max: "10Gi")
    public static let mediumStorage = storage("medium-storage", size: "25Gi", min: "10Gi", max: "50Gi")
    public static let largeStorage = storage("large-storage", size: "100Gi", min: "50Gi", max: "1Ti")

    /// Every available template, by name.
    public static let all: [ResourceTemplate] = [ipfsClusterSmall, smallStorage, mediumStorage, largeStorage]

    /// Names of the available templates, sorted: the schema's enum for `spec.template`.
    public static var names: [String] { all.map(\.name).sorted() }

    /// Templates that are planned but not accepted yet.
    public static let plannedNames = ["postgres-medium", "postgres-small"]

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
        ResourceTemplate(
            name: name, version: "v1", summary: "A single IPFS node with \(size) of storage.", kind: .ipfsCluster,
            parameters: [
                ResourceTemplateParameter(
                    name: .size, summary: "Storage of the IPFS node.", range: .quantity(default: size, min: min, max: max))
            ])
    }
}
