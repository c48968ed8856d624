import KubeCore

/// `spec.backup.objectStore` of a PostgresInstance: where barman-cloud archives WAL and writes
/// base backups. Optional where the namespace's Tenant has object storage (then derived, see
/// ``PostgresArchiveResolution``).
///
/// Defaults (decoder and schema): `caSecret.key` `ca.crt`, `encryption` `AES256`,
/// `serverName` the PostgresInstance's name (applied when resolving, as it depends on the name).
public struct PostgresObjectStore: Codable, Sendable, Equatable {
    /// Server-side encryption of what barman-cloud writes (`-e`).
    public enum Encryption: String, Codable, Sendable, CaseIterable {
        case aes256 = "AES256"
        case kms = "aws:kms"
        case none = "none"
    }

    /// A Secret in the instance's namespace.
    public struct SecretName: Codable, Sendable, Equatable, Hashable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    /// A key of a Secret in the instance's namespace; `key` default ``defaultCAKey``.
    public struct SecretKey: Codable, Sendable, Equatable, Hashable {
        public var name: String
        public var key: String
        public init(name: String, key: String = PostgresObjectStore.defaultCAKey) {
            self.name = name
            self.key = key
        }
        enum CodingKeys: String, CodingKey { case name, key }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            key = try c.decodeIfPresent(String.self, forKey: .key) ?? PostgresObjectStore.defaultCAKey
        }
    }

    /// barman-cloud destination URL, e.g. `s3://bucket/some/prefix`.
    public var destinationPath: String
    public var endpointURL: String?
    public var region: String?
    /// Keys `ACCESS_KEY_ID`, `ACCESS_SECRET_KEY`, optional `ACCESS_SESSION_TOKEN`.
    public var credentialsSecret: SecretName
    public var caSecret: SecretKey?
    /// Default `AES256`.
    public var encryption: Encryption
    /// barman's server name (the folder under ``destinationPath``); `nil`: the instance's name.
    public var serverName: String?
    /// Unknown enum values met while decoding (never encoded).
    public var unknownValues: [String] = []

    /// `ca.crt`.
    public static let defaultCAKey = "ca.crt"
    /// The credential keys read from ``credentialsSecret`` (the last optional).
    public static let credentialKeys = ["ACCESS_KEY_ID", "ACCESS_SECRET_KEY", "ACCESS_SESSION_TOKEN"]
    /// The destination schemes barman-cloud writes to.
    public static let destinationPattern = "^(s3|azure|gs)://[^\\s]+$"

    public init(
        destinationPath: String, endpointURL: String? = nil, region: String? = nil, credentialsSecret: SecretName,
        caSecret: SecretKey? = nil, encryption: Encryption = .aes256, serverName: String? = nil
    ) {
        self.destinationPath = destinationPath
        self.endpointURL = endpointURL
        self.region = region
        self.credentialsSecret = credentialsSecret
        self.caSecret = caSecret
        self.encryption = encryption
        self.serverName = serverName
    }

    enum CodingKeys: String, CodingKey {
        case destinationPath, endpointURL, region, credentialsSecret, caSecret, encryption, serverName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        destinationPath = try c.decode(String.self, forKey: .destinationPath)
        endpointURL = try c.decodeIfPresent(String.self, forKey: .endpointURL)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        credentialsSecret = try c.decode(SecretName.self, forKey: .credentialsSecret)
        caSecret = try c.decodeIfPresent(SecretKey.self, forKey: .caSecret)
        encryption = try c.decodeOpenEnum(Encryption.self, forKey: .encryption, default: .aes256, unknown: &unknownValues)
        serverName = try c.decodeIfPresent(String.self, forKey: .serverName)
    }

    /// The schema of `objectStore`.
    public static var schema: JSONSchemaProperty {
        .object(
            "Object store barman-cloud archives WAL and writes base backups to. Optional where the tenant has object storage (derived then).",
            required: ["destinationPath", "credentialsSecret"],
            [
                "destinationPath": .string(
                    "barman-cloud destination URL, e.g. s3://bucket/some/prefix.", pattern: destinationPattern,
                    maxLength: 1024),
                "endpointURL": .string("Endpoint of an S3-compatible server, e.g. https://minio.example:9000.", maxLength: 1024),
                "region": .string("Region of the bucket.", maxLength: 64),
                "credentialsSecret": .object(
                    "Secret in this namespace with keys ACCESS_KEY_ID, ACCESS_SECRET_KEY and optionally ACCESS_SESSION_TOKEN.",
                    required: ["name"], ["name": QuartermasterSchemaNodes.objectName("Name of the Secret.")]),
                "caSecret": .object(
                    "Secret in this namespace holding the CA bundle of the endpoint.", required: ["name"],
                    [
                        "name": QuartermasterSchemaNodes.objectName("Name of the Secret."),
                        "key": .string("Key of the CA bundle.", default: defaultCAKey, minLength: 1, maxLength: 253),
                    ]),
                "encryption": .string(
                    "Server-side encryption: AES256, aws:kms or none.", default: Encryption.aes256.rawValue,
                    enum: Encryption.allCases.map(\.rawValue)),
                "serverName": .string(
                    "barman server name (folder under destinationPath); omitted: the PostgresInstance's name.",
                    pattern: QuartermasterSchemaNodes.dnsLabelPattern, maxLength: 63),
            ])
    }
}
