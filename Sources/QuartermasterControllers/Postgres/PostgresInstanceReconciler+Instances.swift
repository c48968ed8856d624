import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Claims and pods: the instances. Pods are created with POST and never updated in place
/// (their spec is immutable): a pod whose ``PostgresInstanceDesiredState/podSpecHashAnnotation``
/// differs from the desired one is deleted and created again on a later reconcile, one pod at
/// a time, only while every other pod exists and is ready, replicas first (highest serial
/// first), the primary last. Role labels and the scrape annotations
/// (``WorkloadMonitoring/annotationKeys``: pods made before metrics were annotated, or with
/// `spec.metrics` since changed) are patched in place, in one merge patch, only when they differ.
extension PostgresInstanceReconciler {
    /// Returns the instance's pods as they are after the writes (created ones added, deleted
    /// ones left out), for the status.
    func reconcileInstances(
        _ instance: PostgresInstance, desired: PostgresInstanceDesiredObjects, observed: PostgresInstanceObservedObjects,
        logger: Logger
    ) async throws -> [String: Pod] {
        let uid = instance.metadata.uid ?? ""
        let namespace = instance.metadata.namespace
        var pods = observed.pods

        // Scale down: the removed serials' pods, then their claims.
        for name in desired.removedPods {
            if let pod = observed.pods[name], try await deleteIfControlled(pod, uid: uid, logger: logger) { pods[name] = nil }
        }
        // Deleting a claim deletes data: decided from a direct read, not the cache, and only a
        // claim that carries this instance's labels.
        for name in desired.removedClaims where observed.claims[name] != nil {
            guard let current = try await client.getIfExists(PersistentVolumeClaim.self, name: name, namespace: namespace)
            else { continue }
            try checkClaim(current, of: instance)
            try await delete(PersistentVolumeClaim.self, name: name, namespace: namespace, logger: logger)
        }

        // Claims of the wanted serials: created when missing; only their owner and size change.
        for claim in desired.claims {
            let name = claim.metadata.name ?? ""
            if let existing = observed.claims[name] {
                try checkClaim(existing, of: instance)
                try await syncClaimOwner(existing, desired: claim, logger: logger)
                try await growClaim(existing, desired: claim, logger: logger)
                continue
            }
            if let existing = try await client.getIfExists(PersistentVolumeClaim.self, name: name, namespace: namespace) {
                try checkClaim(existing, of: instance)
                continue
            }
            do {
                _ = try await applier.create(claim)
                logger.info("created", metadata: ["kind": "PersistentVolumeClaim", "object": "\(name)"])
            } catch KubeAPIError.alreadyExists {}
        }

        // Suspended: no pod runs.
        let wanted = Set(desired.pods.compactMap(\.metadata.name))
        for (name, pod) in observed.pods where !wanted.contains(name) && !desired.removedPods.contains(name) {
            if desired.pods.isEmpty || observed.names.serial(of: name) != nil,
                try await deleteIfControlled(pod, uid: uid, logger: logger)
            {
                pods[name] = nil
            }
        }

        // Pods: replicas are created once the primary reports it accepts connections.
        let primary = desired.targetPrimary
        let primaryUp = observed.reports[primary].map { $0.ready && $0.podRole == .primary } ?? false
        for pod in desired.pods {
            let name = pod.metadata.name ?? ""
            guard let existing = observed.pods[name] else {
                if name != primary && !primaryUp { continue }
                if let created = try await createPod(pod, uid: uid, logger: logger) { pods[name] = created }
                continue
            }
            if let conflict = ChildNameConflict.check(kind: Pod.resource.kind, existing: existing.metadata, ownerUID: uid) {
                throw conflict
            }
            guard existing.metadata.deletionTimestamp == nil else { continue }
            var metadataPatch: [String: JSONValue] = [:]
            let role = pod.metadata.labels?[PostgresInstanceLabels.roleKey]
            if let role, existing.metadata.labels?[PostgresInstanceLabels.roleKey] != role {
                metadataPatch["labels"] = [PostgresInstanceLabels.roleKey: .string(role)]
            }
            var annotations: [String: JSONValue] = [:]
            for key in WorkloadMonitoring.annotationKeys
            where existing.metadata.annotations?[key] != pod.metadata.annotations?[key] {
                annotations[key] = pod.metadata.annotations?[key].map(JSONValue.string) ?? .null
            }
            if !annotations.isEmpty { metadataPatch["annotations"] = .object(annotations) }
            if !metadataPatch.isEmpty {
                _ = try await RefusedWrite.guarding("patch", kind: Pod.resource.kind, namespace: namespace, name: name) {
                    try await client.mergePatch(
                        Pod.self, name: name, namespace: namespace, patch: ["metadata": .object(metadataPatch)])
                }
                logger.info(
                    "patched instance metadata",
                    metadata: ["object": "\(name)", "role": "\(role ?? "-")", "annotations": "\(annotations.keys.sorted())"])
            }
        }
        if let replaced = try await replaceOneStalePod(desired: desired, observed: observed, uid: uid, logger: logger) {
            pods[replaced] = nil
        }
        return pods
    }

