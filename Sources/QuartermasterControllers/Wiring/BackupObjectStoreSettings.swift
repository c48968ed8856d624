/// The object storage the operator offers tenants (`quartermaster run --backup-destination`,
/// ... ; chart values `backupObjectStore.*`): one bucket and prefix, a credential per tenant.
///
/// A tenant "has object storage" when these are set and the Secret
/// `backup-credentials-<tenant>` exists in the operator's namespace (scoped by the platform, in
/// its S3 server, to `<destination>/<tenant>/`). The Tenant controller copies it into the tenant
/// namespace as `quartermaster-backup-credentials`.
public struct BackupObjectStoreSettings: Sendable, Hashable {
    /// `s3://bucket/prefix` (no trailing `/`).
    public var destination: String
    public var endpointURL: String?
    public var region: String?
    /// A Secret in the operator's namespace with key `ca.crt`, copied as `quartermaster-backup-ca`.
    public var caSecret: String?
    /// Default `AES256`.
    public var encryption: PostgresObjectStore.Encryption

    public init(
        destination: String, endpointURL: String? = nil, region: String? = nil, caSecret: String? = nil,
        encryption: PostgresObjectStore.Encryption = .aes256
    ) {
        var trimmed = destination
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.destination = trimmed
        self.endpointURL = endpointURL
        self.region = region
        self.caSecret = caSecret
        self.encryption = encryption
    }

    /// `<destination>/<tenant>`.
    public func destinationPath(tenant: String) -> String { "\(destination)/\(tenant)" }

    /// The Secret in the operator's namespace holding `tenant`'s credentials: `backup-credentials-<tenant>`.
    public static func credentialsSource(tenant: String) -> String { "backup-credentials-\(tenant)" }
}
