import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the `postgresbackup` controller: a ``PostgresBackupReconciler``.
///
/// - Primary: PostgresBackups in `settings.namespaces` (all when empty).
/// - PostgresInstances (same namespaces): a change reconciles that instance's unfinished
///   backups (a primary confirmed, `status.archive` resolved, a pod IP changed).
public enum PostgresBackupController {
    public static let name = "postgresbackup"

    public static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<PostgresBackupReconciler> {
        var builder = ControllerBuilder<PostgresBackup>(
            cache: cache, name: name, primary: settings.reflectorOptions(),
            options: settings.controllerOptions(for: PostgresBackup.self))
        let backups = builder.primary
        let instances = builder.watches(PostgresInstance.self, options: settings.reflectorOptions()) { instance in
            guard let namespace = instance.metadata.namespace, let name = instance.metadata.name else { return [] }
            return backups.list(namespace: namespace).filter { b in
                b.spec.instance.name == name && b.status?.phase != .completed && b.status?.phase != .failed
            }.map(\.key)
        }
        return builder.complete(
            PostgresBackupReconciler(
                client: cache.client, instances: instances, statusClient: settings.instanceStatusClient,
                events: settings.events, now: settings.now))
    }
}
