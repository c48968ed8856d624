import Foundation

/// The answer of `GET /version`.
public struct ServerVersion: Codable, Hashable, Sendable {
    public var major: String
    /// May carry a suffix on some distributions (`"20+"`).
    public var minor: String
    /// `v1.20.2`.
    public var gitVersion: String
    public var gitCommit: String?
    public var gitTreeState: String?
    public var buildDate: String?
    public var goVersion: String?
    public var compiler: String?
    public var platform: String?

    public init(major: String, minor: String, gitVersion: String) {
        self.major = major
        self.minor = minor
        self.gitVersion = gitVersion
    }

    /// `(major, minor)` as numbers, ignoring any non-digit suffix; `nil` if unparsable.
    public var numeric: (major: Int, minor: Int)? {
        guard let ma = Int(major.prefix { $0.isNumber }), let mi = Int(minor.prefix { $0.isNumber }) else {
            return nil
        }
        return (ma, mi)
    }
}

/// The answer of `GET /api` (the core group's versions).
public struct APIVersions: Codable, Hashable, Sendable {
    public var versions: [String]
    public init(versions: [String]) { self.versions = versions }
}

/// The answer of `GET /apis`.
public struct APIGroupList: Codable, Hashable, Sendable {
    public var groups: [APIGroup]
    public init(groups: [APIGroup]) { self.groups = groups }
}

/// One API group and the versions the server serves.
public struct APIGroup: Codable, Hashable, Sendable {
    /// `""` for the core group.
    public var name: String
    public var versions: [GroupVersionForDiscovery]
    public var preferredVersion: GroupVersionForDiscovery?

    public init(name: String, versions: [GroupVersionForDiscovery], preferredVersion: GroupVersionForDiscovery? = nil) {
        self.name = name
        self.versions = versions
        self.preferredVersion = preferredVersion
    }

    public struct GroupVersionForDiscovery: Codable, Hashable, Sendable {
        /// `apps/v1`, or `v1` for the core group.
        public var groupVersion: String
        public var version: String
        public init(groupVersion: String, version: String) {
            self.groupVersion = groupVersion
            self.version = version
        }
    }
}

/// The answer of `GET /api/v1` or `GET /apis/{group}/{version}`.
public struct APIResourceList: Codable, Hashable, Sendable {
    public var groupVersion: String
    public var resources: [APIResource]
    public init(groupVersion: String, resources: [APIResource]) {
        self.groupVersion = groupVersion
        self.resources = resources
    }

    enum CodingKeys: String, CodingKey { case groupVersion, resources }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        groupVersion = try c.decode(String.self, forKey: .groupVersion)
        resources = try c.decodeIfPresent([APIResource].self, forKey: .resources) ?? []
    }
}

/// One resource of a group version; subresources appear as `statefulsets/scale`.
public struct APIResource: Codable, Hashable, Sendable {
    public var name: String
    public var singularName: String?
    public var namespaced: Bool
    public var kind: String
    public var verbs: [String]
    public var shortNames: [String]?
    public var categories: [String]?
    public init(name: String, singularName: String? = nil, namespaced: Bool, kind: String, verbs: [String]) {
        self.name = name
        self.singularName = singularName
        self.namespaced = namespaced
        self.kind = kind
        self.verbs = verbs
    }
}