    /// While stalled and suspended (spec or Tenant): deletes the instance pods and the pooler it
    /// controls, nothing else. Returns the pods left.
    func deletePodsWhileStalled(
        _ instance: PostgresInstance, observed: PostgresInstanceObservedObjects, logger: Logger
    ) async throws -> [String: Pod] {
        let uid = instance.metadata.uid ?? ""
        var pods = observed.pods
        for (_, pod) in observed.instancePods where try await deleteIfControlled(pod, uid: uid, logger: logger) {
            pods[pod.metadata.name ?? ""] = nil
        }
        if let pooler = observed.deployments[observed.names.poolerDeployment] {
            try await deleteIfControlled(pooler, uid: uid, logger: logger)
        }
        return pods
    }

    /// A claim of the instance's names must carry its labels (claims have no controller with
    /// `pvcRetention: Retain`); another one is a ``ChildNameConflict``.
    func checkClaim(_ claim: PersistentVolumeClaim, of instance: PostgresInstance) throws {
        let labels = claim.metadata.labels ?? [:]
        let ours = PostgresInstanceLabels.ownedSelector(instance: instance.metadata.name ?? "")
            .allSatisfy { labels[$0.key] == $0.value }
        let controller = claim.metadata.controllerReference
        guard !ours || (controller != nil && controller?.uid != instance.metadata.uid) else { return }
        throw ChildNameConflict(
            kind: PersistentVolumeClaim.resource.kind, name: claim.metadata.name ?? "",
            controller: controller.map { "\($0.kind)/\($0.name)" })
    }

    /// The created pod; `nil` when one of that name exists already (ours: the cache lags).
    /// Keeps a claim's owner reference as `pvcRetention` says (owned only with `Delete`, so the
    /// garbage collector deletes it with the instance): a merge patch of `ownerReferences` alone.
    func syncClaimOwner(_ claim: PersistentVolumeClaim, desired: PersistentVolumeClaim, logger: Logger) async throws {
        let want = desired.metadata.ownerReferences ?? []
        guard (claim.metadata.ownerReferences ?? []) != want, claim.metadata.deletionTimestamp == nil,
            let name = claim.metadata.name
        else { return }
        let references: JSONValue = want.isEmpty ? .null : try JSONValue(encoding: want)
        _ = try await RefusedWrite.guarding(
            "patch", kind: PersistentVolumeClaim.resource.kind, namespace: claim.metadata.namespace, name: name
        ) {
            try await client.mergePatch(
                PersistentVolumeClaim.self, name: name, namespace: claim.metadata.namespace,
                patch: ["metadata": ["ownerReferences": references]])
        }
        logger.info(want.isEmpty ? "released claim (pvcRetention Retain)" : "owned claim (pvcRetention Delete)",
            metadata: ["object": "\(name)"])
    }

