import Foundation

/// An Ingress (`networking.k8s.io/v1`): HTTP routing from outside to Services.
public struct Ingress: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", namespaced: true)

    /// Always encoded; defaults to `networking.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Ingress`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: IngressSpec?
    /// Load balancer status, kept raw.
    public var status: JSONValue?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: IngressSpec? = nil, status: JSONValue? = nil) {
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
        spec = try c.decodeIfPresent(IngressSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(JSONValue.self, forKey: .status)
    }
}

public struct IngressSpec: Codable, Hashable, Sendable {
    public var ingressClassName: String?
    public var defaultBackend: IngressBackend?
    public var tls: [IngressTLS]?
    public var rules: [IngressRule]?
    public init(
        ingressClassName: String? = nil, defaultBackend: IngressBackend? = nil, tls: [IngressTLS]? = nil,
        rules: [IngressRule]? = nil
    ) {
        self.ingressClassName = ingressClassName
        self.defaultBackend = defaultBackend
        self.tls = tls
        self.rules = rules
    }
}

public struct IngressTLS: Codable, Hashable, Sendable {
    public var hosts: [String]?
    public var secretName: String?
    public init(hosts: [String]? = nil, secretName: String? = nil) {
        self.hosts = hosts
        self.secretName = secretName
    }
}

public struct IngressRule: Codable, Hashable, Sendable {
    public var host: String?
    public var http: HTTPIngressRuleValue?
    public init(host: String? = nil, http: HTTPIngressRuleValue? = nil) {
        self.host = host
        self.http = http
    }
}

public struct HTTPIngressRuleValue: Codable, Hashable, Sendable {
    public var paths: [HTTPIngressPath]
    public init(paths: [HTTPIngressPath]) { self.paths = paths }
}

public struct HTTPIngressPath: Codable, Hashable, Sendable {
    public var path: String?
    /// `Prefix`, `Exact` or `ImplementationSpecific` (required).
    public var pathType: String
    public var backend: IngressBackend
    public init(path: String? = nil, pathType: String, backend: IngressBackend) {
        self.path = path
        self.pathType = pathType
        self.backend = backend
    }
}

public struct IngressBackend: Codable, Hashable, Sendable {
    public var service: Service?
    public var resource: JSONValue?

    public struct Service: Codable, Hashable, Sendable {
        public var name: String
        public var port: Port?
        public init(name: String, port: Port? = nil) {
            self.name = name
            self.port = port
        }
    }

    /// `number` or `name`.
    public struct Port: Codable, Hashable, Sendable {
        public var number: Int?
        public var name: String?
        public init(number: Int? = nil, name: String? = nil) {
            self.number = number
            self.name = name
        }
    }

    public init(service: Service? = nil, resource: JSONValue? = nil) {
        self.service = service
        self.resource = resource
    }
}
