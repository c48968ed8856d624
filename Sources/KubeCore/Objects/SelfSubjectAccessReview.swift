import Foundation

/// Asks the server whether the caller may do something (`authorization.k8s.io/v1`); create-only, the answer is in `status`.
public struct SelfSubjectAccessReview: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false)

    /// Always encoded; defaults to `authorization.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `SelfSubjectAccessReview`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: SelfSubjectAccessReviewSpec?
    public var status: SubjectAccessReviewStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: SelfSubjectAccessReviewSpec? = nil, status: SubjectAccessReviewStatus? = nil) {
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
        spec = try c.decodeIfPresent(SelfSubjectAccessReviewSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(SubjectAccessReviewStatus.self, forKey: .status)
    }
}

public struct SelfSubjectAccessReviewSpec: Codable, Hashable, Sendable {
    public var resourceAttributes: ResourceAttributes?
    public var nonResourceAttributes: NonResourceAttributes?
    public init(resourceAttributes: ResourceAttributes? = nil, nonResourceAttributes: NonResourceAttributes? = nil) {
        self.resourceAttributes = resourceAttributes
        self.nonResourceAttributes = nonResourceAttributes
    }
}

/// The action asked about; `nil` fields mean "any".
public struct ResourceAttributes: Codable, Hashable, Sendable {
    public var namespace: String?
    public var verb: String?
    public var group: String?
    public var version: String?
    public var resource: String?
    public var subresource: String?
    public var name: String?
    public init(
        namespace: String? = nil, verb: String? = nil, group: String? = nil, version: String? = nil,
        resource: String? = nil, subresource: String? = nil, name: String? = nil
    ) {
        self.namespace = namespace
        self.verb = verb
        self.group = group
        self.version = version
        self.resource = resource
        self.subresource = subresource
        self.name = name
    }
}

public struct NonResourceAttributes: Codable, Hashable, Sendable {
    public var path: String?
    public var verb: String?
    public init(path: String? = nil, verb: String? = nil) {
        self.path = path
        self.verb = verb
    }
}

public struct SubjectAccessReviewStatus: Codable, Hashable, Sendable {
    public var allowed: Bool
    public var denied: Bool?
    public var reason: String?
    public var evaluationError: String?
    public init(allowed: Bool, denied: Bool? = nil, reason: String? = nil, evaluationError: String? = nil) {
        self.allowed = allowed
        self.denied = denied
        self.reason = reason
        self.evaluationError = evaluationError
    }
}

extension SelfSubjectAccessReview {
    /// A review asking whether the caller may `verb` the resource `r` (optionally one object).
    public init(verb: String, _ r: ResourceDescriptor, namespace: String? = nil, name: String? = nil,
                subresource: String? = nil) {
        self.init(spec: SelfSubjectAccessReviewSpec(resourceAttributes: ResourceAttributes(
            namespace: namespace, verb: verb, group: r.group, version: r.version, resource: r.plural,
            subresource: subresource, name: name)))
    }
}
