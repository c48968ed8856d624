import Foundation

/// `metadata` of every persisted object (`meta/v1 ObjectMeta`).
///
/// `managedFields` is deliberately not modelled: it is dropped while decoding, so it is never
/// kept in memory, and never sent back.
///
/// `uid`, `creationTimestamp` and `deletionTimestamp` are kept compactly (``CompactUID``,
/// ``CompactTimestamp``): in the form the API server writes them they take no heap block of
/// their own. They read and encode as the exact text that was set or decoded.
public struct ObjectMeta: Codable, Hashable, Sendable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String? {
        get { compactUID?.text }
        set { compactUID = newValue.map(CompactUID.init) }
    }
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String? {
        get { compactCreationTimestamp?.text }
        set { compactCreationTimestamp = newValue.map(CompactTimestamp.init) }
    }
    public var deletionTimestamp: String? {
        get { compactDeletionTimestamp?.text }
        set { compactDeletionTimestamp = newValue.map(CompactTimestamp.init) }
    }
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?

    private var compactUID: CompactUID?
    private var compactCreationTimestamp: CompactTimestamp?
    private var compactDeletionTimestamp: CompactTimestamp?

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, ownerReferences: [OwnerReference]? = nil,
        finalizers: [String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
    }

    private enum CodingKeys: String, CodingKey {
        case name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp
        case deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        generateName = try c.decodeIfPresent(String.self, forKey: .generateName)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace)
        uid = try c.decodeIfPresent(String.self, forKey: .uid)
        resourceVersion = try c.decodeIfPresent(String.self, forKey: .resourceVersion)
        generation = try c.decodeIfPresent(Int64.self, forKey: .generation)
        creationTimestamp = try c.decodeIfPresent(String.self, forKey: .creationTimestamp)
        deletionTimestamp = try c.decodeIfPresent(String.self, forKey: .deletionTimestamp)
        deletionGracePeriodSeconds = try c.decodeIfPresent(Int64.self, forKey: .deletionGracePeriodSeconds)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        ownerReferences = try c.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences)
        finalizers = try c.decodeIfPresent([String].self, forKey: .finalizers)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(generateName, forKey: .generateName)
        try c.encodeIfPresent(namespace, forKey: .namespace)
        try c.encodeIfPresent(uid, forKey: .uid)
        try c.encodeIfPresent(resourceVersion, forKey: .resourceVersion)
        try c.encodeIfPresent(generation, forKey: .generation)
        try c.encodeIfPresent(creationTimestamp, forKey: .creationTimestamp)
        try c.encodeIfPresent(deletionTimestamp, forKey: .deletionTimestamp)
        try c.encodeIfPresent(deletionGracePeriodSeconds, forKey: .deletionGracePeriodSeconds)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try c.encodeIfPresent(ownerReferences, forKey: .ownerReferences)
        try c.encodeIfPresent(finalizers, forKey: .finalizers)
    }
}

/// A reference from an owned object to its owner, for garbage collection.
public struct OwnerReference: Codable, Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    /// `true` for the one managing controller. Default (when `nil`): not a controller.
    public var controller: Bool?
    /// `true` to keep the owner from being deleted (foreground deletion) before this object.
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// `metadata` of a list (`meta/v1 ListMeta`).
public struct ListMeta: Codable, Hashable, Sendable {
    public var resourceVersion: String?
    /// Set when the server has more items: pass it back as `continue` for the next page.
    public var `continue`: String?
    public var remainingItemCount: Int64?
    public init(resourceVersion: String? = nil, continue: String? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
    }
}

/// The namespace and name that identify an object; the work queue's key.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `nil` for cluster-scoped objects.
    public var namespace: String?
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.description < b.description }
}