    /// Grows a claim to the spec's size (claim templates of a StatefulSet could not: here each
    /// claim is patched in place). Only growth is applied: a claim cannot shrink, so a smaller
    /// size is logged and left. A StorageClass without `allowVolumeExpansion` makes the API
    /// server refuse the patch, which ``RefusedWrite`` reports as `Stalled` with its message.
    func growClaim(_ claim: PersistentVolumeClaim, desired: PersistentVolumeClaim, logger: Logger) async throws {
        guard let name = claim.metadata.name, claim.metadata.deletionTimestamp == nil,
            let wanted = desired.spec?.resources?.requests?["storage"],
            let current = claim.spec?.resources?.requests?["storage"], wanted != current
        else { return }
        guard wanted > current else {
            logger.warning(
                "claim not shrunk: a PersistentVolumeClaim cannot be made smaller",
                metadata: ["object": "\(name)", "size": "\(current)", "spec": "\(wanted)"])
            return
        }
        _ = try await RefusedWrite.guarding(
            "patch", kind: PersistentVolumeClaim.resource.kind, namespace: claim.metadata.namespace, name: name
        ) {
            try await client.mergePatch(
                PersistentVolumeClaim.self, name: name, namespace: claim.metadata.namespace,
                patch: ["spec": ["resources": ["requests": ["storage": .string(wanted.description)]]]])
        }
        logger.info("grew claim", metadata: ["object": "\(name)", "from": "\(current)", "to": "\(wanted)"])
    }

    private func createPod(_ pod: Pod, uid: String, logger: Logger) async throws -> Pod? {
        let name = pod.metadata.name ?? ""
        // The cache does not show the name: read it from the API server before the first write.
        let existing = try await RefusedWrite.guarding(
            "get", kind: Pod.resource.kind, namespace: pod.metadata.namespace, name: name
        ) { try await client.getIfExists(Pod.self, name: name, namespace: pod.metadata.namespace) }
        if let existing {
            if let conflict = ChildNameConflict.check(kind: Pod.resource.kind, existing: existing.metadata, ownerUID: uid) {
                throw conflict
            }
            return nil
        }
        do {
            let created = try await applier.create(pod)
            logger.info("created", metadata: ["kind": "Pod", "object": "\(name)"])
            return created
        } catch KubeAPIError.alreadyExists {
            // Not in the cache: someone else's pod of that name, or ours a moment ago.
            if let existing = try await client.getIfExists(Pod.self, name: name, namespace: pod.metadata.namespace),
                let conflict = ChildNameConflict.check(kind: Pod.resource.kind, existing: existing.metadata, ownerUID: uid)
            {
                throw conflict
            }
            return nil
        }
    }

    /// Deletes one pod whose spec hash is not the desired one, when every wanted pod exists, is
    /// ready and none is being deleted: the highest-serial replica first, the primary last.
    private func replaceOneStalePod(
        desired: PostgresInstanceDesiredObjects, observed: PostgresInstanceObservedObjects, uid: String, logger: Logger
    ) async throws -> String? {
        let hashes = Dictionary(
            desired.pods.map { ($0.metadata.name ?? "", $0.metadata.annotations?[PostgresInstanceDesiredState.podSpecHashAnnotation]) },
            uniquingKeysWith: { a, _ in a })
        let current = desired.pods.compactMap { observed.pods[$0.metadata.name ?? ""] }
        guard current.count == desired.pods.count,
            current.allSatisfy({ pod in
                pod.metadata.deletionTimestamp == nil
                    && (pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false)
            })
        else { return nil }
        let stale = current.filter { pod in
            pod.metadata.annotations?[PostgresInstanceDesiredState.podSpecHashAnnotation] != hashes[pod.metadata.name ?? ""] ?? nil
        }
        let replicas = stale.filter { $0.metadata.name != desired.targetPrimary }
            .sorted { (observed.names.serial(of: $0.metadata.name ?? "") ?? 0) > (observed.names.serial(of: $1.metadata.name ?? "") ?? 0) }
        guard let victim = replicas.first ?? stale.first else { return nil }
        logger.info("replacing a pod whose spec changed", metadata: ["object": "\(victim.metadata.name ?? "")"])
        return try await deleteIfControlled(victim, uid: uid, logger: logger) ? victim.metadata.name : nil
    }
}
