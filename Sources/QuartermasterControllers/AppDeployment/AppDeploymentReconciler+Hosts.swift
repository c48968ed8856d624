import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Hosts and deletion: `expose.host` is claimed cluster-wide (``HostClaims``) before the
/// Ingress is written; the claim is released when the host changes or the Deployment goes.
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
    func syncFinalizer(_ app: AppDeployment, logger: Logger) async throws -> AppDeployment? {
        let has = app.metadata.finalizers?.contains(Self.hostClaimsFinalizer) ?? false
        guard !has, !app.spec.claimedHosts.isEmpty else { return app }
        switch try await Finalizers.add(Self.hostClaimsFinalizer, to: app, client: client) {
        case .updated(let patched):
            logger.info("added the host claims finalizer")
            return patched
        case .stale: return nil
        case .gone: throw KubeAPIError.notFound("\(app.key) is gone")
        }
    }

    /// Being deleted: releases every host claim of `app`, then removes the finalizer (the
    /// garbage collector deletes the children).
    func finalize(_ app: AppDeployment, logger: Logger) async throws -> ReconcileResult {
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
