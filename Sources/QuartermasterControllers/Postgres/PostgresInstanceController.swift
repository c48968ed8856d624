import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the `postgresinstance` controller: a ``PostgresInstanceReconciler`` with its caches
/// (``PostgresInstanceCaches``).
///
/// - Primary: PostgresInstances in `settings.namespaces` (all when empty). Status-only updates
///   do not reconcile (``Predicates/generationOrMetadataChanged(old:new:)``): the status carries
///   live figures (LSNs, lag, volume usage) that change whenever the database is written, so the
///   operator's own status write would otherwise set off the next reconcile (and poll) at once.
///   The reconciler requeues itself instead (``PostgresInstanceReconciler/readyPollInterval``
///   and shorter while something is under way); annotations (`backup-now`, `switchover-to`)
///   and spec changes reconcile at once.
/// - Owned (label `app.kubernetes.io/managed-by=quartermaster`, same namespaces): Pod,
///   PersistentVolumeClaim, Service, Secret, ServiceAccount, Role, RoleBinding, NetworkPolicy,
///   Deployment, and PodDisruptionBudget once discovery shows `policy/v1` served. A change to
///   any of them controlled by a PostgresInstance reconciles it (a pod becoming ready, a pod IP).
///   Claims are owned only with `pvcRetention: Delete`; a change to a claim does not reconcile
///   its instance (the instance's own changes and pods do).
/// - Tenant namespaces (label `quartermaster.dev/tenant`, the informer the Tenant and Resource
///   controllers share; only when watching all namespaces): a change reconciles the
///   PostgresInstances that list it in `spec.secretNamespaces` (its
///   `quartermaster.dev/accept-secrets-from` annotation). Other namespaces are read from the API
///   server when a copy is made (and their annotation seen on the next periodic reconcile).
/// - StorageClasses (cluster-scoped): whether a full claim may grow (`allowVolumeExpansion`); a
///   class's change reconciles the PostgresInstances that name it.
/// - Tenants (cluster-scoped, the Tenant controller's informer): a Tenant's change reconciles
///   the PostgresInstances of its namespace, for its suspension and policy (``TenantEnforcement``).
/// - The instance managers' reports are polled (``ControllerSettings/instanceStatusClient``):
///   every 10 s while an instance is not Ready, every 60 s once it is.
public enum PostgresInstanceController {
    /// The controller's name (logs, metrics).
    public static let name = "postgresinstance"

    public static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<PostgresInstanceReconciler> {
        let client = cache.client
        let discovery = APIDiscovery(client: client)
        var builder = ControllerBuilder<PostgresInstance>(
            cache: cache, name: name, primary: settings.reflectorOptions(),
            options: statusQuietOptions(settings.controllerOptions(for: PostgresInstance.self)))
        let instances = builder.primary
        var caches = PostgresInstanceCaches(
            instances: instances,
            pods: builder.owns(Pod.self),
            claims: builder.owns(PersistentVolumeClaim.self),
            services: builder.owns(Service.self),
            secrets: builder.owns(Secret.self),
            serviceAccounts: builder.owns(ServiceAccount.self),
            roles: builder.owns(Role.self),
            roleBindings: builder.owns(RoleBinding.self),
            networkPolicies: builder.owns(NetworkPolicy.self),
            deployments: builder.owns(Deployment.self),
            podDisruptionBudgets: builder.owns(PodDisruptionBudget.self, onlyIfServedBy: discovery),
            namespaces: settings.watchesAllNamespaces
                ? builder.watches(Namespace.self, options: ReflectorOptions(labelSelector: TenantLabels.tenant)) { namespace in
                    guard let name = namespace.metadata.name else { return [] }
                    return instances.list().filter { $0.spec.secretNamespaces.contains(name) }.map(\.key)
                } : nil,
            tenants: builder.watches(Tenant.self) { tenant in
                let namespace = tenant.namespaceName
                return namespace.isEmpty ? [] : instances.list(namespace: namespace).map(\.key)
            },
            backups: builder.watches(PostgresBackup.self, options: settings.reflectorOptions()) { backup in
                // The instance it backs up, and instances recovering from that instance's backups.
                guard let namespace = backup.metadata.namespace else { return [] }
                let source = backup.spec.instance.name
                return [ObjectKey(namespace: namespace, name: source)]
                    + instances.list(namespace: namespace).filter { $0.spec.bootstrap?.recovery?.source.name == source }.map(\.key)
            })
        caches.storageClasses = builder.watches(StorageClass.self) { storageClass in
            guard let className = storageClass.metadata.name else { return [] }
            return instances.list().filter { instance in
                instance.spec.storage.storageClassName == className || instance.spec.walStorage?.storageClassName == className
            }.map(\.key)
        }
        var reconciler = PostgresInstanceReconciler(
            client: client, caches: caches, events: settings.events, discovery: discovery,
            statusClient: settings.instanceStatusClient,
            settings: PostgresInstanceReconciler.Settings(
                operatorImage: settings.postgresOperatorImage, operatorNamespace: settings.operatorNamespace,
                clusterDomain: settings.clusterDomain, backupObjectStore: settings.backupObjectStore,
                monitoringNamespaces: settings.monitoringNamespaces),
            now: settings.now, clock: settings.postgresClock, registry: settings.registry)
        reconciler.statusWriter.readiness = settings.timeToReady(for: PostgresInstance.self)
        return builder.complete(reconciler)
    }

    /// `options` with updates that change only the status filtered out.
    static func statusQuietOptions(_ options: ControllerOptions<PostgresInstance>) -> ControllerOptions<PostgresInstance> {
        var options = options
        options.updatePredicate = { Predicates.generationOrMetadataChanged(old: $0.metadata, new: $1.metadata) }
        return options
    }
}
