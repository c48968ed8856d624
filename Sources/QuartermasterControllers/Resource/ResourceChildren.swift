import Foundation
import KubeCore

/// What a resolved template builds: the concrete child object of a Resource (pure).
///
/// Every template today builds one `IPFSCluster` named like the Resource, in its namespace,
/// with a controller owner reference to the Resource (so the garbage collector deletes it with
/// the Resource) and the labels `app.kubernetes.io/managed-by=quartermaster`,
/// `quartermaster.dev/resource=<name>` and `quartermaster.dev/template=<template>`.
///
/// The spec maps the template as follows; everything else keeps the IPFSCluster defaults:
///
/// | IPFSCluster field | value |
/// | --- | --- |
/// | `replicas` | the resolved `replicas` (1 for the storage templates) |
/// | `storage.ipfs.size` | the resolved `size` |
/// | `storage.cluster.size` | `IPFSReplicaFootprint.clusterStorage` (1Gi) |
/// | `resources` | `IPFSReplicaFootprint` requests and limits, per container |
/// | `suspended` | `true` when the Resource or its tenant is suspended, else `false` |
///
/// The resources are set explicitly so that what the pods request is exactly what
/// `QuotaCheck` checked against the namespace quota.
///
/// Suspension: a suspended Resource (or one in a suspended tenant's namespace) sets
/// `spec.suspended: true` on its IPFSCluster, whose controller scales the StatefulSet to zero
/// and keeps identities and every PersistentVolumeClaim; `false` again resumes the same peers
/// with the same data. `suspended` is always written (never omitted), so server-side apply
/// sets it back to `false` on resume.
public enum ResourceChildren {
    /// `quartermaster.dev/resource`: the owning Resource's name, on the child.
    public static let resourceLabel = "quartermaster.dev/resource"
    /// `quartermaster.dev/template`: the template name, on the child.
    public static let templateLabel = "quartermaster.dev/template"

    /// The desired IPFSCluster of `resource`, built from `template`.
    ///
    /// Returns `nil` when the Resource has no name or uid (it was never read from the server).
    public static func ipfsCluster(
        for resource: Resource, template: ResolvedResourceTemplate, suspended: Bool
    ) -> IPFSCluster? {
        guard let name = resource.metadata.name, let owner = resource.ownerReference() else { return nil }
        let labels = [
            TenantLabels.managedBy: TenantLabels.managedByValue,
            resourceLabel: name,
            templateLabel: template.template.name,
        ]
        func requirements(_ requests: TenantCPUMemory, _ limits: TenantCPUMemory) -> IPFSClusterSpec.ResourceRequirements {
            IPFSClusterSpec.ResourceRequirements(
                requests: requests.resourceMap?.mapValues(\.description),
                limits: limits.resourceMap?.mapValues(\.description))
        }
        let spec = IPFSClusterSpec(
            replicas: template.replicas,
            storage: IPFSClusterSpec.Storage(
                ipfs: IPFSClusterSpec.Volume(size: template.storagePerReplica.description),
                cluster: IPFSClusterSpec.Volume(size: template.clusterStoragePerReplica.description)),
            resources: IPFSClusterSpec.Resources(
                kubo: requirements(IPFSReplicaFootprint.ipfsRequests, IPFSReplicaFootprint.ipfsLimits),
                cluster: requirements(IPFSReplicaFootprint.clusterRequests, IPFSReplicaFootprint.clusterLimits)),
            suspended: suspended)
        return IPFSCluster(
            metadata: ObjectMeta(
                name: name, namespace: resource.metadata.namespace, labels: labels, ownerReferences: [owner]),
            spec: spec)
    }

    /// The reference written to `status.childRef`.
    public static func reference(to child: IPFSCluster) -> ResourceChildReference {
        ResourceChildReference(
            apiVersion: IPFSCluster.resource.apiVersion, kind: IPFSCluster.resource.kind, name: child.metadata.name ?? "")
    }
}
