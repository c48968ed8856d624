import KubeCore
import KubeRuntime

/// Finds a namespace's Tenant in the shared informer cache: the namespace's
/// `quartermaster.dev/tenant` label names it, and its `quartermaster.dev/tenant-uid` marker
/// must be that Tenant's UID (a namespace someone else labelled belongs to no tenant).
public struct TenantLookup: Sendable {
    let namespaces: Store<Namespace>?
    let tenants: Store<Tenant>?

    public init(namespaces: Store<Namespace>?, tenants: Store<Tenant>?) {
        self.namespaces = namespaces
        self.tenants = tenants
    }

    /// No tenants known (namespaces watched selectively, or tests).
    public static let none = TenantLookup(namespaces: nil, tenants: nil)

    /// The informers the Tenant controller declares (Namespaces labelled
    /// `quartermaster.dev/tenant`, every Tenant), shared with it; ``none`` when `settings`
    /// watches only some namespaces (Tenants are then not cached).
    public static func shared(in cache: InformerCache, settings: ControllerSettings) -> TenantLookup {
        guard settings.watchesAllNamespaces else { return .none }
        let namespaces = cache.informer(Namespace.self, options: ReflectorOptions(labelSelector: TenantLabels.tenant))
        let tenants = cache.informer(Tenant.self, options: ReflectorOptions())
        return TenantLookup(namespaces: namespaces.store, tenants: tenants.store)
    }

    /// The Tenant of `namespace`, or `nil`.
    public func tenant(forNamespace namespace: String) -> Tenant? {
        guard let ns = namespaces?.get(name: namespace, namespace: nil),
            let name = ns.metadata.labels?[TenantLabels.tenant],
            let tenant = tenants?.get(name: name, namespace: nil),
            let uid = tenant.metadata.uid, ns.metadata.annotations?[TenantLabels.tenantUID] == uid
        else { return nil }
        return tenant
    }
}
