import KubeCore

/// `spec` of an `IPFSCluster`: a kubo + ipfs-cluster peer set run as one StatefulSet.
///
/// Decoding fills every omitted field with its documented default, the same defaults the CRD
/// schema applies on the server, so the reconciler never sees a missing value.
public struct IPFSClusterSpec: Codable, Sendable, Equatable {
    /// Number of peers (pods). Minimum 1, default 3.
    public var replicas: Int
    /// The most peers one IPFSCluster may have (schema `maximum`, checked again by validation
    /// for objects stored under an older schema): 16. Bounds the operator's work and memory per
    /// object (identities, configuration size, Services) whatever the spec says.
    public static let maxReplicas = 16
    /// Enum values of this object (not of nested ones) that this operator does not know, as
    /// messages; filled while decoding, never encoded. See ``unrecognizedValues``.
    public var unknownValues: [String] = []
    /// Every enum value in the spec this operator does not know: such a spec is `Stalled`, and
    /// nothing is built from it.
    public var unrecognizedValues: [String] {
        unknownValues + exposure.api.unknownValues + exposure.gateway.unknownValues + exposure.swarm.unknownValues
    }
    /// The most extra trusted peers: 64.
    public static let maxTrustedPeers = 64
    public var images: Images
    /// Names of Secrets used to pull the images. Default empty.
    public var imagePullSecrets: [String]
    public var storage: Storage
    /// Container resources; omitted parts are computed (see ``IPFSResourceDefaults``).
    public var resources: Resources?
    public var replication: Replication
    /// Extra ipfs-cluster peer IDs trusted by the CRDT consensus, on top of the cluster's own
    /// peers. Never `*`. Default empty.
    public var trustedPeers: [String]
    /// Run kubo in a private libp2p network (swarm.key, no public bootstrap). Default false.
    public var privateSwarm: Bool
    /// Enable kubo's libp2p pubsub (gossipsub), which OrbitDB and other pubsub clients of the
    /// kubo RPC API (`/api/v0/pubsub/*`) need. Default false.
    ///
    /// How: the generated kubo config gets `Pubsub.Enabled: true` (kubo 0.11 and later,
    /// including the default image; the `--enable-pubsub-experiment` daemon flag is the
    /// deprecated pre-0.11 way and is not used). While false the config has no `Pubsub`
    /// section at all (kubo's default: off), so clusters that never set it keep a byte-identical
    /// config and are not restarted. Toggling it changes the config hash and so rolls the peers
    /// one at a time.
    public var pubsub: Bool
    public var exposure: Exposure
    /// Namespaces allowed to reach the cluster API. Default empty (own namespace only).
    public var allowedNamespaces: [String]
    public var metrics: Metrics
    public var nodeSelector: [String: String]?
    public var tolerations: [JSONValue]?
    public var affinity: JSONValue?
    /// What happens to the peers' PersistentVolumeClaims when the IPFSCluster is deleted.
    public var pvcRetention: PVCRetention
    /// Scale every peer to zero while `true`, keeping identities, configuration and volumes;
    /// `false` again resumes the same peers. Default false.
    public var suspended: Bool

    public static let defaultReplicas = 3
    /// The kubo image used when `images.kubo` is omitted (latest stable release, pinned).
    public static let defaultKuboImage = "docker.io/ipfs/kubo:v0.43.1"
    /// The ipfs-cluster image used when `images.cluster` is omitted (latest stable release, pinned).
    public static let defaultClusterImage = "docker.io/ipfs/ipfs-cluster:v1.1.6"

    public init(
        replicas: Int = defaultReplicas, images: Images = Images(), imagePullSecrets: [String] = [],
        storage: Storage = Storage(), resources: Resources? = nil, replication: Replication = Replication(),
        trustedPeers: [String] = [], privateSwarm: Bool = false, pubsub: Bool = false, exposure: Exposure = Exposure(),
        allowedNamespaces: [String] = [], metrics: Metrics = Metrics(), nodeSelector: [String: String]? = nil,
        tolerations: [JSONValue]? = nil, affinity: JSONValue? = nil, pvcRetention: PVCRetention = .retain,
        suspended: Bool = false
    ) {
        self.replicas = replicas
        self.images = images
        self.imagePullSecrets = imagePullSecrets
        self.storage = storage
        self.resources = resources
        self.replication = replication
        self.trustedPeers = trustedPeers
        self.privateSwarm = privateSwarm
        self.pubsub = pubsub
        self.exposure = exposure
        self.allowedNamespaces = allowedNamespaces
        self.metrics = metrics
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.affinity = affinity
        self.pvcRetention = pvcRetention
        self.suspended = suspended
    }

