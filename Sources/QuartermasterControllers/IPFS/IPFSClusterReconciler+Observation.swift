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

    /// Reads everything the reconcile needs: owned objects from the controller's caches (or,
    /// for a kind not cached, one list request), StorageClass names, and whether `policy/v1`
    /// is served. Sends no write.
    func observe(_ cluster: IPFSCluster, context: ReconcileContext<IPFSCluster>) async throws -> IPFSClusterObservedObjects {
        let name = cluster.metadata.name ?? ""
        let namespace = cluster.metadata.namespace ?? ""
        let names = IPFSClusterNames(instance: name)
        let selector = Self.instanceSelector(name)

        func instanceObjects<T: KubeResource>(_ type: T.Type) async throws -> [String: T] {
            let objects: [T]
            if let store = context.store(for: T.self) {
                objects = store.list(namespace: namespace).filter { o in
                    let labels = o.metadata.labels ?? [:]
                    return selector.allSatisfy { labels[$0.key] == $0.value }
                }
            } else {
                let text = selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                objects = try await client.listAll(T.self, namespace: namespace, options: ListOptions(labelSelector: text)).items
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
            if let store = context.store(for: StorageClass.self) {
                storageClassNames = Set(store.list().compactMap(\.metadata.name))
            } else {
                storageClassNames = Set(try await client.listAll(StorageClass.self).items.compactMap(\.metadata.name))
            }
        }

        return IPFSClusterObservedObjects(
            secret: try await instanceObjects(Secret.self)[names.secret],
            configMap: try await instanceObjects(ConfigMap.self)[names.configMap],
            services: try await instanceObjects(Service.self),
            statefulSet: try await instanceObjects(StatefulSet.self)[names.statefulSet],
            networkPolicy: try await instanceObjects(NetworkPolicy.self)[names.networkPolicy],
            ingresses: try await instanceObjects(Ingress.self),
            podDisruptionBudgets: served == true ? try await instanceObjects(PodDisruptionBudget.self) : [:],
            podDisruptionBudgetServed: served,
            storageClassNames: storageClassNames)
    }
}
