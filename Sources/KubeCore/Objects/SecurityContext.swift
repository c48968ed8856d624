import Foundation

/// Container-level security settings (`core/v1 SecurityContext`).
public struct SecurityContext: Codable, Hashable, Sendable {
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var allowPrivilegeEscalation: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var privileged: Bool?
    public var capabilities: Capabilities?
    public var seccompProfile: SeccompProfile?

    public init(
        runAsNonRoot: Bool? = nil, runAsUser: Int64? = nil, runAsGroup: Int64? = nil,
        allowPrivilegeEscalation: Bool? = nil, readOnlyRootFilesystem: Bool? = nil, privileged: Bool? = nil,
        capabilities: Capabilities? = nil, seccompProfile: SeccompProfile? = nil
    ) {
        self.runAsNonRoot = runAsNonRoot
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.privileged = privileged
        self.capabilities = capabilities
        self.seccompProfile = seccompProfile
    }

    /// The restricted profile: non-root, no escalation, read-only root, all capabilities
    /// dropped, runtime-default seccomp.
    public static var restricted: SecurityContext {
        SecurityContext(
            runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
            capabilities: Capabilities(drop: ["ALL"]), seccompProfile: SeccompProfile(type: "RuntimeDefault"))
    }
}

/// Pod-level security settings (`core/v1 PodSecurityContext`).
public struct PodSecurityContext: Codable, Hashable, Sendable {
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var fsGroup: Int64?
    public var fsGroupChangePolicy: String?
    public var supplementalGroups: [Int64]?
    public var seccompProfile: SeccompProfile?

    public init(
        runAsNonRoot: Bool? = nil, runAsUser: Int64? = nil, runAsGroup: Int64? = nil, fsGroup: Int64? = nil,
        fsGroupChangePolicy: String? = nil, supplementalGroups: [Int64]? = nil, seccompProfile: SeccompProfile? = nil
    ) {
        self.runAsNonRoot = runAsNonRoot
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.fsGroup = fsGroup
        self.fsGroupChangePolicy = fsGroupChangePolicy
        self.supplementalGroups = supplementalGroups
        self.seccompProfile = seccompProfile
    }
}

/// Linux capabilities to add and drop (`NET_BIND_SERVICE`, `ALL`).
public struct Capabilities: Codable, Hashable, Sendable {
    public var add: [String]?
    public var drop: [String]?
    public init(add: [String]? = nil, drop: [String]? = nil) {
        self.add = add
        self.drop = drop
    }
}

/// `type`: `RuntimeDefault`, `Unconfined` or `Localhost` (with `localhostProfile`).
public struct SeccompProfile: Codable, Hashable, Sendable {
    public var type: String
    public var localhostProfile: String?
    public init(type: String, localhostProfile: String? = nil) {
        self.type = type
        self.localhostProfile = localhostProfile
    }
}