    enum CodingKeys: String, CodingKey {
        case replicas, images, imagePullSecrets, storage, resources, replication, trustedPeers, privateSwarm
        case pubsub, exposure, allowedNamespaces, metrics, nodeSelector, tolerations, affinity, pvcRetention, suspended
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try c.decodeIfPresent(Int.self, forKey: .replicas) ?? Self.defaultReplicas
        images = try c.decodeIfPresent(Images.self, forKey: .images) ?? Images()
        imagePullSecrets = try c.decodeIfPresent([String].self, forKey: .imagePullSecrets) ?? []
        storage = try c.decodeIfPresent(Storage.self, forKey: .storage) ?? Storage()
        resources = try c.decodeIfPresent(Resources.self, forKey: .resources)
        replication = try c.decodeIfPresent(Replication.self, forKey: .replication) ?? Replication()
        trustedPeers = try c.decodeIfPresent([String].self, forKey: .trustedPeers) ?? []
        privateSwarm = try c.decodeIfPresent(Bool.self, forKey: .privateSwarm) ?? false
        pubsub = try c.decodeIfPresent(Bool.self, forKey: .pubsub) ?? false
        exposure = try c.decodeIfPresent(Exposure.self, forKey: .exposure) ?? Exposure()
        allowedNamespaces = try c.decodeIfPresent([String].self, forKey: .allowedNamespaces) ?? []
        metrics = try c.decodeIfPresent(Metrics.self, forKey: .metrics) ?? Metrics()
        nodeSelector = try c.decodeIfPresent([String: String].self, forKey: .nodeSelector)
        tolerations = try c.decodeIfPresent([JSONValue].self, forKey: .tolerations)
        affinity = try c.decodeIfPresent(JSONValue.self, forKey: .affinity)
        pvcRetention = try c.decodeOpenEnum(PVCRetention.self, forKey: .pvcRetention, default: .retain, unknown: &unknownValues)
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
    }

