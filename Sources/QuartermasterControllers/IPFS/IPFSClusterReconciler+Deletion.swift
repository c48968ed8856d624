import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// `pvcRetention`: the finalizer and the claim cleanup.
///
/// With `pvcRetention: Delete` the IPFSCluster carries the finalizer
/// ``IPFSClusterReconciler/pvcCleanupFinalizer``; when it is deleted, the reconciler deletes
/// the StatefulSet it controls, then the peers' claims, then removes the finalizer (the garbage
/// collector deletes the other owned objects). With `Retain` there is no finalizer: the garbage
/// collector deletes the owned objects and the claims stay.
extension IPFSClusterReconciler {
    /// `true` when `claim` is one of the peers' claims of the StatefulSet `statefulSet`:
    /// `<template>-<statefulSet>-<ordinal>` for one of the two claim templates.
    public static func isPeerClaimName(_ claim: String, statefulSet: String) -> Bool {
        for template in [IPFSClusterNames.ipfsDataVolume, IPFSClusterNames.clusterDataVolume] {
            let prefix = "\(template)-\(statefulSet)-"
            guard claim.hasPrefix(prefix) else { continue }
            let ordinal = claim.dropFirst(prefix.count)
            if !ordinal.isEmpty && ordinal.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        }
        return false
    }

    /// The JSON patch that sets the finalizer list to `current` with (`adding`) or without the
    /// cleanup finalizer, guarded by `test` operations on `metadata.resourceVersion` and on the
    /// current list, so a concurrent change makes the server refuse it (422) instead of losing
    /// someone else's finalizer.
    static func finalizerPatch(current: [String]?, resourceVersion: String?, adding: Bool) -> [JSONPatchOperation] {
        var ops: [JSONPatchOperation] = []
        if let resourceVersion { ops.append(.test("/metadata/resourceVersion", .string(resourceVersion))) }
        let updated =
            adding
            ? (current ?? []) + [pvcCleanupFinalizer] : (current ?? []).filter { $0 != pvcCleanupFinalizer }
        let value = JSONValue.array(updated.map { .string($0) })
        if let current {
            ops.append(.test("/metadata/finalizers", .array(current.map { .string($0) })))
            ops.append(.replace("/metadata/finalizers", value))
        } else {
            ops.append(.add("/metadata/finalizers", value))
        }
        return ops
    }

    /// Adds the finalizer when `pvcRetention` is `Delete` and removes it when it is `Retain`.
    /// Returns the object as it now is, or `nil` when the guarded patch lost a race (requeue).
    func syncFinalizer(_ cluster: IPFSCluster, logger: Logger) async throws -> IPFSCluster? {
        let finalizers = cluster.metadata.finalizers
        let has = finalizers?.contains(Self.pvcCleanupFinalizer) ?? false
        let wants = cluster.spec.pvcRetention == .delete
        if has == wants { return cluster }
        return try await patchFinalizers(cluster, adding: wants, logger: logger)
    }

    private func patchFinalizers(_ cluster: IPFSCluster, adding: Bool, logger: Logger) async throws -> IPFSCluster? {
        let ops = Self.finalizerPatch(
            current: cluster.metadata.finalizers, resourceVersion: cluster.metadata.resourceVersion, adding: adding)
        do {
            let patched = try await client.jsonPatch(
                IPFSCluster.self, name: cluster.metadata.name ?? "", namespace: cluster.metadata.namespace,
                operations: ops)
            logger.info(adding ? "added the PVC cleanup finalizer" : "removed the PVC cleanup finalizer")
            return patched
        } catch KubeAPIError.invalid, KubeAPIError.conflict {
            logger.debug("finalizer patch lost a race; requeueing")
            return nil
        }
    }

    /// Handles an IPFSCluster being deleted: with our finalizer, deletes the claims when
    /// `pvcRetention` is `Delete`, then removes the finalizer.
    func finalize(_ cluster: IPFSCluster, logger: Logger) async throws -> ReconcileResult {
        guard cluster.metadata.finalizers?.contains(Self.pvcCleanupFinalizer) == true else { return .done }
        if cluster.spec.pvcRetention == .delete {
            try await deletePeerClaims(cluster, logger: logger)
        }
        do {
            guard try await patchFinalizers(cluster, adding: false, logger: logger) != nil else { return .requeue }
        } catch KubeAPIError.notFound {
            // Already gone: a stale cache saw it once more after the finalizer was removed.
        }
        return .done
    }

    /// Deletes the StatefulSet this IPFSCluster controls (so it creates no new claims), then
    /// every claim labelled as this instance's storage whose name is a peer claim name.
    func deletePeerClaims(_ cluster: IPFSCluster, logger: Logger) async throws {
        let name = cluster.metadata.name ?? ""
        let namespace = cluster.metadata.namespace
        let names = IPFSClusterNames(instance: name)
        if let uid = cluster.metadata.uid,
            let sts = try await client.getIfExists(StatefulSet.self, name: names.statefulSet, namespace: namespace),
            sts.metadata.isControlled(byUID: uid)
        {
            do {
                try await client.delete(StatefulSet.self, name: names.statefulSet, namespace: namespace)
            } catch KubeAPIError.notFound {}
        }
        let selector = [
            "\(QuartermasterLabels.nameKey)=\(IPFSClusterNames.appName)",
            "\(QuartermasterLabels.instanceKey)=\(name)",
            "\(QuartermasterLabels.componentKey)=storage",
        ].joined(separator: ",")
        let claims = try await client.listAll(
            PersistentVolumeClaim.self, namespace: namespace, options: ListOptions(labelSelector: selector)
        ).items
        for claim in claims {
            guard let claimName = claim.metadata.name, Self.isPeerClaimName(claimName, statefulSet: names.statefulSet),
                claim.metadata.deletionTimestamp == nil
            else { continue }
            do {
                try await client.delete(PersistentVolumeClaim.self, name: claimName, namespace: namespace)
                logger.info("deleted a peer claim", metadata: ["claim": "\(claimName)"])
            } catch KubeAPIError.notFound {}
        }
    }
}
