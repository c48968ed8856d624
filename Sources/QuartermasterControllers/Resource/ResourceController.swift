import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the Resource controller.
public enum ResourceController {
    /// `resources`: the controller's name in logs and metrics.
    public static let name = "resources"

    /// The Resource controller: Resources as primary (in `settings.namespaces`, or all); owns
    /// the children of every kind offered as a Resource (`ResourceOffering.all`, today
    /// IPFSClusters) labelled `app.kubernetes.io/managed-by=quartermaster`; watches every
    /// ResourceQuota in those namespaces (a change reconciles every Resource of the namespace,
    /// so one stalled on `QuotaExceeded` recovers when quota frees up); and, when watching all
    /// namespaces, tenant Namespaces (label `quartermaster.dev/tenant`), for their suspension
    /// label and termination.
    public static func make(client: KubeClient, settings: ControllerSettings) -> Controller<ResourceReconciler> {
        let reconciler = ResourceReconciler(client: client, events: settings.events)
        let controller = Controller(
            name: name, client: client, reconciler: reconciler, primary: settings.reflectorOptions(),
            maxConcurrentReconciles: settings.maxConcurrentReconciles, registry: settings.registry,
            events: settings.events, logger: settings.logger)
        for offering in reconciler.offerings { offering.cacheChildren(on: controller) }
        let resources = controller.store
        controller.watches(ResourceQuota.self, options: settings.reflectorOptions()) { quota in
            keys(in: quota.metadata.namespace ?? "", resources: resources)
        }
        if settings.watchesAllNamespaces {
            controller.watches(Namespace.self, options: ReflectorOptions(labelSelector: TenantLabels.tenant)) { ns in
                keys(in: ns.metadata.name ?? "", resources: resources)
            }
        }
        return controller
    }

    /// The keys of every cached Resource in `namespace`.
    static func keys(in namespace: String, resources: Store<Resource>) -> [ObjectKey] {
        resources.list(namespace: namespace).map(\.key)
    }
}