    /// Container images.
    public struct Images: Codable, Sendable, Equatable {
        public var kubo: String
        public var cluster: String
        public init(kubo: String = IPFSClusterSpec.defaultKuboImage, cluster: String = IPFSClusterSpec.defaultClusterImage) {
            self.kubo = kubo
            self.cluster = cluster
        }
        enum CodingKeys: String, CodingKey { case kubo, cluster }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kubo = try c.decodeIfPresent(String.self, forKey: .kubo) ?? IPFSClusterSpec.defaultKuboImage
            cluster = try c.decodeIfPresent(String.self, forKey: .cluster) ?? IPFSClusterSpec.defaultClusterImage
        }
    }

    /// Persistent volumes of each peer.
    public struct Storage: Codable, Sendable, Equatable {
        public var ipfs: Volume
        public var cluster: Volume
        public static let defaultIPFSSize = "10Gi"
        public static let defaultClusterSize = "1Gi"
        public init(ipfs: Volume = Volume(size: defaultIPFSSize), cluster: Volume = Volume(size: defaultClusterSize)) {
            self.ipfs = ipfs
            self.cluster = cluster
        }
        enum CodingKeys: String, CodingKey { case ipfs, cluster }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ipfs = try c.decodeIfPresent(Volume.self, forKey: .ipfs) ?? Volume(size: Self.defaultIPFSSize)
            cluster = try c.decodeIfPresent(Volume.self, forKey: .cluster) ?? Volume(size: Self.defaultClusterSize)
        }
    }

    /// One PersistentVolumeClaim template.
    public struct Volume: Codable, Sendable, Equatable {
        /// Requested size, a Kubernetes quantity (`10Gi`).
        public var size: String
        /// StorageClass; `nil` uses the cluster default.
        public var storageClassName: String?
        public init(size: String, storageClassName: String? = nil) {
            self.size = size
            self.storageClassName = storageClassName
        }
    }

    /// Per-container resource requirements.
    public struct Resources: Codable, Sendable, Equatable {
        public var kubo: ResourceRequirements?
        public var cluster: ResourceRequirements?
        public init(kubo: ResourceRequirements? = nil, cluster: ResourceRequirements? = nil) {
            self.kubo = kubo
            self.cluster = cluster
        }
    }

    /// `core/v1 ResourceRequirements` (requests and limits by resource name).
    public struct ResourceRequirements: Codable, Sendable, Equatable {
        public var requests: [String: String]?
        public var limits: [String: String]?
        public init(requests: [String: String]? = nil, limits: [String: String]? = nil) {
            self.requests = requests
            self.limits = limits
        }
        enum CodingKeys: String, CodingKey { case requests, limits }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            requests = try c.decodeIfPresent([String: JSONValue].self, forKey: .requests).map(Self.quantities)
            limits = try c.decodeIfPresent([String: JSONValue].self, forKey: .limits).map(Self.quantities)
        }
        /// Quantities may arrive as integers (`cpu: 1`); keep them as strings.
        private static func quantities(_ m: [String: JSONValue]) -> [String: String] {
            m.compactMapValues { v in v.stringValue ?? v.intValue.map(String.init) }
        }
    }

    /// ipfs-cluster replication factors (`-1` = pin on every peer).
    public struct Replication: Codable, Sendable, Equatable {
        public var min: Int
        public var max: Int
        public init(min: Int = -1, max: Int = -1) {
            self.min = min
            self.max = max
        }
        enum CodingKeys: String, CodingKey { case min, max }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            min = try c.decodeIfPresent(Int.self, forKey: .min) ?? -1
            max = try c.decodeIfPresent(Int.self, forKey: .max) ?? -1
        }
    }

    /// How the HTTP endpoints and the swarm are reachable.
    public struct Exposure: Codable, Sendable, Equatable {
        public var gateway: HTTPExposure
        public var api: HTTPExposure
        public var swarm: SwarmExposure
        public init(gateway: HTTPExposure = HTTPExposure(), api: HTTPExposure = HTTPExposure(), swarm: SwarmExposure = SwarmExposure()) {
            self.gateway = gateway
            self.api = api
            self.swarm = swarm
        }
        enum CodingKeys: String, CodingKey { case gateway, api, swarm }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            gateway = try c.decodeIfPresent(HTTPExposure.self, forKey: .gateway) ?? HTTPExposure()
            api = try c.decodeIfPresent(HTTPExposure.self, forKey: .api) ?? HTTPExposure()
            swarm = try c.decodeIfPresent(SwarmExposure.self, forKey: .swarm) ?? SwarmExposure()
        }
    }

    /// Exposure of one HTTP endpoint.
    public struct HTTPExposure: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case clusterIP = "ClusterIP"
            case loadBalancer = "LoadBalancer"
            case ingress = "Ingress"
        }
        public var type: Kind
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []
        /// Host name of the Ingress rule (type Ingress only).
        public var host: String?
        /// IngressClass (type Ingress only); `nil` uses the default class.
        public var ingressClassName: String?
        public init(type: Kind = .clusterIP, host: String? = nil, ingressClassName: String? = nil) {
            self.type = type
            self.host = host
            self.ingressClassName = ingressClassName
        }
        enum CodingKeys: String, CodingKey { case type, host, ingressClassName }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeOpenEnum(Kind.self, forKey: .type, default: .clusterIP, unknown: &unknownValues)
            host = try c.decodeIfPresent(String.self, forKey: .host)
            ingressClassName = try c.decodeIfPresent(String.self, forKey: .ingressClassName)
        }
    }

    /// Exposure of the kubo swarm port (4001) outside the Kubernetes cluster.
    public struct SwarmExposure: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case none = "None"
            case loadBalancer = "LoadBalancer"
        }
        public var type: Kind
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []
        public init(type: Kind = .none) { self.type = type }
        enum CodingKeys: String, CodingKey { case type }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeOpenEnum(Kind.self, forKey: .type, default: .none, unknown: &unknownValues)
        }
    }

    /// Prometheus metrics of kubo and ipfs-cluster, served together by the metrics proxy on port
    /// 9401 (ipfs-cluster listens on 127.0.0.1:8888, kubo on its RPC API; neither is scraped directly).
    public typealias Metrics = MetricsSetting

    /// PersistentVolumeClaim retention on deletion of the IPFSCluster.
    public enum PVCRetention: String, Codable, Sendable, CaseIterable {
        case retain = "Retain"
        case delete = "Delete"
    }
}
