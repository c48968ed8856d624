import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the Tenant controller.
public enum TenantController {
    /// `tenants`: the controller's name in logs and metrics.
    public static let name = "tenants"

    /// The Tenant controller: Tenants as primary; owns ResourceQuotas, LimitRanges,
    /// NetworkPolicies and RoleBindings labelled `app.kubernetes.io/managed-by=quartermaster`;
    /// watches those Namespaces (mapped to their tenant by the `quartermaster.dev/tenant` label,
    /// as the namespace carries no owner reference) and every Resource (mapped to the tenant
    /// whose namespace holds it, so the counts in `status.resources` follow).
    ///
    /// Returns `nil` when `settings` watches only some namespaces: Tenants are cluster-scoped
    /// and create namespaces.
    public static func make(client: KubeClient, settings: ControllerSettings) -> Controller<TenantReconciler>? {
        guard settings.watchesAllNamespaces else { return nil }
        let reconciler = TenantReconciler(
            client: client, events: settings.events, operatorNamespace: settings.operatorNamespace)
        let controller = Controller(
            name: name, client: client, reconciler: reconciler,
            maxConcurrentReconciles: settings.maxConcurrentReconciles, registry: settings.registry,
            events: settings.events, logger: settings.logger)
        controller
            .owns(ResourceQuota.self)
            .owns(LimitRange.self)
            .owns(NetworkPolicy.self)
            .owns(RoleBinding.self)
            .watches(
                Namespace.self, options: ReflectorOptions(labelSelector: Controller<TenantReconciler>.managedBySelector)
            ) { namespace in
                tenantKeys(forNamespaceLabels: namespace.metadata.labels)
            }
        let namespaces = controller.store(for: Namespace.self)
        let tenants = controller.store
        controller.watches(Resource.self) { resource in
            tenantKeys(
                forResourceIn: resource.metadata.namespace ?? "", namespaces: namespaces, tenants: tenants)
        }
        return controller
    }

    /// The tenant named by a namespace's `quartermaster.dev/tenant` label.
    static func tenantKeys(forNamespaceLabels labels: [String: String]?) -> [ObjectKey] {
        guard let tenant = labels?[TenantLabels.tenant], !tenant.isEmpty else { return [] }
        return [ObjectKey(namespace: nil, name: tenant)]
    }

    /// The tenants a Resource in `namespace` counts for: the one the namespace's label names,
    /// and any whose `namespaceName` is `namespace` (before the namespace is cached).
    static func tenantKeys(forResourceIn namespace: String, namespaces: Store<Namespace>?, tenants: Store<Tenant>)
        -> [ObjectKey]
    {
        var keys = Set(tenantKeys(forNamespaceLabels: namespaces?.get(name: namespace, namespace: nil)?.metadata.labels))
        for tenant in tenants.list() where tenant.namespaceName == namespace { keys.insert(tenant.key) }
        return keys.sorted()
    }
}
