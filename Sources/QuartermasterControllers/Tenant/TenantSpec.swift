import Foundation
import KubeCore

/// `Tenant.spec`.
///
/// Schema: object; description "What the tenant is entitled to and who owns it." Every
/// field is optional; unknown fields are rejected.
public struct TenantSpec: Codable, Hashable, Sendable {
    /// Who may manage the tenant's Resources.
    ///
    /// Schema: array of `TenantOwner`; description "Users, groups and service accounts granted
    /// the quartermaster-tenant-owner role in the tenant's namespace." Default: none.
    public var owners: [TenantOwner]?
    /// The preset of quota and container limits.
    ///
    /// Schema: string, enum `free`, `basic`, `pro`, `enterprise`, default `free`; description
    /// "Preset of quota and container limits; quota and limits override it."
    public var tier: TenantTier?
    /// Quota values that override the tier's.
    ///
    /// Schema: `TenantQuota`; description "Overrides of the tier's quota, field by field."
    public var quota: TenantQuota?
    /// Container defaults and maxima that override the tier's.
    ///
    /// Schema: `TenantContainerLimits`; description "Overrides of the tier's per-container
    /// default requests, default limits and maxima, resource by resource."
    public var limits: TenantContainerLimits?
    /// The name of the tenant's namespace. Default: the tenant's name.
    ///
    /// Schema: string, maxLength 63, pattern `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`; description
    /// "Name of the tenant's namespace; defaults to the tenant's name." Immutable in practice:
    /// changing it creates a new namespace and leaves the old one to the administrator.
    public var namespace: String?
    /// Who may reach the tenant's pods besides the tenant itself.
    ///
    /// Schema: `TenantNetwork`; description "Namespaces allowed to reach the tenant's pods."
    public var network: TenantNetwork?
    /// `true` scales the tenant's workloads to zero and blocks all ingress; data is kept.
    ///
    /// Schema: boolean, default `false`; description "Scale the tenant's workloads to zero and
    /// block ingress, keeping all data."
    public var suspended: Bool?
    /// What deleting the Tenant does with the data left in its namespace. Default `Retain`:
    /// wait until it is gone.
    ///
    /// Schema: string, enum `Retain`, `DeleteData`, default `Retain` (see
    /// `TenantDeletionPolicy`).
    public var deletionPolicy: TenantDeletionPolicy?
    /// What the workloads in the namespace may ask for, over the tier's defaults
    /// (``TenantTier/policy``), field by field. Default: the tier's.
    ///
    /// Schema: `TenantPolicy` (see ``TenantPolicy``).
    public var policy: TenantPolicy?
    /// The tenant's build namespace, where source builds run. Default: enabled, Pod Security
    /// `baseline`, the default build quota, no extra egress (see ``TenantBuilds``).
    ///
    /// Schema: `TenantBuilds`.
    public var builds: TenantBuilds?

    public init(
        owners: [TenantOwner]? = nil, tier: TenantTier? = nil, quota: TenantQuota? = nil,
        limits: TenantContainerLimits? = nil, namespace: String? = nil, network: TenantNetwork? = nil,
        suspended: Bool? = nil, deletionPolicy: TenantDeletionPolicy? = nil, policy: TenantPolicy? = nil,
        builds: TenantBuilds? = nil
    ) {
        self.owners = owners
        self.tier = tier
        self.quota = quota
        self.limits = limits
        self.namespace = namespace
        self.network = network
        self.suspended = suspended
        self.deletionPolicy = deletionPolicy
        self.policy = policy
        self.builds = builds
    }

    /// Enum values this operator does not know (`tier`, `deletionPolicy`, owners' `kind`), as messages; filled
    /// while decoding, never encoded. A spec with any is invalid and nothing is built from it.
    public var unknownValues: [String] = []

    /// Every unknown enum value of the spec, its owners' and `builds.podSecurity` included.
    public var unrecognizedValues: [String] {
        unknownValues + (owners ?? []).flatMap(\.unknownValues) + (builds?.unknownValues ?? [])
    }

