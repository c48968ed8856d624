import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Copies of `<name>-app` in `spec.secretNamespaces` (``PostgresSecretCopies``), and the
/// finalizer that deletes them with the instance.
extension PostgresInstanceReconciler {
    /// Creates, updates (guarded by `resourceVersion`) or deletes the copies: kept in step
    /// where allowed, deleted where no longer listed or allowed. A Secret of that name that is
    /// not a copy of this instance is left alone; the namespaces holding one are returned (the
    /// status reports them). Converged: reads only.
    func reconcileSecretCopies(_ instance: PostgresInstance, app: Secret, logger: Logger) async throws -> [String] {
        var conflicts: [String] = []
        let namespace = instance.metadata.namespace ?? ""
        let name = instance.metadata.name ?? ""
        let source = "\(namespace)/\(name)"
        let secretName = app.metadata.name ?? ""
        let targets = Set(instance.spec.secretNamespaces).subtracting([namespace])

        for target in targets.sorted() {
            let ns: Namespace?
            if let cached = caches.namespaces?.get(ObjectKey(namespace: nil, name: target)) {
                ns = cached
            } else {
                ns = try await client.getIfExists(Namespace.self, name: target)
            }
            let allowed = PostgresSecretCopies.accepts(ns, sourceNamespace: namespace, instance: name)
            let desired = PostgresSecretCopies.copy(of: app, into: target, source: source)
            var existing = caches.secrets.get(ObjectKey(namespace: target, name: secretName))
            if let cached = existing, allowed, PostgresSecretCopies.isCopy(cached, from: source), cached.data == desired.data {
                continue
            }
            existing = try await client.getIfExists(Secret.self, name: secretName, namespace: target)
            if let existing, !PostgresSecretCopies.isCopy(existing, from: source) {
                if allowed { conflicts.append(target) }
                continue
            }
            if !allowed {
                if existing != nil { try await delete(Secret.self, name: secretName, namespace: target, logger: logger) }
                continue
            }
            do {
                if var stored = existing {
                    guard stored.data != desired.data else { continue }
                    stored.data = desired.data
                    _ = try await RefusedWrite.guarding("update", kind: Secret.resource.kind, namespace: target, name: secretName) {
                        try await client.replace(stored)
                    }
                    logger.info("updated the Secret copy", metadata: ["namespace": "\(target)", "object": "\(secretName)"])
                } else {
                    _ = try await applier.create(desired)
                    logger.info("copied the Secret", metadata: ["namespace": "\(target)", "object": "\(secretName)"])
                }
            } catch KubeAPIError.conflict, KubeAPIError.alreadyExists {
                continue  // changed meanwhile: the next reconcile decides from a fresh read
            }
        }
        // Copies in namespaces no longer listed.
        for copy in caches.secrets.list() where copy.metadata.name == secretName {
            guard let target = copy.metadata.namespace, target != namespace, !targets.contains(target),
                PostgresSecretCopies.isCopy(copy, from: source)
            else { continue }
            try await delete(Secret.self, name: secretName, namespace: target, logger: logger)
        }
        return conflicts
    }

    /// Adds ``secretCopiesFinalizer`` while `spec.secretNamespaces` is not empty (removal waits
    /// for deletion, so copies made under an earlier spec are still cleaned up). Returns the
    /// instance as it now is, `nil` when it changed meanwhile (reconcile again).
    func syncFinalizer(_ instance: PostgresInstance) async throws -> PostgresInstance? {
        guard !instance.spec.secretNamespaces.isEmpty else { return instance }
        switch try await Finalizers.add(Self.secretCopiesFinalizer, to: instance, client: client) {
        case .updated(let updated): return updated
        case .stale: return nil
        case .gone: throw KubeAPIError.notFound("gone")
        }
    }

    /// Deletion: deletes every copy of the instance's app Secret the cache shows, then removes
    /// the finalizer.
    func finalize(_ instance: PostgresInstance, logger: Logger) async throws -> ReconcileResult {
        guard instance.metadata.finalizers?.contains(Self.secretCopiesFinalizer) == true else { return .done }
        let namespace = instance.metadata.namespace ?? ""
        let names = PostgresInstanceNames(instance: instance.metadata.name ?? "")
        let source = "\(namespace)/\(names.instance)"
        for target in Set(instance.spec.secretNamespaces).subtracting([namespace]).sorted() {
            if let copy = try await client.getIfExists(Secret.self, name: names.appSecret, namespace: target),
                PostgresSecretCopies.isCopy(copy, from: source)
            {
                try await delete(Secret.self, name: names.appSecret, namespace: target, logger: logger)
            }
        }
        for copy in caches.secrets.list() where copy.metadata.name == names.appSecret {
            guard let target = copy.metadata.namespace, target != namespace, PostgresSecretCopies.isCopy(copy, from: source)
            else { continue }
            try await delete(Secret.self, name: names.appSecret, namespace: target, logger: logger)
        }
        switch try await Finalizers.remove(Self.secretCopiesFinalizer, from: instance, client: client) {
        case .updated, .gone: return .done
        case .stale: return .requeue
        }
    }
}
