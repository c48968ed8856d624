import Foundation

/// A Service (`core/v1`): a stable address for a set of pods.
public struct Service: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "Service", plural: "services", namespaced: true)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Service`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    /// Load balancer status, kept raw.
    public var status: JSONValue?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec? = nil, status: JSONValue? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(ServiceSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(JSONValue.self, forKey: .status)
    }
}

public struct ServiceSpec: Codable, Hashable, Sendable {
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: String?
    public var ports: [ServicePort]?
    /// Pods with all these labels back the Service.
    public var selector: [String: String]?
    /// Allocated by the server; `"None"` makes a headless Service (DNS records per pod).
    public var clusterIP: String?
    public var clusterIPs: [String]?
    /// Publish DNS records of pods before they are ready (StatefulSet peers finding each other).
    public var publishNotReadyAddresses: Bool?
    /// `None` (default) or `ClientIP`.
    public var sessionAffinity: String?
    public var externalName: String?
    public var ipFamilyPolicy: String?

    /// The `clusterIP` value of a headless Service.
    public static let headless = "None"

    public init(
        type: String? = nil, ports: [ServicePort]? = nil, selector: [String: String]? = nil, clusterIP: String? = nil,
        clusterIPs: [String]? = nil, publishNotReadyAddresses: Bool? = nil, sessionAffinity: String? = nil,
        externalName: String? = nil, ipFamilyPolicy: String? = nil
    ) {
        self.type = type
        self.ports = ports
        self.selector = selector
        self.clusterIP = clusterIP
        self.clusterIPs = clusterIPs
        self.publishNotReadyAddresses = publishNotReadyAddresses
        self.sessionAffinity = sessionAffinity
        self.externalName = externalName
        self.ipFamilyPolicy = ipFamilyPolicy
    }

    /// `true` for a headless Service (`clusterIP: None`).
    public var isHeadless: Bool { clusterIP == Self.headless }
}

public struct ServicePort: Codable, Hashable, Sendable {
    /// Required when the Service has more than one port.
    public var name: String?
    public var port: Int
    /// Number or named container port. Default: same as `port`.
    public var targetPort: IntOrString?
    /// `TCP`, `UDP` or `SCTP`. The initializer sets `TCP`: a v1.20 server rejects a
    /// server-side apply of a port without `protocol` (it is part of the list's key).
    public var `protocol`: String?
    public var nodePort: Int?
    public var appProtocol: String?
    public init(
        name: String? = nil, port: Int, targetPort: IntOrString? = nil, protocol: String? = "TCP",
        nodePort: Int? = nil, appProtocol: String? = nil
    ) {
        self.name = name
        self.port = port
        self.targetPort = targetPort
        self.protocol = `protocol`
        self.nodePort = nodePort
        self.appProtocol = appProtocol
    }
}
