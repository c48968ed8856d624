import Foundation

/// A namespaced Role (`rbac.authorization.k8s.io/v1`).
public struct Role: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true)

    /// Always encoded; defaults to `rbac.authorization.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Role`.
    public var kind: String
    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?

    public init(metadata: ObjectMeta = ObjectMeta(), rules: [PolicyRule]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, rules }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        rules = try c.decodeIfPresent([PolicyRule].self, forKey: .rules)
    }
}

/// A ClusterRole (`rbac.authorization.k8s.io/v1`, cluster-scoped). With `aggregationRule`, the controller manager fills `rules` from matching ClusterRoles.
public struct ClusterRole: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false)

    /// Always encoded; defaults to `rbac.authorization.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `ClusterRole`.
    public var kind: String
    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?
    public var aggregationRule: AggregationRule?

    public init(metadata: ObjectMeta = ObjectMeta(), rules: [PolicyRule]? = nil, aggregationRule: AggregationRule? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.rules = rules
        self.aggregationRule = aggregationRule
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, rules, aggregationRule }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        rules = try c.decodeIfPresent([PolicyRule].self, forKey: .rules)
        aggregationRule = try c.decodeIfPresent(AggregationRule.self, forKey: .aggregationRule)
    }
}

/// Grants a Role or ClusterRole within a namespace (`rbac.authorization.k8s.io/v1`). `roleRef` is immutable.
public struct RoleBinding: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true)

    /// Always encoded; defaults to `rbac.authorization.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `RoleBinding`.
    public var kind: String
    public var metadata: ObjectMeta
    public var roleRef: RoleRef?
    public var subjects: [Subject]?

    public init(metadata: ObjectMeta = ObjectMeta(), roleRef: RoleRef? = nil, subjects: [Subject]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.roleRef = roleRef
        self.subjects = subjects
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, roleRef, subjects }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        roleRef = try c.decodeIfPresent(RoleRef.self, forKey: .roleRef)
        subjects = try c.decodeIfPresent([Subject].self, forKey: .subjects)
    }
}

/// Grants a ClusterRole everywhere (`rbac.authorization.k8s.io/v1`). `roleRef` is immutable.
public struct ClusterRoleBinding: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false)

    /// Always encoded; defaults to `rbac.authorization.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `ClusterRoleBinding`.
    public var kind: String
    public var metadata: ObjectMeta
    public var roleRef: RoleRef?
    public var subjects: [Subject]?

    public init(metadata: ObjectMeta = ObjectMeta(), roleRef: RoleRef? = nil, subjects: [Subject]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.roleRef = roleRef
        self.subjects = subjects
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, roleRef, subjects }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        roleRef = try c.decodeIfPresent(RoleRef.self, forKey: .roleRef)
        subjects = try c.decodeIfPresent([Subject].self, forKey: .subjects)
    }
}

/// One permission: verbs on resources of API groups (or on non-resource URLs).
public struct PolicyRule: Codable, Hashable, Sendable {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `*`, ...
    public var verbs: [String]
    /// `""` is the core group.
    public var apiGroups: [String]?
    /// Plural names, with `/status` style subresources.
    public var resources: [String]?
    public var resourceNames: [String]?
    public var nonResourceURLs: [String]?
    public init(
        apiGroups: [String]? = nil, resources: [String]? = nil, verbs: [String], resourceNames: [String]? = nil,
        nonResourceURLs: [String]? = nil
    ) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }
}

/// Selects the ClusterRoles whose rules are aggregated into this one.
public struct AggregationRule: Codable, Hashable, Sendable {
    public var clusterRoleSelectors: [LabelSelector]?
    public init(clusterRoleSelectors: [LabelSelector]? = nil) { self.clusterRoleSelectors = clusterRoleSelectors }
}

/// The role a binding grants.
public struct RoleRef: Codable, Hashable, Sendable {
    /// `rbac.authorization.k8s.io`.
    public var apiGroup: String
    /// `Role` or `ClusterRole`.
    public var kind: String
    public var name: String
    public init(apiGroup: String = "rbac.authorization.k8s.io", kind: String, name: String) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }
}

/// Who a binding grants to: a `User`, `Group` or `ServiceAccount` (with its namespace).
public struct Subject: Codable, Hashable, Sendable {
    public var kind: String
    public var name: String
    public var namespace: String?
    /// `rbac.authorization.k8s.io` for users and groups, empty for service accounts.
    public var apiGroup: String?
    public init(kind: String, name: String, namespace: String? = nil, apiGroup: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.apiGroup = apiGroup
    }

    public static func serviceAccount(_ name: String, namespace: String) -> Subject {
        Subject(kind: "ServiceAccount", name: name, namespace: namespace)
    }
    public static func user(_ name: String) -> Subject {
        Subject(kind: "User", name: name, apiGroup: "rbac.authorization.k8s.io")
    }
    public static func group(_ name: String) -> Subject {
        Subject(kind: "Group", name: name, apiGroup: "rbac.authorization.k8s.io")
    }
}
