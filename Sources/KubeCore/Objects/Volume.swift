import Foundation

/// A pod volume; exactly one source is set.
public struct Volume: Codable, Hashable, Sendable {
    public var name: String
    public var configMap: ConfigMapVolumeSource?
    public var secret: SecretVolumeSource?
    public var emptyDir: EmptyDirVolumeSource?
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
    /// Other sources (`projected`, `downwardAPI`, `hostPath`, ...), kept as raw JSON.
    public var projected: JSONValue?
    public var downwardAPI: JSONValue?

    public init(
        name: String, configMap: ConfigMapVolumeSource? = nil, secret: SecretVolumeSource? = nil,
        emptyDir: EmptyDirVolumeSource? = nil, persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil,
        projected: JSONValue? = nil, downwardAPI: JSONValue? = nil
    ) {
        self.name = name
        self.configMap = configMap
        self.secret = secret
        self.emptyDir = emptyDir
        self.persistentVolumeClaim = persistentVolumeClaim
        self.projected = projected
        self.downwardAPI = downwardAPI
    }
}

/// One key of a ConfigMap or Secret projected to a file.
public struct KeyToPath: Codable, Hashable, Sendable {
    public var key: String
    public var path: String
    public var mode: Int?
    public init(key: String, path: String, mode: Int? = nil) {
        self.key = key
        self.path = path
        self.mode = mode
    }
}

public struct ConfigMapVolumeSource: Codable, Hashable, Sendable {
    public var name: String?
    public var items: [KeyToPath]?
    /// File mode bits (decimal in JSON: 0o644 is 420). Server default 0644.
    public var defaultMode: Int?
    public var optional: Bool?
    public init(name: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

public struct SecretVolumeSource: Codable, Hashable, Sendable {
    public var secretName: String?
    public var items: [KeyToPath]?
    /// File mode bits (decimal in JSON). Server default 0644.
    public var defaultMode: Int?
    public var optional: Bool?
    public init(secretName: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int? = nil, optional: Bool? = nil) {
        self.secretName = secretName
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

public struct EmptyDirVolumeSource: Codable, Hashable, Sendable {
    /// `""` (node disk, the default) or `Memory`.
    public var medium: String?
    public var sizeLimit: Quantity?
    public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

public struct PersistentVolumeClaimVolumeSource: Codable, Hashable, Sendable {
    public var claimName: String
    public var readOnly: Bool?
    public init(claimName: String, readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }
}
