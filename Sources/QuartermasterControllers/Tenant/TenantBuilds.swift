import Foundation
import KubeCore

/// `Tenant.spec.builds`: the tenant's build namespace, where source builds (analyse, poll and
/// build Jobs of `Deployment`s with `spec.source`) run. See ``TenantBuildNamespace``.
///
/// Every field is optional; a Tenant without `spec.builds` gets a build namespace with the
/// defaults below.
///
/// Schema: object; description "The tenant's build namespace (<namespace>-build), where source
/// builds run."
public struct TenantBuilds: Codable, Hashable, Sendable {
    /// Whether the build namespace is kept. Default `true`. `false`: none is created, and one
    /// that exists is left alone (neither updated nor deleted); `status.buildNamespace` is
    /// then absent, so source builds of the tenant's Deployments stall.
    ///
    /// Schema: boolean, default `true`.
    public var enabled: Bool?
    /// The Pod Security level enforced in the build namespace. Default `baseline`.
    ///
    /// Schema: string, enum `baseline`, `privileged`, default `baseline`.
    public var podSecurity: TenantBuildPodSecurity?
    /// Where built images go by default: `<repositoryPrefix>/<deployment name>` when a
    /// Deployment's `spec.build.output.repository` is unset (e.g. `registry.example.com/acme`).
    /// Default: none (each Deployment then names its repository).
    ///
    /// Schema: string, maxLength 255, pattern ``repositoryPrefixPattern`` (registry host with an
    /// optional port, then path components; no tag, no digest).
    public var repositoryPrefix: String?
    /// Overrides of the build namespace's quota (``TenantBuildQuota/defaults``), field by field.
    ///
    /// Schema: `TenantBuildQuota`.
    public var quota: TenantBuildQuota?
    /// Egress allowed from build pods besides DNS and TCP 22/443 to public addresses, such as an
    /// in-cluster registry. Default: none.
    ///
    /// Schema: array of `TenantBuildEgress`, maxItems 32.
    public var egress: [TenantBuildEgress]?

    public init(
        enabled: Bool? = nil, podSecurity: TenantBuildPodSecurity? = nil, repositoryPrefix: String? = nil,
        quota: TenantBuildQuota? = nil, egress: [TenantBuildEgress]? = nil
    ) {
        self.enabled = enabled
        self.podSecurity = podSecurity
        self.repositoryPrefix = repositoryPrefix
        self.quota = quota
        self.egress = egress
    }

    /// Enum values this operator does not know (`podSecurity`), as messages; filled while
    /// decoding, never encoded.
    public var unknownValues: [String] = []

    enum CodingKeys: String, CodingKey { case enabled, podSecurity, repositoryPrefix, quota, egress }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        if c.contains(.podSecurity) {
            podSecurity = try c.decodeOpenEnum(
                TenantBuildPodSecurity.self, forKey: .podSecurity, default: .baseline, unknown: &unknownValues)
        }
        repositoryPrefix = try c.decodeIfPresent(String.self, forKey: .repositoryPrefix)
        quota = try c.decodeIfPresent(TenantBuildQuota.self, forKey: .quota)
        egress = try c.decodeIfPresent([TenantBuildEgress].self, forKey: .egress)
    }

    /// `enabled`, or `true` when unset.
    public var isEnabled: Bool { enabled ?? true }

    /// `podSecurity`, or `baseline` when unset.
    public var effectivePodSecurity: TenantBuildPodSecurity { podSecurity ?? .baseline }

    /// ``TenantBuildQuota/defaults`` overridden field by field by `quota`.
    public var effectiveQuota: TenantBuildQuota { TenantBuildQuota.defaults.overridden(by: quota) }

    /// A registry host (letters, digits, `.`, `-`; optional `:port`) followed by path components
    /// as image references write them (lower case, digits, separators `.`, `_`, `__`, `-`).
    public static let repositoryPrefixPattern =
        #"^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$"#
    /// Longest `repositoryPrefix`. 255.
    public static let repositoryPrefixLength = 255
    /// Most `egress` entries. 32.
    public static let maxEgress = 32
}

/// The Pod Security Standards level enforced in a build namespace
/// (`pod-security.kubernetes.io/enforce`).
///
/// Schema: string, enum `baseline`, `privileged`; description "Pod Security level enforced in
/// the build namespace: baseline lets kaniko run as root; privileged is what BuildKit rootless
/// needs (seccomp and AppArmor Unconfined)."
public enum TenantBuildPodSecurity: String, Codable, Hashable, Sendable, CaseIterable {
    /// The default: kaniko runs as root with a few capabilities, which `baseline` allows and
    /// `restricted` does not.
    case baseline
    /// BuildKit rootless needs seccomp and AppArmor `Unconfined`, which only `privileged` allows.
    case privileged
}

/// One extra egress destination of build pods: a CIDR and the TCP ports allowed to it.
///
/// Schema: object, required `cidr` and `ports`; description "An address range build pods may
/// reach, and the TCP ports."
public struct TenantBuildEgress: Codable, Hashable, Sendable {
    /// An IPv4 or IPv6 CIDR (`10.96.0.0/12`, `fd00::/8`).
    ///
    /// Schema: string, maxLength 43, pattern ``cidrPattern``; description "IPv4 or IPv6 range
    /// (CIDR), such as an in-cluster registry's."
    public var cidr: String
    /// TCP ports allowed to `cidr`.
    ///
    /// Schema: array of integers 1...65535, minItems 1, maxItems 16.
    public var ports: [Int]

    public init(cidr: String, ports: [Int]) {
        self.cidr = cidr
        self.ports = ports
    }

    /// Loose shape of a CIDR for the schema (hex digits, `.`, `:`, then `/prefix`); the exact
    /// check is ``TenantBuildCIDR``.
    public static let cidrPattern = #"^[0-9a-fA-F.:]+/[0-9]{1,3}$"#
    /// Longest CIDR (an IPv6 address with an embedded IPv4 and a prefix). 43.
    public static let cidrLength = 43
    /// Most ports of one entry. 16.
    public static let maxPorts = 16
}