    enum CodingKeys: String, CodingKey { case owners, tier, quota, limits, namespace, network, suspended, deletionPolicy, policy, builds }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        owners = try c.decodeIfPresent([TenantOwner].self, forKey: .owners)
        var unknown: [String] = []
        if c.contains(.tier) {
            tier = try c.decodeOpenEnum(TenantTier.self, forKey: .tier, default: .free, unknown: &unknown)
        }
        if c.contains(.deletionPolicy) {
            deletionPolicy = try c.decodeOpenEnum(
                TenantDeletionPolicy.self, forKey: .deletionPolicy, default: .retain, unknown: &unknown)
        }
        unknownValues = unknown
        quota = try c.decodeIfPresent(TenantQuota.self, forKey: .quota)
        limits = try c.decodeIfPresent(TenantContainerLimits.self, forKey: .limits)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace)
        network = try c.decodeIfPresent(TenantNetwork.self, forKey: .network)
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended)
        policy = try c.decodeIfPresent(TenantPolicy.self, forKey: .policy)
        builds = try c.decodeIfPresent(TenantBuilds.self, forKey: .builds)
    }

    /// `tier`, or `free` when unset.
    public var effectiveTier: TenantTier { tier ?? .free }

    /// `deletionPolicy`, or `Retain` when unset.
    public var effectiveDeletionPolicy: TenantDeletionPolicy { deletionPolicy ?? .retain }

    /// `suspended`, or `false` when unset.
    public var isSuspended: Bool { suspended ?? false }

    /// The quota the tenant gets: the tier's preset, overridden field by field by `quota`.
    public var effectiveQuota: TenantQuota { effectiveTier.quota.overridden(by: quota) }

    /// The policy the tenant's workloads are held to: the tier's (``TenantTier/policy``),
    /// overridden field by field by `policy`.
    public var effectivePolicy: TenantPolicy { effectiveTier.policy.overridden(by: policy) }

    /// `builds`, or every default when unset (``TenantBuilds``).
    public var effectiveBuilds: TenantBuilds { builds ?? TenantBuilds() }

    /// The container limits the tenant gets: the tier's preset, overridden by `limits`.
    public var effectiveLimits: TenantContainerLimits { effectiveTier.limits.overridden(by: limits) }
}

/// One owner of a tenant: an RBAC subject.
///
/// Schema: object, required `kind` and `name`; description "An RBAC subject granted the
/// tenant owner role."
public struct TenantOwner: Codable, Hashable, Sendable {
    /// Schema: string, enum `User`, `Group`, `ServiceAccount`; description "Kind of subject."
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case user = "User", group = "Group", serviceAccount = "ServiceAccount"
    }

    public var kind: Kind
    /// Schema: string, minLength 1; description "User, group or service account name."
    public var name: String
    /// The service account's namespace. Ignored for users and groups. Default for service
    /// accounts: the tenant's namespace.
    ///
    /// Schema: string; description "Namespace of a service account; defaults to the
    /// tenant's namespace. Ignored for users and groups."
    public var namespace: String?

    /// Unknown enum values met while decoding (never encoded).
    public var unknownValues: [String] = []

    public init(kind: Kind, name: String, namespace: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    enum CodingKeys: String, CodingKey { case kind, name, namespace }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeOpenEnum(Kind.self, forKey: .kind, default: .user, unknown: &unknownValues)
        name = try c.decode(String.self, forKey: .name)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace)
    }

    public static func user(_ name: String) -> TenantOwner { TenantOwner(kind: .user, name: name) }
    public static func group(_ name: String) -> TenantOwner { TenantOwner(kind: .group, name: name) }
    public static func serviceAccount(_ name: String, namespace: String? = nil) -> TenantOwner {
        TenantOwner(kind: .serviceAccount, name: name, namespace: namespace)
    }

    /// The RBAC subject; a service account without a namespace gets `defaultNamespace`.
    public func subject(defaultNamespace: String) -> Subject {
        switch kind {
        case .user: return .user(name)
        case .group: return .group(name)
        case .serviceAccount: return .serviceAccount(name, namespace: namespace ?? defaultNamespace)
        }
    }
}

/// `Tenant.spec.network`: namespaces allowed to reach the tenant's pods.
///
/// Schema: object; description "Namespaces allowed to reach the tenant's pods."
public struct TenantNetwork: Codable, Hashable, Sendable {
    /// Schema: array of `TenantNetworkPeer`; description "Namespaces (by name or by labels)
    /// whose pods may reach the tenant's pods, such as the ingress controller's and
    /// monitoring's." Default: none (only the tenant's own namespace).
    public var allowFrom: [TenantNetworkPeer]?

    public init(allowFrom: [TenantNetworkPeer]? = nil) { self.allowFrom = allowFrom }
}

/// One source of allowed ingress: a namespace by name, or namespaces by labels.
///
/// Schema: object, exactly one of `namespace` and `namespaceSelector` (express with
/// `oneOf` of two `required` lists); description "A namespace by name, or namespaces by
/// labels."
///
/// A namespace named here is matched by its `kubernetes.io/metadata.name` label. Kubernetes
/// sets that label itself from 1.21; on 1.20 the administrator must label foreign namespaces
/// (`kubectl label namespace ingress-nginx kubernetes.io/metadata.name=ingress-nginx`). The
/// operator labels the namespaces it creates.
public struct TenantNetworkPeer: Codable, Hashable, Sendable {
    /// Schema: string; description "Name of a namespace allowed to reach the tenant (matched
    /// by its kubernetes.io/metadata.name label)."
    public var namespace: String?
    /// Schema: LabelSelector (matchLabels, matchExpressions); description "Labels of the
    /// namespaces allowed to reach the tenant."
    public var namespaceSelector: LabelSelector?

    public init(namespace: String? = nil, namespaceSelector: LabelSelector? = nil) {
        self.namespace = namespace
        self.namespaceSelector = namespaceSelector
    }

    public static func named(_ name: String) -> TenantNetworkPeer { TenantNetworkPeer(namespace: name) }
    public static func labelled(_ labels: [String: String]) -> TenantNetworkPeer {
        TenantNetworkPeer(namespaceSelector: LabelSelector(matchLabels: labels))
    }
}
