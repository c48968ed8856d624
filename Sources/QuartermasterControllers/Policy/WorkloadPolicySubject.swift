/// What one workload asks for that tenant policy rules on, whatever its kind: built by each
/// kind from its spec (``IPFSClusterSpec/policySubject``, ``PostgresInstanceSpec/policySubject``; Deployment
/// later) and judged by ``TenantPolicy/violations(of:)``. Every entry names the field of the
/// workload's spec it comes from, so a violation can point at it.
public struct WorkloadPolicySubject: Hashable, Sendable {
    /// A container image, e.g. `spec.images.kubo` → `docker.io/ipfs/kubo:v0.43.1`.
    public struct Image: Hashable, Sendable {
        public var field: String
        public var reference: String
        public init(field: String, reference: String) {
            self.field = field
            self.reference = reference
        }
    }

    /// A persistent volume and its StorageClass (`nil` or empty: the cluster's default class).
    public struct Volume: Hashable, Sendable {
        public var field: String
        public var storageClassName: String?
        public init(field: String, storageClassName: String?) {
            self.field = field
            self.storageClassName = storageClassName
        }
    }

    /// One way the workload is exposed: a Service of `type` (`ClusterIP`, `NodePort`,
    /// `LoadBalancer`) or `Ingress`, `count` times (one per peer, say).
    public struct Exposure: Hashable, Sendable {
        public var field: String
        public var type: String
        public var count: Int
        public init(field: String, type: String, count: Int = 1) {
            self.field = field
            self.type = type
            self.count = count
        }
    }

    /// One Ingress: its class (`nil`: the cluster's default) and host (`nil`: every host).
    public struct IngressRoute: Hashable, Sendable {
        public var field: String
        public var className: String?
        public var host: String?
        public init(field: String, className: String?, host: String?) {
            self.field = field
            self.className = className
            self.host = host
        }
    }

    public var images: [Image]
    public var volumes: [Volume]
    public var exposures: [Exposure]
    public var ingresses: [IngressRoute]
    /// The pods' node selector, at ``nodeSelectorField``.
    public var nodeSelector: [String: String]
    public var nodeSelectorField: String
    /// The pods' tolerations, at ``tolerationsField`` (indexed in messages).
    public var tolerations: [TenantPolicyToleration]
    public var tolerationsField: String

    public init(
        images: [Image] = [], volumes: [Volume] = [], exposures: [Exposure] = [], ingresses: [IngressRoute] = [],
        nodeSelector: [String: String] = [:], nodeSelectorField: String = "spec.nodeSelector",
        tolerations: [TenantPolicyToleration] = [], tolerationsField: String = "spec.tolerations"
    ) {
        self.images = images
        self.volumes = volumes
        self.exposures = exposures
        self.ingresses = ingresses
        self.nodeSelector = nodeSelector
        self.nodeSelectorField = nodeSelectorField
        self.tolerations = tolerations
        self.tolerationsField = tolerationsField
    }

    /// LoadBalancer Services the workload asks for, in all.
    public var loadBalancers: Int { exposures.filter { $0.type == "LoadBalancer" }.reduce(0) { $0 + $1.count } }
}
