import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the Tenant controller.
public enum TenantController {
    /// `tenants`: the controller's name in logs and metrics.
    public static let name = "tenants"

    /// How long a Resource, claim or quota change waits before its Tenant is reconciled: 1 s.
    /// A tenant's Resources move through their stages together, and the quota admission
    /// rewrites the quota's `used` as each of their objects is admitted (a fleet of 100
    /// Resources made up to 22 Tenant status writes per Tenant, with conflicts, when each change
    /// reconciled at once); their changes within the second make one reconcile and at most one
    /// status write.
    public static let countsCoalescing = Duration.seconds(1)

    /// The Tenant controller, with its informers declared in `cache`: Tenants as primary;
    /// owns every ResourceQuota (a change reconciles its Tenant at most ``countsCoalescing`` later; the informer the Resource controller declares too: only a
    /// quota with a controller reference to a Tenant enqueues that Tenant, and the reconciler
    /// reads only its own quota, by name, judged by its controller reference) and the
    /// LimitRanges, NetworkPolicies and RoleBindings labelled
    /// `app.kubernetes.io/managed-by=quartermaster`; watches the Namespaces labelled
    /// `quartermaster.dev/tenant` (every namespace a Tenant creates, its build namespace included, carries it; shared with
    /// the Resource controller; mapped to their tenant by that label, as the namespace carries
    /// no owner reference), every Resource and every PersistentVolumeClaim (each mapped to the
    /// tenant whose namespace holds it, so `status.resources` and
    /// `status.persistentVolumeClaims` follow, at most ``countsCoalescing`` behind). The
    /// reconciler reads them as ``TenantCaches``.
    ///
    /// Returns `nil` when `settings` watches only some namespaces: Tenants are cluster-scoped
    /// and create namespaces.
    public static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<TenantReconciler>? {
        guard settings.watchesAllNamespaces else { return nil }
        var builder = ControllerBuilder<Tenant>(
            cache: cache, name: name, options: settings.controllerOptions(for: Tenant.self))
        let tenants = builder.primary
        let quotas = builder.owns(ResourceQuota.self, allObjects: true, coalescing: countsCoalescing)
        let limitRanges = builder.owns(LimitRange.self)
        let networkPolicies = builder.owns(NetworkPolicy.self)
        let roleBindings = builder.owns(RoleBinding.self)
        let namespaces = builder.watches(
            Namespace.self, options: ReflectorOptions(labelSelector: TenantLabels.tenant)
        ) { namespace in
            tenantKeys(forNamespaceLabels: namespace.metadata.labels)
        }
        let resources = builder.watches(Resource.self, coalescing: countsCoalescing) { resource in
            tenantKeys(forResourceIn: resource.metadata.namespace ?? "", namespaces: namespaces, tenants: tenants)
        }
        let claims = builder.watches(PersistentVolumeClaim.self, coalescing: countsCoalescing) { claim in
            tenantKeys(forResourceIn: claim.metadata.namespace ?? "", namespaces: namespaces, tenants: tenants)
        }
        let caches = TenantCaches(
            namespaces: namespaces, quotas: quotas, limitRanges: limitRanges, networkPolicies: networkPolicies,
            roleBindings: roleBindings, resources: resources, claims: claims)
        var reconciler = TenantReconciler(
            client: cache.client, caches: caches, events: settings.events, operatorNamespace: settings.operatorNamespace)
        reconciler.backupObjectStore = settings.backupObjectStore
        return builder.complete(reconciler)
    }

    /// The tenant named by a namespace's `quartermaster.dev/tenant` label.
    static func tenantKeys(forNamespaceLabels labels: [String: String]?) -> [ObjectKey] {
        guard let tenant = labels?[TenantLabels.tenant], !tenant.isEmpty else { return [] }
        return [ObjectKey(namespace: nil, name: tenant)]
    }

    /// The tenants a Resource (or claim) in `namespace` counts for: the one the namespace's label names,
    /// and any whose `namespaceName` is `namespace` (before the namespace is cached).
    static func tenantKeys(forResourceIn namespace: String, namespaces: Store<Namespace>, tenants: Store<Tenant>)
        -> [ObjectKey]
    {
        var keys = Set(tenantKeys(forNamespaceLabels: namespaces.get(name: namespace, namespace: nil)?.metadata.labels))
        for tenant in tenants.list() where tenant.namespaceName == namespace { keys.insert(tenant.key) }
        return keys.sorted()
    }
}
