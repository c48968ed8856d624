import Foundation

/// A NetworkPolicy (`networking.k8s.io/v1`): which traffic may reach or leave the selected pods.
public struct NetworkPolicy: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true)

    /// Always encoded; defaults to `networking.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `NetworkPolicy`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: NetworkPolicySpec?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NetworkPolicySpec? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(NetworkPolicySpec.self, forKey: .spec)
    }
}

public struct NetworkPolicySpec: Codable, Hashable, Sendable {
    /// The pods the policy applies to; empty selects every pod of the namespace.
    public var podSelector: LabelSelector
    public var ingress: [NetworkPolicyIngressRule]?
    public var egress: [NetworkPolicyEgressRule]?
    /// `Ingress`, `Egress`. Default: `Ingress`, plus `Egress` when `egress` is set.
    public var policyTypes: [String]?
    public init(
        podSelector: LabelSelector = LabelSelector(), ingress: [NetworkPolicyIngressRule]? = nil,
        egress: [NetworkPolicyEgressRule]? = nil, policyTypes: [String]? = nil
    ) {
        self.podSelector = podSelector
        self.ingress = ingress
        self.egress = egress
        self.policyTypes = policyTypes
    }
}

/// Traffic allowed in: from any of `from` (all sources when empty) to any of `ports`.
public struct NetworkPolicyIngressRule: Codable, Hashable, Sendable {
    public var from: [NetworkPolicyPeer]?
    public var ports: [NetworkPolicyPort]?
    public init(from: [NetworkPolicyPeer]? = nil, ports: [NetworkPolicyPort]? = nil) {
        self.from = from
        self.ports = ports
    }
}

/// Traffic allowed out: to any of `to` (all destinations when empty) on any of `ports`.
public struct NetworkPolicyEgressRule: Codable, Hashable, Sendable {
    public var to: [NetworkPolicyPeer]?
    public var ports: [NetworkPolicyPort]?
    public init(to: [NetworkPolicyPeer]? = nil, ports: [NetworkPolicyPort]? = nil) {
        self.to = to
        self.ports = ports
    }
}

/// Pods (by `podSelector`, in namespaces chosen by `namespaceSelector`) or an IP block.
public struct NetworkPolicyPeer: Codable, Hashable, Sendable {
    public var podSelector: LabelSelector?
    public var namespaceSelector: LabelSelector?
    public var ipBlock: IPBlock?
    public init(podSelector: LabelSelector? = nil, namespaceSelector: LabelSelector? = nil, ipBlock: IPBlock? = nil) {
        self.podSelector = podSelector
        self.namespaceSelector = namespaceSelector
        self.ipBlock = ipBlock
    }
}

public struct IPBlock: Codable, Hashable, Sendable {
    public var cidr: String
    public var except: [String]?
    public init(cidr: String, except: [String]? = nil) {
        self.cidr = cidr
        self.except = except
    }
}

public struct NetworkPolicyPort: Codable, Hashable, Sendable {
    /// `TCP` (default), `UDP` or `SCTP`.
    public var `protocol`: String?
    /// Number or named port; `nil` means all ports.
    public var port: IntOrString?
    public var endPort: Int?
    public init(protocol: String? = nil, port: IntOrString? = nil, endPort: Int? = nil) {
        self.protocol = `protocol`
        self.port = port
        self.endPort = endPort
    }
}
