import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the Resource controller.
public enum ResourceController {
    /// `resources`: the controller's name in logs and metrics.
    public static let name = "resources"

    /// The Resource controller, with its informers declared in `cache`: Resources as primary
    /// (in `settings.namespaces`, or all); owns every kind offered as a Resource
    /// (`ResourceOffering.all`, today IPFSClusters), caching every object of it in those
    /// namespaces (the informer the kind's own controller uses as its primary; a change
    /// reconciles the controlling Resource, and the Resource of the same name, so one stalled
    /// on `NameConflict` resumes once the name is free); watches every ResourceQuota in those
    /// namespaces (a change reconciles every Resource of the namespace, so one stalled on
    /// `QuotaExceeded` recovers when quota frees up); the Resources themselves once more (a change
/// reconciles the siblings stalled on `QuotaExceeded`, whose ``QuotaReservation`` it may
/// change); and, when watching all namespaces, tenant
    /// Namespaces (label `quartermaster.dev/tenant`), for their suspension label and
    /// termination; and always every Tenant (the Tenant controller's primary informer; a change
    /// reconciles the Resources of its namespace), for its policy. The reconciler reads them as
    /// ``ResourceCaches``.
    public static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<ResourceReconciler> {
        var builder = ControllerBuilder<Resource>(
            cache: cache, name: name, primary: settings.reflectorOptions(),
            options: settings.controllerOptions(for: Resource.self))
        let resources = builder.primary
        let offerings = ResourceOffering.all
        let children = offerings.map { $0.cacheChildren(in: &builder, options: settings.reflectorOptions()) }
        // A quota that changes lets Resources stalled on it check again; the check itself lists
        // the quotas from the API server (ResourceReconciler), so only the events are used.
        builder.watches(ResourceQuota.self, options: settings.reflectorOptions()) { quota in
            keys(in: quota.metadata.namespace ?? "", resources: resources)
        }
        // A sibling that changes (created its pods, stalled, deleted) may free what the quota
        // reservation held: Resources stalled on QuotaExceeded in its namespace check again.
        builder.watches(Resource.self, options: settings.reflectorOptions()) { changed in
            quotaStalledSiblings(of: changed, resources: resources)
        }
        var namespaces: Store<Namespace>?
        let tenants = builder.watches(Tenant.self) { tenant in
            tenant.namespaceName.isEmpty ? [] : keys(in: tenant.namespaceName, resources: resources)
        }
        if settings.watchesAllNamespaces {
            namespaces = builder.watches(Namespace.self, options: ReflectorOptions(labelSelector: TenantLabels.tenant)) {
                ns in keys(in: ns.metadata.name ?? "", resources: resources)
            }
        }
        let caches = ResourceCaches(children: children, namespaces: namespaces, tenants: tenants)
        return builder.complete(
            {
                var reconciler = ResourceReconciler(client: cache.client, caches: caches, events: settings.events, offerings: offerings)
                reconciler.backupObjectStore = settings.backupObjectStore
                reconciler.statusWriter.readiness = settings.timeToReady(for: Resource.self)
                return reconciler
            }())
    }

    /// The keys of the other cached Resources in `resource`'s namespace that are `Stalled`,
    /// reason `QuotaExceeded`.
    static func quotaStalledSiblings(of resource: Resource, resources: Store<Resource>) -> [ObjectKey] {
        resources.list(namespace: resource.metadata.namespace ?? "").filter { sibling in
            sibling.key != resource.key
                && sibling.status?.conditions?.contains {
                    $0.type == "Stalled" && $0.status == .true && $0.reason == "QuotaExceeded"
                } == true
        }.map(\.key)
    }

    /// The keys of every cached Resource in `namespace`.
    static func keys(in namespace: String, resources: Store<Resource>) -> [ObjectKey] {
        resources.list(namespace: namespace).map(\.key)
    }
}
