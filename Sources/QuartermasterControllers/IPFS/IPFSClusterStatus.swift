import KubeCore
import KubeRuntime

/// `status` of an `IPFSCluster`, written by the operator.
public struct IPFSClusterStatus: ConditionedStatus {
    public enum Phase: String, Codable, Sendable, CaseIterable {
        case pending = "Pending", provisioning = "Provisioning", ready = "Ready", degraded = "Degraded", failed = "Failed"
        /// `spec.suspended`: the StatefulSet is (being) scaled to zero; identities and volumes kept.
        case suspended = "Suspended"
    }

    /// One peer: its pod and its ipfs-cluster peer ID.
    public struct Peer: Codable, Sendable, Equatable {
        public var pod: String
        public var peerID: String
        public init(pod: String, peerID: String) {
            self.pod = pod
            self.peerID = peerID
        }
    }

    public struct Endpoints: Codable, Sendable, Equatable {
        public var api: String?
        public var gateway: String?
        public init(api: String? = nil, gateway: String? = nil) {
            self.api = api
            self.gateway = gateway
        }
    }

    public struct SecretReference: Codable, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    /// `meta/v1 Condition`, the one type every kind's status uses.
    public typealias Condition = KubeCore.Condition

    public var observedGeneration: Int64?
    public var phase: Phase?
    public var replicas: Int?
    public var readyReplicas: Int?
    /// Label selector of the pods, for the scale subresource.
    public var selector: String?
    public var peers: [Peer]?
    public var endpoints: Endpoints?
    public var credentialsSecretRef: SecretReference?
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil, phase: Phase? = nil, replicas: Int? = nil, readyReplicas: Int? = nil,
        selector: String? = nil, peers: [Peer]? = nil, endpoints: Endpoints? = nil,
        credentialsSecretRef: SecretReference? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.selector = selector
        self.peers = peers
        self.endpoints = endpoints
        self.credentialsSecretRef = credentialsSecretRef
        self.conditions = conditions
    }

    /// The structural schema of `status`.
    public static var schema: JSONSchemaProperty {
        .object(
            "Observed state of the IPFS cluster, written by the operator.",
            [
                "observedGeneration": .integer("The spec generation this status reflects.", format: "int64"),
                "phase": .string("Summary: Pending, Provisioning, Ready, Degraded, Failed or Suspended.", enum: Phase.allCases.map(\.rawValue)),
                "replicas": .integer("Number of peer pods that exist."),
                "readyReplicas": .integer("Number of peer pods that are ready."),
                "selector": .string("Label selector of the peer pods (for the scale subresource)."),
                "peers": .array(
                    "The cluster's peers.",
                    of: .object(
                        "One peer.", required: ["pod", "peerID"],
                        [
                            "pod": .string("Pod name."),
                            "peerID": .string("ipfs-cluster peer ID of the pod."),
                        ])),
                "endpoints": .object(
                    "Addresses of the endpoints.",
                    [
                        "api": .string("URL of the ipfs-cluster REST API."),
                        "gateway": .string("URL of the IPFS HTTP gateway."),
                    ]),
                "credentialsSecretRef": .object(
                    "Secret holding the REST API credentials (keys api-username, api-password).", required: ["name"],
                    ["name": .string("Name of the Secret in this namespace.")]),
                "conditions": QuartermasterSchemaNodes.conditions(
                    "Latest observations of the cluster's state.",
                    required: ["type", "status", "lastTransitionTime", "reason", "message"]),
            ])
    }
}
