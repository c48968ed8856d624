import Foundation
import KubeCore
import KubeRuntime

/// `Tenant.status`, written only by the operator through the status subresource.
///
/// Schema: object; description "What the operator last observed of the tenant."
public struct TenantStatus: ConditionedStatus, Hashable {
    /// Schema: integer (int64); description "The metadata.generation this status describes."
    public var observedGeneration: Int64?
    /// Schema: string; description "Name of the tenant's namespace."
    public var namespace: String?
    /// The tenant's build namespace (``TenantBuildNamespace``), set once it exists, is this
    /// Tenant's and holds its quota, limits, network policy and owner access; absent when
    /// `spec.builds.enabled` is `false` or the name is taken by a namespace that is not this
    /// Tenant's. The Deployment controller runs source builds where this names.
    ///
    /// Schema: string; description "Name of the tenant's build namespace, once it exists with
    /// its quota, limits, network policy and owner access; absent when builds are disabled."
    public var buildNamespace: String?
    /// Schema: `TenantQuotaStatus`; description "Quota of the namespace: hard caps and use."
    public var quota: TenantQuotaStatus?
    /// Schema: `TenantResourceCounts`; description "Resources in the namespace, by phase."
    public var resources: TenantResourceCounts?
    /// Schema: `TenantClaims`; description "PersistentVolumeClaims in the namespace: the data
    /// it holds, kept ones included."
    public var persistentVolumeClaims: TenantClaims?
    /// Types `Ready`, `Reconciling`, `Stalled`.
    ///
    /// Schema: array of meta/v1 Condition, list-type map keyed by `type`; description
    /// "Ready, Reconciling and Stalled."
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil, namespace: String? = nil, buildNamespace: String? = nil,
        quota: TenantQuotaStatus? = nil,
        resources: TenantResourceCounts? = nil, persistentVolumeClaims: TenantClaims? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.namespace = namespace
        self.buildNamespace = buildNamespace
        self.quota = quota
        self.resources = resources
        self.persistentVolumeClaims = persistentVolumeClaims
        self.conditions = conditions
    }
}

/// The tenant ResourceQuota's `status`, copied.
///
/// Schema: object; `hard` and `used` are maps (additionalProperties int-or-string quantity).
public struct TenantQuotaStatus: Codable, Hashable, Sendable {
    /// Description: "Caps enforced on the namespace (ResourceQuota status.hard)."
    public var hard: [String: Quantity]?
    /// Description: "What the namespace uses now (ResourceQuota status.used)."
    public var used: [String: Quantity]?

    public init(hard: [String: Quantity]? = nil, used: [String: Quantity]? = nil) {
        self.hard = hard
        self.used = used
    }
}

/// How many Resources the tenant's namespace holds.
///
/// Schema: object; `total` integer (printer column `Resources`), `byPhase` map of integers
/// keyed by phase name.
public struct TenantResourceCounts: Codable, Hashable, Sendable {
    /// Description: "Number of Resources in the namespace."
    public var total: Int
    /// Description: "Number of Resources per phase (Pending, Provisioning, Ready, ...);
    /// phases with none are left out. Resources with no phase yet count as Pending."
    public var byPhase: [String: Int]?

    public init(total: Int = 0, byPhase: [String: Int]? = nil) {
        self.total = total
        self.byPhase = byPhase
    }

    /// Counts `phases` (`nil`: the Resource has no status yet, counted as `Pending`).
    public init(phases: [ResourcePhase?]) {
        var counts: [String: Int] = [:]
        for p in phases { counts[(p ?? .pending).rawValue, default: 0] += 1 }
        self.init(total: phases.count, byPhase: counts.isEmpty ? nil : counts)
    }
}
