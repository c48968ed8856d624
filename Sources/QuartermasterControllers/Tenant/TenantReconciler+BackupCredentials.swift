import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// The tenant's object storage credentials (``BackupObjectStoreSettings``): the Secret
/// `backup-credentials-<tenant>` in the operator's namespace is copied into the tenant namespace
/// as `quartermaster-backup-credentials` (keys ACCESS_KEY_ID, ACCESS_SECRET_KEY,
/// ACCESS_SESSION_TOKEN), and the CA Secret (`--backup-ca-secret`, key `ca.crt`) as
/// `quartermaster-backup-ca`; labelled (managed-by, tenant) and owned by the Tenant.
///
/// Sources are read from the API server directly (the operator's namespace is not cached). A
/// Secret of the copy's name that is not ours is never written over or deleted; our copy is
/// deleted when its source is gone. A changed source is copied on the Tenant's next reconcile.
extension TenantReconciler {
    static let backupCopyKeys = ["ACCESS_KEY_ID", "ACCESS_SECRET_KEY", "ACCESS_SESSION_TOKEN"]

    func copyBackupCredentials(_ tenant: Tenant, namespace: String, logger: Logger) async throws {
        guard let settings = backupObjectStore, let operatorNamespace, let name = tenant.metadata.name else { return }
        try await copy(
            from: BackupObjectStoreSettings.credentialsSource(tenant: name),
            to: PostgresArchiveResolution.TenantObjectStorage.credentialsSecret, keys: Self.backupCopyKeys, tenant: tenant,
            operatorNamespace: operatorNamespace, namespace: namespace, logger: logger)
        if let ca = settings.caSecret {
            try await copy(
                from: ca, to: PostgresArchiveResolution.TenantObjectStorage.caSecret, keys: [PostgresObjectStore.defaultCAKey],
                tenant: tenant, operatorNamespace: operatorNamespace, namespace: namespace, logger: logger)
        }
    }

    private func copy(
        from source: String, to target: String, keys: [String], tenant: Tenant, operatorNamespace: String, namespace: String,
        logger: Logger
    ) async throws {
        let tenantName = tenant.metadata.name ?? ""
        let original = try await client.getIfExists(Secret.self, name: source, namespace: operatorNamespace)
        let existing = try await client.getIfExists(Secret.self, name: target, namespace: namespace)
        let labels = [
            QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue, TenantLabels.tenant: tenantName,
        ]
        let ours = existing.map { e in labels.allSatisfy { e.metadata.labels?[$0.key] == $0.value } }
        if let existing, ours == false {
            logger.warning(
                "a Secret of the backup copy's name is not ours; left alone",
                metadata: ["namespace": "\(namespace)", "secret": "\(existing.metadata.name ?? "")"])
            return
        }
        guard let original else {
            if existing != nil {
                do {
                    try await RefusedWrite.guarding("delete", kind: Secret.resource.kind, namespace: namespace, name: target) {
                        try await client.delete(Secret.self, name: target, namespace: namespace)
                    }
                } catch KubeAPIError.notFound {}
                logger.info("deleted the backup credentials copy: its source is gone", metadata: ["namespace": "\(namespace)"])
            }
            return
        }
        let data = (original.data ?? [:]).filter { keys.contains($0.key) }
        if var existing {
            guard existing.data != data else { return }
            existing.data = data
            _ = try await RefusedWrite.guarding("update", kind: Secret.resource.kind, namespace: namespace, name: target) {
                try await client.replace(existing)
            }
            logger.info("updated the backup credentials copy", metadata: ["namespace": "\(namespace)", "secret": "\(target)"])
            return
        }
        var meta = ObjectMeta(name: target, namespace: namespace, labels: labels)
        meta.ownerReferences = tenant.ownerReference().map { [$0] }
        let copy = Secret(metadata: meta, type: "Opaque", data: data)
        do {
            _ = try await RefusedWrite.guarding("create", kind: Secret.resource.kind, namespace: namespace, name: target) {
                try await client.create(copy)
            }
            logger.info("copied the backup credentials", metadata: ["namespace": "\(namespace)", "secret": "\(target)"])
        } catch KubeAPIError.alreadyExists {}
    }
}
