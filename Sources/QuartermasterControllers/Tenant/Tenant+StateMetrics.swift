import KubeRuntime

extension Tenant {
    /// The Tenant kind's own state families, from `status.quota` (the tenant namespace's
    /// ResourceQuota, copied), one sample per quota resource (`requests.cpu`, `count/…`, …) in
    /// the quantity's base unit (cores, bytes, objects):
    ///
    /// - `quartermaster_tenant_quota_hard{tenant,namespace,resource}`;
    /// - `quartermaster_tenant_quota_used{tenant,namespace,resource}`.
    ///
    /// A Tenant whose status has no quota yet has no samples.
    public static func quotaFamilies(_ tenants: [Tenant]) -> [StateMetricFamily] {
        typealias Label = StateMetricFamily.Label
        var hard: [StateMetricFamily.Sample] = [], used: [StateMetricFamily.Sample] = []
        for tenant in tenants.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }) {
            guard let quota = tenant.status?.quota else { continue }
            let owner = [Label("tenant", tenant.metadata.name ?? ""), Label("namespace", tenant.status?.namespace ?? "")]
            for (resource, value) in (quota.hard ?? [:]).sorted(by: { $0.key < $1.key }) {
                hard.append(.init(owner + [Label("resource", resource)], value.doubleValue))
            }
            for (resource, value) in (quota.used ?? [:]).sorted(by: { $0.key < $1.key }) {
                used.append(.init(owner + [Label("resource", resource)], value.doubleValue))
            }
        }
        return [
            StateMetricFamily(
                name: "quartermaster_tenant_quota_hard",
                help: "A tenant namespace's ResourceQuota cap per resource, in base units.", samples: hard),
            StateMetricFamily(
                name: "quartermaster_tenant_quota_used",
                help: "What a tenant namespace uses of its ResourceQuota per resource, in base units.", samples: used),
        ]
    }
}
