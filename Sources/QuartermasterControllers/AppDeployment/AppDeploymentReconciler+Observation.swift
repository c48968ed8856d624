import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// What one reconcile read of a Deployment's children, before changing anything (the status
/// computation gets the condensed ``AppDeploymentObservation``).
struct AppDeploymentObservedObjects: Sendable {
    var deployment: Deployment?
    var service: Service?
    var ingress: Ingress?
    var networkPolicy: NetworkPolicy?
    var horizontalPodAutoscaler: HorizontalPodAutoscaler?
    var podDisruptionBudget: PodDisruptionBudget?
    var claim: PersistentVolumeClaim?
    /// The Resource `<name>-db`, whoever holds it.
    var database: Resource?
    /// The IPFSCluster of `spec.ipfs`, when it exists.
    var ipfsCluster: IPFSCluster?
    /// `true`/`false` when discovery answered, `nil` when it failed (retried later).
    var autoscalingV2Served: Bool?
    var policyV1Served: Bool?
}

extension AppDeploymentReconciler {
    /// Reads everything the reconcile needs from the controller's caches, and whether
    /// `autoscaling/v2` and `policy/v1` are served (cached discovery). Sends no write.
    func observe(_ app: AppDeployment, logger: Logger) async -> AppDeploymentObservedObjects {
        let name = app.metadata.name ?? ""
        let namespace = app.metadata.namespace ?? ""
        let names = AppDeploymentNames(instance: name)
        func key(_ n: String) -> ObjectKey { ObjectKey(namespace: namespace, name: n) }

        func served(_ resource: ResourceDescriptor) async -> Bool? {
            do {
                return try await discovery.serves(resource)
            } catch {
                logger.warning(
                    "discovery failed; will retry", metadata: ["api": "\(resource.apiVersion)", "error": "\(error)"])
                return nil
            }
        }
        let autoscaling = await served(HorizontalPodAutoscaler.resource)
        let policy = await served(PodDisruptionBudget.resource)
        return AppDeploymentObservedObjects(
            deployment: caches.deployments.get(key(names.deployment)),
            service: caches.services.get(key(names.service)),
            ingress: caches.ingresses.get(key(names.ingress)),
            networkPolicy: caches.networkPolicies.get(key(names.networkPolicy)),
            horizontalPodAutoscaler: autoscaling == true ? caches.horizontalPodAutoscalers.get(key(names.horizontalPodAutoscaler)) : nil,
            podDisruptionBudget: policy == true ? caches.podDisruptionBudgets.get(key(names.podDisruptionBudget)) : nil,
            claim: caches.claims.get(key(names.dataClaim)),
            database: caches.resources.get(key(names.database)),
            ipfsCluster: app.spec.ipfs.flatMap { caches.ipfsClusters.get(key($0.cluster)) },
            autoscalingV2Served: autoscaling, policyV1Served: policy)
    }
}
