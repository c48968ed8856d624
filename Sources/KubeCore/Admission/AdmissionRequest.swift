import Foundation

/// What the API server asks a webhook about (`AdmissionReview.request`, `admission.k8s.io/v1`).
///
/// `object` and `oldObject` stay raw JSON (``JSONValue``): the webhook that routes a request
/// decodes them as the kind it knows.
public struct AdmissionRequest: Codable, Sendable, Hashable {
    /// Identifies this request; the response must echo it.
    public var uid: String
    /// The kind of the object as sent (`group`, `version`, `kind`).
    public var kind: GroupVersionKind
    /// The resource being written (`group`, `version`, `resource`).
    public var resource: GroupVersionResource
    /// The subresource (`status`, `scale`), when one is written; `nil` for the main resource.
    public var subResource: String?
    /// The object's name; may be empty on CREATE with `generateName`.
    public var name: String?
    /// The namespace; `nil` for cluster-scoped objects.
    public var namespace: String?
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT` (kept as sent).
    public var operation: AdmissionOperation
    /// Who sends the request.
    public var userInfo: AdmissionUserInfo?
    /// The object as it would be stored (CREATE, UPDATE); absent or `null` for DELETE.
    public var object: JSONValue?
    /// The stored object (UPDATE, DELETE); absent or `null` for CREATE.
    public var oldObject: JSONValue?
    /// `true` when nothing will be persisted.
    public var dryRun: Bool?

    public init(
        uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String? = nil,
        name: String? = nil, namespace: String? = nil, operation: AdmissionOperation,
        userInfo: AdmissionUserInfo? = nil, object: JSONValue? = nil, oldObject: JSONValue? = nil, dryRun: Bool? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.userInfo = userInfo
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
    }

    /// `object`, unless absent or `null`.
    public var newObject: JSONValue? { object.flatMap { $0 == .null ? nil : $0 } }
    /// `oldObject`, unless absent or `null`.
    public var storedObject: JSONValue? { oldObject.flatMap { $0 == .null ? nil : $0 } }
}

/// An admission operation, kept as sent (an unknown one is not an error).
public struct AdmissionOperation: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }

    public static let create = AdmissionOperation(rawValue: "CREATE")
    public static let update = AdmissionOperation(rawValue: "UPDATE")
    public static let delete = AdmissionOperation(rawValue: "DELETE")
    public static let connect = AdmissionOperation(rawValue: "CONNECT")
}

/// `group`, `version`, `kind` (the group is empty for the core group).
public struct GroupVersionKind: Codable, Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String
    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }
    enum CodingKeys: String, CodingKey { case group, version, kind }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        group = try c.decodeIfPresent(String.self, forKey: .group) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? ""
    }
}

/// `group`, `version`, `resource` (plural; the group is empty for the core group).
public struct GroupVersionResource: Codable, Sendable, Hashable {
    public var group: String
    public var version: String
    public var resource: String
    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }
    enum CodingKeys: String, CodingKey { case group, version, resource }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        group = try c.decodeIfPresent(String.self, forKey: .group) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        resource = try c.decodeIfPresent(String.self, forKey: .resource) ?? ""
    }
}

/// The user a request comes from, as the API server authenticated it.
public struct AdmissionUserInfo: Codable, Sendable, Hashable {
    public var username: String?
    public var uid: String?
    public var groups: [String]?
    public init(username: String? = nil, uid: String? = nil, groups: [String]? = nil) {
        self.username = username
        self.uid = uid
        self.groups = groups
    }
}
