import KubeCore

private let quantityPattern = QuartermasterSchemaNodes.quantityPattern
private typealias N = QuartermasterSchemaNodes

extension IPFSClusterSpec {
    /// The structural schema of `spec`: the single source of truth of the CRD's validation.
    public static var schema: JSONSchemaProperty {
        .object(
            "Desired state of an IPFS cluster: kubo nodes paired with ipfs-cluster peers, one pair per pod.",
            [
                "replicas": .integer(
                    "Number of peers (pods), each running kubo and ipfs-cluster; at most \(maxReplicas).", default: 3,
                    minimum: 1, maximum: Int64(maxReplicas)),
                "images": .object(
                    "Container images.", default: [:],
                    [
                        "kubo": .string(
                            "kubo (go-ipfs) image.", default: defaultKuboImage, minLength: 1, maxLength: N.imageLength),
                        "cluster": .string(
                            "ipfs-cluster-service image.", default: defaultClusterImage, minLength: 1,
                            maxLength: N.imageLength),
                    ]),
                "imagePullSecrets": .array(
                    "Names of Secrets in this namespace used to pull the images.",
                    of: N.objectName("Name of a docker-registry Secret."), default: [], listType: "set",
                    maxItems: N.shortListItems),
                "storage": .object(
                    "Persistent volumes of each peer.", default: [:],
                    [
                        "ipfs": Volume.schema(description: "kubo repository volume.", defaultSize: Storage.defaultIPFSSize),
                        "cluster": Volume.schema(
                            description: "ipfs-cluster state volume.", defaultSize: Storage.defaultClusterSize),
                    ]),
                "resources": .object(
                    "Container resources. Omitted values are computed from the storage size (see the operator documentation).",
                    [
                        "kubo": ResourceRequirements.schema.described("Resources of the kubo container."),
                        "cluster": ResourceRequirements.schema.described("Resources of the ipfs-cluster container."),
                    ]),
                "replication": .object(
                    "Pin replication factors of ipfs-cluster.", default: [:],
                    [
                        "min": .integer(
                            "Minimum number of peers holding each pin; -1 means every peer.", default: -1, minimum: -1,
                            maximum: Int64(maxReplicas)),
                        "max": .integer(
                            "Maximum number of peers holding each pin; -1 means every peer.", default: -1, minimum: -1,
                            maximum: Int64(maxReplicas)),
                    ]),
                "trustedPeers": .array(
                    "Extra ipfs-cluster peer IDs trusted by the CRDT consensus, besides this cluster's own peers. Wildcards are not allowed.",
                    of: .string(
                        "An ipfs-cluster peer ID (base58btc).", pattern: "^[1-9A-HJ-NP-Za-km-z]{46,64}$", maxLength: 64),
                    default: [], listType: "set", maxItems: maxTrustedPeers),
                "privateSwarm": .boolean(
                    "Run kubo in a private libp2p network: a generated swarm key, no public bootstrap peers.", default: false),
                "pubsub": .boolean(
                    "Enable kubo's libp2p pubsub (Pubsub.Enabled in the kubo config), needed by OrbitDB and other clients of /api/v0/pubsub. Changing it restarts the peers one at a time.",
                    default: false),
                "exposure": .object(
                    "How the endpoints are reachable.", default: [:],
                    [
                        "gateway": HTTPExposure.schema(description: "Exposure of the kubo HTTP gateway (port 8080)."),
                        "api": HTTPExposure.schema(description: "Exposure of the ipfs-cluster REST API (port 9094)."),
                        "swarm": .object(
                            "Exposure of the kubo swarm port (4001) outside the cluster.", default: [:],
                            [
                                "type": .string(
                                    "None keeps the swarm inside the cluster; LoadBalancer adds a Service per peer.",
                                    default: "None", enum: SwarmExposure.Kind.allCases.map(\.rawValue))
                            ]),
                    ]),
                "allowedNamespaces": .array(
                    "Namespaces whose pods may reach the cluster API, besides this namespace.",
                    of: N.namespaceName("A namespace name."), default: [], listType: "set", maxItems: N.shortListItems),
                "metrics": .object(
                    "Prometheus metrics.", default: [:],
                    ["enabled": .boolean("Serve kubo's and ipfs-cluster's metrics on port 9401 (a metrics-only proxy container).", default: true)]),
                "nodeSelector": N.labelMap("Node labels the pods must match.", valueDescription: "Required label value."),
                "tolerations": .array(
                    "Pod tolerations (core/v1 Toleration).",
                    of: .freeform("A core/v1 Toleration."), maxItems: N.shortListItems),
                "affinity": .freeform("Pod affinity (core/v1 Affinity)."),
                "pvcRetention": .string(
                    "Whether the peers' PersistentVolumeClaims are kept (Retain) or deleted (Delete) with the IPFSCluster.",
                    default: "Retain", enum: PVCRetention.allCases.map(\.rawValue)),
                "suspended": .boolean(
                    "Scale every peer to zero, keeping identities, configuration and volumes; set back to false to resume with the same peers.",
                    default: false),
            ])
    }
}

extension IPFSClusterSpec.Volume {
    static func schema(description: String, defaultSize: String) -> JSONSchemaProperty {
        .object(
            description, default: ["size": .string(defaultSize)],
            [
                "size": .string(
                    "Requested capacity, a quantity such as 10Gi.", default: defaultSize, pattern: quantityPattern,
                    maxLength: 64),
                "storageClassName": N.objectName("StorageClass of the claim; omitted uses the default class."),
            ])
    }
}

extension IPFSClusterSpec.ResourceRequirements {
    static var schema: JSONSchemaProperty {
        let quantity = N.quantity("A resource quantity.")
        return .object(
            "Resource requests and limits.",
            [
                "requests": .map("Minimum resources (cpu, memory, ...).", values: quantity, maxProperties: 8),
                "limits": .map("Maximum resources (cpu, memory, ...).", values: quantity, maxProperties: 8),
            ])
    }
}

extension IPFSClusterSpec.HTTPExposure {
    static func schema(description: String) -> JSONSchemaProperty {
        .object(
            description, default: [:],
            [
                "type": .string(
                    "ClusterIP (in-cluster only), LoadBalancer, or Ingress.", default: "ClusterIP",
                    enum: Kind.allCases.map(\.rawValue)),
                "host": .string(
                    """
                    Host name of the Ingress rule; required with type Ingress (checked by the operator: \
                    HostRequired). A lower-case DNS name, no wildcard; unique in the cluster: the first \
                    object to claim a host holds it, others are Stalled (HostConflict).
                    """, pattern: HostName.schemaPattern, maxLength: HostName.maxLength),
                "ingressClassName": N.objectName(
                    "IngressClass of the Ingress (type Ingress); omitted uses the default class."),
            ])
    }
}
