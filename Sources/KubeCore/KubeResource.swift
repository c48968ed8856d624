import Foundation

/// Where a kind of object lives in the API: group, version, kind, plural resource name, scope.
public struct ResourceDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// API group; `""` for the core group (`/api/v1`).
    public var group: String
    public var version: String
    public var kind: String
    /// Lower-case plural resource name, as in URLs (`configmaps`).
    public var plural: String
    /// `true` for namespaced kinds.
    public var namespaced: Bool

    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/{group}/{version}`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The URL path of the collection or of one object.
    ///
    /// - Parameters:
    ///   - namespace: ignored for cluster-scoped kinds; `nil` for a namespaced kind means all
    ///     namespaces (valid for list and watch only).
    ///   - name: the object's name; `nil` for the collection.
    ///   - subresource: `status`, `scale`, ... (requires `name`).
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var p = groupVersionPath
        if namespaced, let namespace { p += "/namespaces/\(Self.escape(namespace))" }
        p += "/\(plural)"
        if let name {
            p += "/\(Self.escape(name))"
            if let subresource { p += "/\(subresource)" }
        }
        return p
    }

    public var description: String { "\(plural).\(group.isEmpty ? "core" : group)/\(version)" }

    /// One path segment, percent-encoded. Names and namespaces are DNS labels or subdomains, so
    /// the common case (only unreserved characters) is returned as it is without building a
    /// character set for each request.
    static func escape(_ s: String) -> String {
        if s.utf8.allSatisfy(isUnreserved) { return s }
        return s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? s
    }

    /// RFC 3986's unreserved characters: `A-Z a-z 0-9 - . _ ~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

/// A typed Kubernetes object: `apiVersion`, `kind`, `metadata`, and its own fields.
///
/// Conforming types encode `apiVersion` and `kind` (server-side apply needs them) and omit
/// every `nil` optional.
public protocol KubeResource: Codable, Sendable {
    /// The API location of this kind.
    static var resource: ResourceDescriptor { get }
    var metadata: ObjectMeta { get set }
}

extension KubeResource {
    /// The object's namespace and name.
    public var key: ObjectKey { ObjectKey(namespace: metadata.namespace, name: metadata.name ?? "") }

    /// An owner reference to this object, marked as the controller by default.
    ///
    /// Returns `nil` when the object has no name or UID yet (it was never read back from the
    /// server). A namespaced owner can only own objects in its own namespace.
    public func ownerReference(controller: Bool = true, blockOwnerDeletion: Bool = true) -> OwnerReference? {
        guard let name = metadata.name, let uid = metadata.uid else { return nil }
        return OwnerReference(
            apiVersion: Self.resource.apiVersion, kind: Self.resource.kind, name: name, uid: uid,
            controller: controller, blockOwnerDeletion: blockOwnerDeletion)
    }
}

/// A list of objects as returned by a list request.
public struct ObjectList<T: Decodable & Sendable>: Decodable, Sendable {
    public var metadata: ListMeta
    public var items: [T]
    /// Items that did not decode as `T`, when the list was decoded item by item
    /// (``KubeJSON/decodeList(_:from:)``); always empty from `init(from:)`, which fails instead.
    public var undecodable: [UndecodableObject] = []

    public init(metadata: ListMeta, items: [T], undecodable: [UndecodableObject] = []) {
        self.metadata = metadata
        self.items = items
        self.undecodable = undecodable
    }

    enum CodingKeys: String, CodingKey { case metadata, items }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try c.decodeIfPresent([T].self, forKey: .items) ?? []
    }
}
