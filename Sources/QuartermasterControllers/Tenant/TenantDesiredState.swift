import Foundation
import KubeCore

/// Everything the operator keeps for one Tenant, computed from the Tenant alone (pure).
///
/// Every object carries the labels `quartermaster.dev/tenant=<tenant>` and
/// `app.kubernetes.io/managed-by=quartermaster` and a controller owner reference to the
/// Tenant (a cluster-scoped owner may own the cluster-scoped Namespace and namespaced objects
/// alike). Namespaced objects live in `namespaceName`.
public struct TenantDesiredState: Hashable, Sendable {
    /// `quartermaster-tenant`: name of the ResourceQuota.
    public static let quotaName = "quartermaster-tenant"
    /// `quartermaster-tenant`: name of the LimitRange.
    public static let limitRangeName = "quartermaster-tenant"
    /// `quartermaster-tenant-owners`: name of the owners' RoleBinding.
    public static let roleBindingName = "quartermaster-tenant-owners"

    /// The tenant's namespace name.
    public var namespaceName: String
    /// The Namespace: tenant labels, `kubernetes.io/metadata.name`, Pod Security `restricted`
    /// (enforce, audit, warn at `latest`), and `quartermaster.dev/suspended=true` when suspended.
    public var namespace: Namespace
    /// The ResourceQuota `quartermaster-tenant`: the effective quota's `hard` map (empty for an
    /// enterprise tenant with no overrides: present but capping nothing).
    public var resourceQuota: ResourceQuota
    /// The LimitRange `quartermaster-tenant`: one `Container` item from the effective limits.
    public var limitRange: LimitRange
    /// See `TenantNetworkPolicies`.
    public var networkPolicies: [NetworkPolicy]
    /// The RoleBinding `quartermaster-tenant-owners` granting `quartermaster-tenant-owner` to
    /// the owners (a service account without a namespace gets the tenant's namespace).
    public var roleBinding: RoleBinding
    /// The build namespace and its objects (``TenantBuildDesiredState``); `nil` when
    /// `spec.builds.enabled` is `false`.
    public var builds: TenantBuildDesiredState?

    /// Operator-managed NetworkPolicy names that must not exist (delete them if they do).
    public var staleNetworkPolicyNames: [String] {
        let wanted = Set(networkPolicies.compactMap(\.metadata.name))
        return TenantNetworkPolicies.allNames.filter { !wanted.contains($0) }
    }

    /// Computes the desired objects.
    ///
    /// - Parameter operatorNamespace: the operator's own namespace, never a tenant's. Default
    ///   `nil` (only `default` and `kube-*` are reserved).
    /// - Throws: `TenantSpecError` when the Tenant has no name/uid or its spec is invalid.
    public static func compute(tenant: Tenant, operatorNamespace: String? = nil) throws(TenantSpecError)
        -> TenantDesiredState
    {
        try TenantDesiredState(tenant: tenant, operatorNamespace: operatorNamespace)
    }

    private init(tenant: Tenant, operatorNamespace: String?) throws(TenantSpecError) {
        guard let tenantName = tenant.metadata.name, !tenantName.isEmpty, let owner = tenant.ownerReference() else {
            throw .missingIdentity
        }
        let spec = tenant.spec
        guard spec.unrecognizedValues.isEmpty else { throw .unknownValues(spec.unrecognizedValues) }
        let ns = tenant.namespaceName
        guard TenantSpecError.isValidNamespaceName(ns) else { throw .invalidNamespaceName(ns) }
        guard !TenantSpecError.isReservedNamespace(ns, operatorNamespace: operatorNamespace) else {
            throw .reservedNamespace(ns)
        }
        for (i, o) in (spec.owners ?? []).enumerated() where o.name.isEmpty { throw .emptyOwnerName(index: i) }
        let allowFrom = spec.network?.allowFrom ?? []
        for (i, p) in allowFrom.enumerated() where (p.namespace == nil) == (p.namespaceSelector == nil) {
            throw .invalidNetworkPeer(index: i)
        }
        let quota = spec.effectiveQuota
        for (field, value) in [
            ("cpu", quota.cpu), ("memory", quota.memory), ("storage", quota.storage), ("limitsCPU", quota.limitsCPU),
            ("limitsMemory", quota.limitsMemory),
        ] where (value.map { $0.value < 0 } ?? false) {
            throw .negativeQuota(field: field)
        }
        for (field, count) in [
            ("persistentVolumeClaims", quota.persistentVolumeClaims), ("resources", quota.resources),
            ("ipfsClusters", quota.ipfsClusters), ("loadBalancers", quota.loadBalancers), ("nodePorts", quota.nodePorts),
            ("ingresses", quota.ingresses),
        ] where (count ?? 0) < 0 {
            throw .negativeQuota(field: field)
        }
        let limits = spec.effectiveLimits
        let problems = limits.inconsistencies
        guard problems.isEmpty else { throw .inconsistentLimits(problems) }
        let buildSettings = spec.effectiveBuilds
        let buildProblems = TenantBuildDesiredState.problems(
            buildSettings, tenantNamespace: ns, operatorNamespace: operatorNamespace)
        guard buildProblems.isEmpty else { throw .invalidBuilds(buildProblems) }

        let labels = TenantLabels.common(tenant: tenantName)
        func meta(_ name: String, namespace: String?) -> ObjectMeta {
            ObjectMeta(name: name, namespace: namespace, labels: labels, ownerReferences: [owner])
        }

        var nsLabels = labels.merging(TenantLabels.podSecurityRestricted) { a, _ in a }
        nsLabels[TenantLabels.namespaceName] = ns
        if spec.isSuspended { nsLabels[TenantLabels.suspended] = "true" }
        namespaceName = ns
        namespace = Namespace(
            metadata: ObjectMeta(
                name: ns, labels: nsLabels, annotations: [TenantLabels.tenantUID: owner.uid], ownerReferences: [owner]))
        resourceQuota = ResourceQuota(
            metadata: meta(Self.quotaName, namespace: ns), spec: ResourceQuotaSpec(hard: quota.hard))
        limitRange = LimitRange(
            metadata: meta(Self.limitRangeName, namespace: ns), spec: LimitRangeSpec(limits: [limits.limitRangeItem]))
        networkPolicies = TenantNetworkPolicies.policies(
            namespace: ns, allowFrom: allowFrom, suspended: spec.isSuspended, metadata: { meta($0, namespace: ns) })
        let subjects = (spec.owners ?? []).map { $0.subject(defaultNamespace: ns) }
        roleBinding = RoleBinding(
            metadata: meta(Self.roleBindingName, namespace: ns),
            roleRef: RoleRef(kind: "ClusterRole", name: TenantOwnerRole.name),
            subjects: subjects)
        builds =
            buildSettings.isEnabled
            ? TenantBuildDesiredState(
                tenant: tenantName, owner: owner, tenantNamespace: ns, builds: buildSettings, owners: spec.owners ?? [])
            : nil
    }
}
