import KubeCore

/// `Tenant.spec.policy`: what the workloads in the tenant's namespace may ask for, enforced by
/// the operator on every workload kind there, created directly or through a Resource
/// (``violations(of:)``).
///
/// Every field is optional. The tenant gets its tier's policy (``TenantTier/policy``)
/// overridden field by field by `spec.policy` (``TenantSpec/effectivePolicy``); a field still
/// unset means the default written on it. The defaults are secure where that breaks none of
/// the stock templates: only `ClusterIP` and `Ingress` exposure, no LoadBalancer (free tier;
/// basic and above allow LoadBalancers), the cluster's default IngressClass and StorageClass
/// only, images from the stock images' repositories only (``defaultRegistries``), no forced node
/// selector, no tolerations.
///
/// Schema: object; description "What the tenant's workloads may ask for: exposure, ingress
/// classes and hosts, storage classes, image registries, node selector and tolerations."
public struct TenantPolicy: Codable, Hashable, Sendable {
    /// How workloads may be exposed: Service types (`ClusterIP`, `NodePort`, `LoadBalancer`)
    /// and `Ingress`. Default (unset): ``defaultExposureTypes``, `ClusterIP` and `Ingress`.
    ///
    /// Schema: array of string, enum ``exposureTypeValues``, listType set.
    public var exposureTypes: [String]?
    /// The most LoadBalancer Services one workload may ask for (the tier quota's
    /// `services.loadbalancers` still caps the namespace). Default (unset): no cap of its own.
    ///
    /// Schema: integer, minimum 0, maximum 10000.
    public var maxLoadBalancersPerWorkload: Int?
    /// IngressClasses an Ingress may name. Default (unset): none (only the cluster's default
    /// class, when ``allowDefaultIngressClass`` allows it).
    ///
    /// Schema: array of object names, listType set.
    public var ingressClassNames: [String]?
    /// Whether an Ingress may leave its class unset (the cluster's default class). Default `true`.
    public var allowDefaultIngressClass: Bool?
    /// Hostname suffixes an Ingress host must end with, such as `.apps.example.com` (a suffix
    /// without a leading dot gets one: `apps.example.com` allows `x.apps.example.com`, not
    /// `evilapps.example.com` nor `apps.example.com` itself). When any is set, an Ingress
    /// without a host (a catch-all) is refused. Default (unset or empty): any host.
    ///
    /// Schema: array of string, pattern a DNS suffix, listType set.
    public var hostSuffixes: [String]?
    /// StorageClasses a volume may name. Default (unset): none (only the cluster's default
    /// class, when ``allowDefaultStorageClass`` allows it).
    public var storageClassNames: [String]?
    /// Whether a volume may leave its class unset (the cluster's default class). Default `true`.
    public var allowDefaultStorageClass: Bool?
    /// Registries (with an optional path) images must come from: `host[/path]`, such as
    /// `docker.io/ipfs` or `registry.example.com`. An image matches when its registry host is
    /// the entry's and its repository path is the entry's path or lies below it at a `/`
    /// boundary; Docker Hub short names are normalised first (`ipfs/kubo:v0.32` is
    /// `docker.io/ipfs/kubo`, see ``ImageReference``). Default (unset): ``defaultRegistries``,
    /// `docker.io/ipfs`, `ghcr.io/quartermaster-dev`, `docker.io/library/postgres`, `docker.io/edoburu/pgbouncer`.
    public var registries: [String]?
    /// Node labels forced onto every workload's pods, merged over the workload's own node
    /// selector; a workload that sets one of these keys to another value is refused. Default:
    /// none.
    public var nodeSelector: [String: String]?
    /// Tolerations a workload may carry; a toleration is allowed when it matches one of these
    /// by key, operator, value and effect (``TenantPolicyToleration/matches(_:)``). Default:
    /// none, so any toleration (`{operator: Exists}` included) is refused.
    public var tolerations: [TenantPolicyToleration]?

    public init(
        exposureTypes: [String]? = nil, maxLoadBalancersPerWorkload: Int? = nil, ingressClassNames: [String]? = nil,
        allowDefaultIngressClass: Bool? = nil, hostSuffixes: [String]? = nil, storageClassNames: [String]? = nil,
        allowDefaultStorageClass: Bool? = nil, registries: [String]? = nil, nodeSelector: [String: String]? = nil,
        tolerations: [TenantPolicyToleration]? = nil
    ) {
        self.exposureTypes = exposureTypes
        self.maxLoadBalancersPerWorkload = maxLoadBalancersPerWorkload
        self.ingressClassNames = ingressClassNames
        self.allowDefaultIngressClass = allowDefaultIngressClass
        self.hostSuffixes = hostSuffixes
        self.storageClassNames = storageClassNames
        self.allowDefaultStorageClass = allowDefaultStorageClass
        self.registries = registries
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
    }

    /// The exposure types a policy may name: `ClusterIP`, `NodePort`, `LoadBalancer`, `Ingress`.
    public static let exposureTypeValues = ["ClusterIP", "NodePort", "LoadBalancer", "Ingress"]
    /// The exposure types allowed when ``exposureTypes`` is unset: `ClusterIP`, `Ingress`.
    public static let defaultExposureTypes = ["ClusterIP", "Ingress"]
    /// The registries allowed when ``registries`` is unset: where the stock images come from,
    /// so no stock template is refused: `docker.io/ipfs` (the IPFSCluster images,
    /// ``IPFSClusterSpec/defaultKuboImage``, ``IPFSClusterSpec/defaultClusterImage``), and the
    /// repositories of the PostgresInstance images: Quartermaster's registry
    /// `ghcr.io/quartermaster-dev` (``PostgresImage/defaultImage(major:)``), the official
    /// `docker.io/library/postgres` (``PostgresImage/upstreamImage(major:)``) and
    /// `docker.io/edoburu/pgbouncer` (``PostgresImage/pgbouncer``): those repositories only, not
    /// all of Docker Hub.
    public static let defaultRegistries =
        ["docker.io/ipfs", PostgresImage.registry]
        + [PostgresImage.upstreamImage(major: PostgresImage.defaultMajorVersion), PostgresImage.pgbouncer]
        .compactMap { ImageReference(image: $0)?.description }

    /// `self` with every field `overrides` sets replaced by its value.
    public func overridden(by overrides: TenantPolicy?) -> TenantPolicy {
        guard let o = overrides else { return self }
        return TenantPolicy(
            exposureTypes: o.exposureTypes ?? exposureTypes,
            maxLoadBalancersPerWorkload: o.maxLoadBalancersPerWorkload ?? maxLoadBalancersPerWorkload,
            ingressClassNames: o.ingressClassNames ?? ingressClassNames,
            allowDefaultIngressClass: o.allowDefaultIngressClass ?? allowDefaultIngressClass,
            hostSuffixes: o.hostSuffixes ?? hostSuffixes, storageClassNames: o.storageClassNames ?? storageClassNames,
            allowDefaultStorageClass: o.allowDefaultStorageClass ?? allowDefaultStorageClass,
            registries: o.registries ?? registries, nodeSelector: o.nodeSelector ?? nodeSelector,
            tolerations: o.tolerations ?? tolerations)
    }

    /// The node labels forced onto every pod: ``nodeSelector``, empty when unset.
    public var forcedNodeSelector: [String: String] { nodeSelector ?? [:] }
}
