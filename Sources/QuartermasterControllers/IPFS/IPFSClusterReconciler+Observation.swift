import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// What one reconcile read of an IPFSCluster's objects, before changing anything (the status
/// computation gets the condensed ``IPFSClusterObservation``).
struct IPFSClusterObservedObjects: Sendable {
    var secret: Secret?
    var configMap: ConfigMap?
    /// Services of the instance, by name.
    var services: [String: Service]
    var statefulSet: StatefulSet?
    var networkPolicy: NetworkPolicy?
    /// Ingresses of the instance, by name.
    var ingresses: [String: Ingress]
    /// PodDisruptionBudgets of the instance, by name (empty when `policy/v1` is not served).
    var podDisruptionBudgets: [String: PodDisruptionBudget]
    /// `true`/`false` when discovery answered, `nil` when it failed (retried later).
    var podDisruptionBudgetServed: Bool?
    /// Names of the cluster's StorageClasses, `nil` when unknown.
    var storageClassNames: Set<String>?
}

extension IPFSClusterReconciler {
    /// The label selector of every object the operator makes for `instance`: the stable
    /// selector labels plus `managed-by`.
    static func instanceSelector(_ instance: String) -> [String: String] {
        QuartermasterLabels.selector(name: IPFSClusterNames.appName, instance: instance).merging([
            QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue
        ]) { a, _ in a }
    }

    /// Reads everything the reconcile needs from the controller's caches (``caches``): the
    /// instance's owned objects, StorageClass names, and whether `policy/v1` is served
    /// (cached discovery). Sends no write.
    func observe(_ cluster: IPFSCluster, context: ReconcileContext<IPFSCluster>) async throws -> IPFSClusterObservedObjects {
        let name = cluster.metadata.name ?? ""
        let namespace = cluster.metadata.namespace ?? ""
        let names = IPFSClusterNames(instance: name)
        let selector = Self.instanceSelector(name)

        /// The instance's objects in `store`, by name.
        func instanceObjects<T: KubeResource>(_ store: Store<T>) -> [String: T] {
            let objects = store.list(namespace: namespace).filter { o in
                let labels = o.metadata.labels ?? [:]
                return selector.allSatisfy { labels[$0.key] == $0.value }
            }
            return Dictionary(objects.map { ($0.metadata.name ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }

        var served: Bool?
        do {
            served = try await discovery.serves(PodDisruptionBudget.resource)
        } catch {
            context.logger.warning("discovery of policy/v1 failed; will retry", metadata: ["error": "\(error)"])
            served = nil
        }

        var storageClassNames: Set<String>?
        let classes = [cluster.spec.storage.ipfs.storageClassName, cluster.spec.storage.cluster.storageClassName]
            .compactMap { $0 }.filter { !$0.isEmpty }
        if !classes.isEmpty {
            storageClassNames = Set(caches.storageClasses.list().compactMap(\.metadata.name))
        }

        return IPFSClusterObservedObjects(
            secret: instanceObjects(caches.secrets)[names.secret],
            configMap: instanceObjects(caches.configMaps)[names.configMap],
            services: instanceObjects(caches.services),
            statefulSet: instanceObjects(caches.statefulSets)[names.statefulSet],
            networkPolicy: instanceObjects(caches.networkPolicies)[names.networkPolicy],
            ingresses: instanceObjects(caches.ingresses),
            podDisruptionBudgets: served == true ? instanceObjects(caches.podDisruptionBudgets) : [:],
            podDisruptionBudgetServed: served,
            storageClassNames: storageClassNames)
    }
}
