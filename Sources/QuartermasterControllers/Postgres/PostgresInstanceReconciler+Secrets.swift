import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// The Secrets: the one part of a PostgresInstance that can never be recomputed.
///
/// - Each Secret is looked up in the cache, and when the cache does not show it, read from the
///   API server directly: keys and passwords are generated only when that read shows none, and
///   the Secret is created with POST (create-only).
/// - A Secret of one of the instance's names that the instance does not control (owner
///   reference) is never used nor written over: `Stalled`, reason `SecretConflict`. A POST
///   answered 409 is decided the same way from a fresh read.
/// - The CA is created first; the other certificates are signed by the CA as stored. A CA
///   Secret without its keys is `InvalidSecret` and nothing is generated.
/// - `<name>-app`'s derived keys (host, URIs, `ca.crt`, pooler keys) are kept in step with its
///   stored password through a PUT guarded by its `resourceVersion`; the password is never
///   changed. A stored app Secret without a password is `InvalidSecret`.
extension PostgresInstanceReconciler {
    enum SecretsOutcome {
        /// `<name>-app` as it now is on the server.
        case ready(Secret)
        /// A race was lost (created or changed meanwhile): reconcile again.
        case retry
    }

    func ensureSecrets(_ instance: PostgresInstance, observed: PostgresInstanceObservedObjects, logger: Logger)
        async throws -> SecretsOutcome
    {
        let builder = PostgresInstanceSecrets(instance: instance, clusterDomain: settings.clusterDomain, now: now())
        let names = builder.names
        guard
            let caSecret = try await ensure(
                names.caSecret, instance: instance, cached: observed.secrets[names.caSecret], logger: logger, make: builder.ca)
        else { return .retry }
        guard let authority = PostgresInstanceSecrets.authority(in: caSecret) else {
            throw PostgresInstanceProblem(
                reason: .invalidSecret,
                message: "Secret \(names.caSecret) lacks ca.crt or ca.key; keys are never generated over it: restore it")
        }
        for (name, make) in [
            (names.serverSecret, { try builder.server(authority: authority) }),
            (names.replicationSecret, { try builder.replication(authority: authority) }),
            (names.poolerSecret, { try builder.pooler(authority: authority) }),
        ] as [(String, () throws -> Secret)] {
            guard try await ensure(name, instance: instance, cached: observed.secrets[name], logger: logger, make: make) != nil
            else { return .retry }
        }
        guard
            let app = try await ensure(
                names.appSecret, instance: instance, cached: observed.secrets[names.appSecret], logger: logger,
                make: { builder.app(password: PostgresPassword.generate(), authority: authority) })
        else { return .retry }
        guard let password = app.decodedString("password"), !password.isEmpty else {
            throw PostgresInstanceProblem(
                reason: .invalidSecret,
                message: "Secret \(names.appSecret) has no password; it is never generated over it: restore it")
        }
        let desired = builder.app(password: password, authority: authority)
        guard desired.data != app.data || Self.missingLabels(desired: desired.metadata, stored: app.metadata) else {
            return .ready(app)
        }
        var updated = app
        updated.data = desired.data
        updated.metadata.labels = (app.metadata.labels ?? [:]).merging(desired.metadata.labels ?? [:]) { _, new in new }
        do {
            let written = try await RefusedWrite.guarding(
                "update", kind: Secret.resource.kind, namespace: app.metadata.namespace, name: names.appSecret
            ) { try await client.replace(updated) }
            logger.info("kept the app Secret in step", metadata: ["object": "\(names.appSecret)"])
            return .ready(written)
        } catch KubeAPIError.conflict, KubeAPIError.notFound {
            return .retry
        }
    }

    static func missingLabels(desired: ObjectMeta, stored: ObjectMeta) -> Bool {
        let labels = stored.labels ?? [:]
        return (desired.labels ?? [:]).contains { labels[$0.key] != $0.value }
    }

    /// The Secret `name` of `instance`: the cached one, else the one the API server has, else
    /// `make()`'s, created with POST. `nil`: created by someone else meanwhile and gone again;
    /// reconcile again. Throws ``ChildNameConflict`` (kind Secret) for a Secret the instance does
    /// not control.
    func ensure(
        _ name: String, instance: PostgresInstance, cached: Secret?, logger: Logger, make: () throws -> Secret
    ) async throws -> Secret? {
        let namespace = instance.metadata.namespace
        let uid = instance.metadata.uid ?? ""
        var stored = cached
        if stored == nil {
            stored = try await RefusedWrite.guarding("get", kind: Secret.resource.kind, namespace: namespace, name: name) {
                try await client.getIfExists(Secret.self, name: name, namespace: namespace)
            }
        }
        if stored == nil {
            do {
                let created = try await applier.create(try make())
                logger.info("created Secret", metadata: ["object": "\(name)"])
                return created
            } catch KubeAPIError.alreadyExists {
                stored = try await client.getIfExists(Secret.self, name: name, namespace: namespace)
                guard stored != nil else { return nil }
            }
        }
        guard let stored else { return nil }
        if let conflict = ChildNameConflict.check(kind: Secret.resource.kind, existing: stored.metadata, ownerUID: uid) {
            throw conflict
        }
        return stored
    }
}
