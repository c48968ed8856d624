import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the `ipfscluster` controller: an ``IPFSClusterReconciler`` with its caches
/// (``IPFSClusterCaches``).
///
/// - Primary: IPFSClusters in `settings.namespaces` (all when empty).
/// - Owned (label `app.kubernetes.io/managed-by=quartermaster`, same namespaces): Secret,
///   ConfigMap, Service, StatefulSet, NetworkPolicy, Ingress, PodDisruptionBudget. A change to
///   any of them reconciles its controlling IPFSCluster; the StatefulSet's status updates drive
///   the IPFSCluster's status.
/// - PodDisruptionBudgets are cached only once discovery shows `policy/v1` served (before
///   v1.21 it is not, and a reflector for it would fail forever and never sync); until then
///   their cache stays empty and counts as synced, and the reconciler creates none.
/// - StorageClasses (cluster-scoped, all of them) are cached; a change reconciles the
///   IPFSClusters whose `storageClassName` names it, so a cluster stalled on
///   `StorageClassNotFound` recovers once the class is created.
/// - Tenants (cluster-scoped, all of them, also when only some namespaces are watched: a
///   tenant's policy holds whatever the operator's scope; the Tenant controller's primary
///   informer, so one list and watch): a Tenant's change reconciles the IPFSClusters of its
///   namespace (``Tenant/namespaceName``), for its suspension and policy
///   (``TenantEnforcement``).
/// - Host claims (``HostClaim``: Leases labelled `component=host-claim` in
///   ``ControllerSettings/hostClaimNamespace``) are cached; a change reconciles the claim's
///   holder and every IPFSCluster asking for its host, so a cluster stalled on `HostConflict`
///   claims the host once it is released.
/// - Events of the StatefulSet controller about StatefulSets, in the same namespaces
///   (``StatefulSetQuotaFailure/eventFieldSelector``); one reconciles the IPFSCluster whose
///   StatefulSet it is about, so pods refused for quota (`FailedCreate`) show on the cluster.
public enum IPFSClusterController {
    /// The controller's name (logs, metrics).
    public static let name = "ipfscluster"

    /// The controller, with its informers declared in `cache`; ready to be added to the
    /// `Manager` that runs `cache`.
    public static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<IPFSClusterReconciler> {
        let client = cache.client
        let discovery = APIDiscovery(client: client)
        var builder = ControllerBuilder<IPFSCluster>(
            cache: cache, name: name, primary: settings.reflectorOptions(),
            options: settings.controllerOptions(for: IPFSCluster.self))
        let clusters = builder.primary
        let caches = IPFSClusterCaches(
            clusters: clusters,
            secrets: builder.owns(Secret.self),
            configMaps: builder.owns(ConfigMap.self),
            services: builder.owns(Service.self),
            statefulSets: builder.owns(StatefulSet.self),
            networkPolicies: builder.owns(NetworkPolicy.self),
            ingresses: builder.owns(Ingress.self),
            podDisruptionBudgets: builder.owns(PodDisruptionBudget.self, onlyIfServedBy: discovery),
            storageClasses: builder.watches(StorageClass.self) { storageClass in
                guard let className = storageClass.metadata.name else { return [] }
                return clusters.list().filter { cluster in
                    cluster.spec.storage.ipfs.storageClassName == className
                        || cluster.spec.storage.cluster.storageClassName == className
                }.map(\.key)
            },
            tenants: builder.watches(Tenant.self) { tenant in
                let namespace = tenant.namespaceName
                return namespace.isEmpty ? [] : clusters.list(namespace: namespace).map(\.key)
            },
            hostClaims: builder.watches(
                Lease.self,
                options: ReflectorOptions(labelSelector: HostClaim.selector, namespaces: [settings.hostClaimNamespace])
            ) { claim in
                var keys: [ObjectKey] = []
                if let holder = HostClaim.holder(of: claim), holder.kind == IPFSCluster.resource.kind,
                    holder.group == IPFSCluster.resource.group
                {
                    keys.append(ObjectKey(namespace: holder.namespace, name: holder.name))
                }
                if let host = HostClaim.host(of: claim) {
                    keys += clusters.list().filter { $0.spec.claimedHosts.contains { $0.value == host } }.map(\.key)
                }
                return keys
            },
            statefulSetEvents: builder.watches(
                Event.self, options: settings.reflectorOptions(fieldSelector: StatefulSetQuotaFailure.eventFieldSelector)
            ) { event in
                let involved = event.involvedObject
                guard involved.kind == StatefulSet.resource.kind, let name = involved.name,
                    let namespace = involved.namespace ?? event.metadata.namespace
                else { return [] }
                let key = ObjectKey(namespace: namespace, name: name)
                return clusters.get(key) == nil ? [] : [key]
            })
        var reconciler = IPFSClusterReconciler(
            client: client, caches: caches, events: settings.events, discovery: discovery,
            clusterDomain: settings.clusterDomain, hostClaimNamespace: settings.hostClaimNamespace,
            monitoring: settings.workloadMonitoring)
        reconciler.statusWriter.readiness = settings.timeToReady(for: IPFSCluster.self)
        return builder.complete(reconciler)
    }
}
