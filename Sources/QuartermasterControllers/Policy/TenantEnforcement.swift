import KubeCore

/// What the Tenant of a namespace imposes on every workload in it: its suspension and its
/// policy (``TenantSpec/effectivePolicy``). A namespace no Tenant names has neither: nothing
/// is suspended and no policy applies (``unrestricted``).
///
/// Pure; the reconcilers build it from their Tenant cache (``of(namespace:tenants:)``).
public struct TenantEnforcement: Hashable, Sendable {
    /// The Tenant's name; `nil` when no Tenant names the namespace.
    public var tenant: String?
    /// `spec.suspended` of the Tenant: every workload scales to zero, data kept.
    public var suspended: Bool
    /// The Tenant's effective policy; `nil` when no Tenant names the namespace.
    public var policy: TenantPolicy?

    public init(tenant: String?, suspended: Bool, policy: TenantPolicy?) {
        self.tenant = tenant
        self.suspended = suspended
        self.policy = policy
    }

    /// No Tenant: not suspended, no policy.
    public static let unrestricted = TenantEnforcement(tenant: nil, suspended: false, policy: nil)

    /// What `tenant` imposes.
    public init(_ tenant: Tenant) {
        self.init(
            tenant: tenant.metadata.name, suspended: tenant.spec.isSuspended, policy: tenant.spec.effectivePolicy)
    }

    /// What the Tenant whose namespace is `namespace` (``Tenant/namespaceName``) imposes, among
    /// `tenants`; ``unrestricted`` when none names it. Should several name it (only one of them
    /// got the namespace; the others are `NamespaceConflict`), the oldest wins (creation time,
    /// then name), as the oldest is the one that created it.
    public static func of(namespace: String, tenants: [Tenant]) -> TenantEnforcement {
        let candidates = tenants.filter { $0.namespaceName == namespace && !namespace.isEmpty }
        let oldest = candidates.min { a, b in
            let ta = a.metadata.creationTimestamp ?? "", tb = b.metadata.creationTimestamp ?? ""
            return ta != tb ? ta < tb : (a.metadata.name ?? "") < (b.metadata.name ?? "")
        }
        return oldest.map(TenantEnforcement.init) ?? .unrestricted
    }

    /// The policy's violations by `subject` (``TenantPolicy/violations(of:)``); none without a
    /// Tenant.
    public func violations(of subject: WorkloadPolicySubject) -> [TenantPolicyViolation] {
        policy?.violations(of: subject) ?? []
    }

    /// The node selector the workload's pods get: `own` with the forced node selector merged
    /// over it (``TenantPolicy/nodeSelector(mergedOver:)``); `own` without a Tenant.
    public func nodeSelector(mergedOver own: [String: String]?) -> [String: String]? {
        guard let policy else { return own }
        return policy.nodeSelector(mergedOver: own)
    }
}
