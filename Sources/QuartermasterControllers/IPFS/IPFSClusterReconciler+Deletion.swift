import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Deletion: the finalizers of `pvcRetention` and of host claims.
///
/// With `pvcRetention: Delete` the IPFSCluster carries the finalizer
/// ``IPFSClusterReconciler/pvcCleanupFinalizer``; when it is deleted, the reconciler deletes
/// the StatefulSet it controls, then the peers' claims, then removes the finalizer (the garbage
/// collector deletes the other owned objects). With `Retain` there is no finalizer: the garbage
/// collector deletes the owned objects and the claims stay.
///
/// From the first reconcile that asks for a host until it is deleted, it carries
/// ``IPFSClusterReconciler/hostClaimsFinalizer``; when it is deleted, every host claim the API server lists for its UID is deleted (a claim
/// already gone, or taken by another, is skipped: this never wedges), then the finalizer is
/// removed, and the claims' deletion wakes the clusters waiting for those hosts.
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

    /// Adds the PVC cleanup finalizer when `pvcRetention` is `Delete` and removes it when it is
    /// `Retain`; adds the host-claims finalizer when the cluster asks for a host and keeps it
    /// until deletion (``needsHostClaimsFinalizer(_:)``) (``Finalizers``: guarded by the
    /// resource version). Returns the object as it now is, or `nil` when a guarded patch
    /// lost a race (requeue). Throws `notFound` when it is gone.
    func syncFinalizer(_ cluster: IPFSCluster, logger: Logger) async throws -> IPFSCluster? {
        var current = cluster
        let wanted: [(finalizer: String, wants: Bool, what: String)] = [
            (Self.pvcCleanupFinalizer, cluster.spec.pvcRetention == .delete, "PVC cleanup"),
            (Self.hostClaimsFinalizer, needsHostClaimsFinalizer(cluster), "host claims"),
        ]
        for (finalizer, wants, what) in wanted {
            let has = current.metadata.finalizers?.contains(finalizer) ?? false
            if has == wants { continue }
            let outcome =
                wants
                ? try await Finalizers.add(finalizer, to: current, client: client)
                : try await Finalizers.remove(finalizer, from: current, client: client)
            switch outcome {
            case .updated(let patched):
                logger.info(wants ? "added the \(what) finalizer" : "removed the \(what) finalizer")
                current = patched
            case .stale:
                logger.debug("finalizer patch lost a race; requeueing")
                return nil
            case .gone:
                throw KubeAPIError.notFound("\(cluster.key) is gone")
            }
        }
        return current
    }

    /// Handles an IPFSCluster being deleted: with the PVC cleanup finalizer, deletes the claims
    /// when `pvcRetention` is `Delete`, then removes the finalizer; with the host-claims
    /// finalizer, releases every host claim of the cluster, then removes the finalizer.
    func finalize(_ cluster: IPFSCluster, logger: Logger) async throws -> ReconcileResult {
        var current = cluster
        if current.metadata.finalizers?.contains(Self.hostClaimsFinalizer) == true {
            if let holder = HostClaimHolder(current) { try await hostClaims.releaseAll(for: holder, logger: logger) }
            switch try await Finalizers.remove(Self.hostClaimsFinalizer, from: current, client: client) {
            case .updated(let patched):
                logger.info("removed the host claims finalizer")
                current = patched
            case .stale: return .requeue
            case .gone: return .done
            }
        }
        guard current.metadata.finalizers?.contains(Self.pvcCleanupFinalizer) == true else { return .done }
        if current.spec.pvcRetention == .delete {
            try await deletePeerClaims(current, logger: logger)
        }
        switch try await Finalizers.remove(Self.pvcCleanupFinalizer, from: current, client: client) {
        case .updated: logger.info("removed the PVC cleanup finalizer")
        case .stale: return .requeue
        case .gone: break  // a stale cache saw it once more after the finalizer was removed
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
