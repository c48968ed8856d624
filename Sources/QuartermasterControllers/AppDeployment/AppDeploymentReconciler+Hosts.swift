import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Hosts and deletion: `expose.host` is claimed cluster-wide (``HostClaims``) before the
/// Ingress is written; the claim is released when the host changes or the Deployment goes. A
/// source Deployment's objects in the build namespace are deleted when it goes.
extension AppDeploymentReconciler {
    /// Claims the host `app` asks for. Returns the `HostConflict` message when another object
    /// holds it (and deletes the Ingress this Deployment controls for it); `nil` when held.
    func claimHosts(_ app: AppDeployment, observed: AppDeploymentObservedObjects, logger: Logger) async throws -> String? {
        let hosts = app.spec.claimedHosts
        guard !hosts.isEmpty, let holder = HostClaimHolder(app) else { return nil }
        let outcome = try await hostClaims.claim(hosts, for: holder, logger: logger)
        guard let (host, other) = outcome.conflicts.sorted(by: { $0.key < $1.key }).first else { return nil }
        if let ingress = observed.ingress {
            try await deleteIfControlled(
                ingress, uid: holder.uid, logger: logger, message: "deleted an Ingress for a host another object holds")
        }
        return "host \(host) of expose.host is held by \(other); it is left to its holder"
    }

    /// Adds ``hostClaimsFinalizer`` when `app` asks for a host (kept until deletion). Returns the
    /// object as it now is, `nil` when the guarded patch lost a race. Throws `notFound` when gone.
    /// Also adds ``buildCleanupFinalizer`` to a source Deployment (`spec.source`), kept until
    /// deletion.
    func syncFinalizer(_ app: AppDeployment, logger: Logger) async throws -> AppDeployment? {
        var current = app
        for (finalizer, wanted) in [
            (Self.hostClaimsFinalizer, !app.spec.claimedHosts.isEmpty), (Self.buildCleanupFinalizer, app.spec.source != nil),
        ] {
            guard wanted, !(current.metadata.finalizers?.contains(finalizer) ?? false) else { continue }
            switch try await Finalizers.add(finalizer, to: current, client: client) {
            case .updated(let patched):
                logger.info("added a finalizer", metadata: ["finalizer": "\(finalizer)"])
                current = patched
            case .stale: return nil
            case .gone: throw KubeAPIError.notFound("\(app.key) is gone")
            }
        }
        return current
    }

    /// Being deleted: releases every host claim of `app`, then removes the finalizer (the
    /// garbage collector deletes the children).
    func finalize(_ app: AppDeployment, logger: Logger) async throws -> ReconcileResult {
        var app = app
        if app.metadata.finalizers?.contains(Self.buildCleanupFinalizer) == true {
            // The build objects are in another namespace: no owner reference takes them away.
            try await deleteBuildObjects(app, logger: logger)
            switch try await Finalizers.remove(Self.buildCleanupFinalizer, from: app, client: client) {
            case .updated(let patched):
                logger.info("deleted the build objects and removed the build cleanup finalizer")
                app = patched
            case .stale: return .requeue
            case .gone: return .done
            }
        }
        guard app.metadata.finalizers?.contains(Self.hostClaimsFinalizer) == true else { return .done }
        if let holder = HostClaimHolder(app) { try await hostClaims.releaseAll(for: holder, logger: logger) }
        switch try await Finalizers.remove(Self.hostClaimsFinalizer, from: app, client: client) {
        case .updated: logger.info("removed the host claims finalizer")
        case .stale: return .requeue
        case .gone: break
        }
        return .done
    }

    /// Deletes `object` when `uid` controls it and it is not already going; a refusal is a
    /// ``RefusedWrite``, an object already gone is fine.
    func deleteIfControlled<T: KubeResource>(
        _ object: T, uid: String, logger: Logger, message: Logger.Message = "deleted"
    ) async throws {
        guard !uid.isEmpty, object.metadata.isControlled(byUID: uid), object.metadata.deletionTimestamp == nil,
            let name = object.metadata.name
        else { return }
        do {
            try await RefusedWrite.guarding("delete", kind: T.resource.kind, namespace: object.metadata.namespace, name: name) {
                try await client.delete(T.self, name: name, namespace: object.metadata.namespace)
            }
            logger.info(message, metadata: ["kind": "\(T.resource.kind)", "object": "\(name)"])
        } catch KubeAPIError.notFound {}
    }
}
