import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the `ipfscluster` controller: an ``IPFSClusterReconciler`` with its caches.
///
/// - Primary: IPFSClusters in `settings.namespaces` (all when empty).
/// - Owned (label `app.kubernetes.io/managed-by=quartermaster`, same namespaces): Secret,
///   ConfigMap, Service, StatefulSet, NetworkPolicy, Ingress. A change to any of them
///   reconciles its controlling IPFSCluster; the StatefulSet's status updates drive the
///   IPFSCluster's status.
/// - PodDisruptionBudgets are not cached: a server that does not serve `policy/v1` (before
///   v1.21) would make their reflector fail forever and the controller never sync. The
///   reconciler lists them, only when discovery says `policy/v1` is served.
/// - StorageClasses (cluster-scoped) are cached; a change reconciles the IPFSClusters whose
///   `storageClassName` names it, so a cluster stalled on `StorageClassNotFound` recovers
///   once the class is created.
public enum IPFSClusterController {
    /// The controller's name (logs, metrics).
    public static let name = "ipfscluster"

    /// The controller, ready to be added to a `Manager`.
    public static func make(client: KubeClient, settings: ControllerSettings) -> Controller<IPFSClusterReconciler> {
        let discovery = APIDiscovery(client: client)
        let reconciler = IPFSClusterReconciler(
            client: client, events: settings.events, discovery: discovery, clusterDomain: settings.clusterDomain)
        let controller = Controller(
            name: name, client: client, reconciler: reconciler, primary: settings.reflectorOptions(),
            maxConcurrentReconciles: settings.maxConcurrentReconciles, registry: settings.registry,
            events: settings.events, logger: settings.logger)
        controller
            .owns(Secret.self)
            .owns(ConfigMap.self)
            .owns(Service.self)
            .owns(StatefulSet.self)
            .owns(NetworkPolicy.self)
            .owns(Ingress.self)
            .owns(PodDisruptionBudget.self, onlyIfServedBy: discovery)
        let clusters = controller.store
        controller.watches(StorageClass.self) { storageClass in
            guard let className = storageClass.metadata.name else { return [] }
            return clusters.list().filter { cluster in
                cluster.spec.storage.ipfs.storageClassName == className
                    || cluster.spec.storage.cluster.storageClassName == className
            }.map(\.key)
        }
        return controller
    }
}
