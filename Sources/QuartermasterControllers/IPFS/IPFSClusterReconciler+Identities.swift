import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// The identities Secret: the one object whose content can never be recomputed.
///
/// - Keys are generated only after a direct GET shows no Secret `<name>-identities` (the cache
///   is label-selected and may lag: it is never trusted with this), and the Secret is created
///   with POST: if one appeared meanwhile the create fails and the next reconcile reads it.
/// - Peers added by a scale-up get new keys through a PUT guarded by the Secret's
///   `resourceVersion`; existing keys are never changed (the data is merged, never replaced),
///   and a Secret changed meanwhile makes the write fail (requeue) instead of losing anything.
/// - Labels are restored with a merge patch of `metadata` only, so editing the Secret's labels
///   changes no key. Nothing ever force-applies over the Secret. A Secret of that name this
///   cluster does not control is a ``ChildNameConflict``: its keys are neither used nor changed.
/// - A Secret that exists but cannot be read back is `Stalled` (`InvalidSecret`), never
///   regenerated.
extension IPFSClusterReconciler {
    /// What ``ensureIdentities(_:cached:logger:)`` found or wrote.
    enum IdentitiesOutcome {
        /// The Secret as it now is on the server.
        case ready(Secret)
        /// Lost a race (created or changed meanwhile): reconcile again from a fresh read.
        case retry
    }

    /// Makes sure the Secret holds identities for every peer; see the extension's documentation.
    func ensureIdentities(_ cluster: IPFSCluster, cached: Secret?, logger: Logger) async throws -> IdentitiesOutcome {
        let names = IPFSClusterNames(instance: cluster.metadata.name ?? "")
        let namespace = cluster.metadata.namespace
        let stored: Secret?
        if let cached {
            stored = cached
        } else {
            stored = try await client.getIfExists(Secret.self, name: names.secret, namespace: namespace)
        }
        guard let stored else {
            let fresh = try IPFSClusterDesiredState.compute(
                cluster: cluster, existingSecretData: nil, clusterDomain: clusterDomain
            ).secret
            do {
                let created = try await applier.create(fresh)
                logger.info("created the identities Secret", metadata: ["object": "\(names.secret)"])
                return .ready(created)
            } catch KubeAPIError.alreadyExists {
                return .retry
            }
        }
        // Someone else's Secret of that name: its keys are neither used nor changed.
        if let conflict = ChildNameConflict.check(
            kind: Secret.resource.kind, existing: stored.metadata, ownerUID: cluster.metadata.uid ?? "")
        {
            throw conflict
        }
        let desired = try IPFSClusterDesiredState.compute(
            cluster: cluster, existingSecretData: IPFSClusterDesiredState.decodedStringData(of: stored),
            clusterDomain: clusterDomain
        ).secret
        var current = stored
        do {
            if let added = Self.addedKeys(desired: desired, stored: current) {
                var updated = current
                updated.data = added
                current = try await RefusedWrite.guarding(
                    "update", kind: Secret.resource.kind, namespace: namespace, name: names.secret
                ) { try await client.replace(updated) }
                logger.info("added peer identities to the identities Secret", metadata: ["object": "\(names.secret)"])
            }
            if let patch = Self.metadataRepair(desired: desired.metadata, stored: current.metadata) {
                current = try await RefusedWrite.guarding(
                    "patch", kind: Secret.resource.kind, namespace: namespace, name: names.secret
                ) { try await client.mergePatch(Secret.self, name: names.secret, namespace: namespace, patch: patch) }
            }
        } catch KubeAPIError.conflict, KubeAPIError.notFound {
            return .retry
        }
        return .ready(current)
    }

    /// The stored data plus the keys `desired` has and `stored` lacks, or `nil` when nothing is
    /// missing. Existing keys keep their stored values, always.
    static func addedKeys(desired: Secret, stored: Secret) -> [String: String]? {
        let have = stored.data ?? [:]
        let missing = (desired.data ?? [:]).filter { have[$0.key] == nil }
        return missing.isEmpty ? nil : have.merging(missing) { old, _ in old }
    }

    /// A merge patch restoring `desired`'s labels, or `nil` when none is missing. Touches
    /// nothing else (the owner reference is checked before: a Secret this cluster does not
    /// control is a ``ChildNameConflict``).
    static func metadataRepair(desired: ObjectMeta, stored: ObjectMeta) -> JSONValue? {
        let labels = stored.labels ?? [:]
        let wantedLabels = (desired.labels ?? [:]).filter { labels[$0.key] != $0.value }
        guard !wantedLabels.isEmpty else { return nil }
        return .object(["metadata": .object(["labels": .object(wantedLabels.mapValues { .string($0) })])])
    }
}
