/// `spec.backup` + the tenant's object storage → `status.archive`, as a pure function.
///
/// - No `spec.backup`: no archive.
/// - An explicit `objectStore`: used as written, `serverName` defaulting to the instance's name.
///   In a tenant namespace, one naming the tenant's copied credentials
///   (``TenantObjectStorage/credentialsSecret``) with a destination outside
///   `<destination>/<tenant>` is refused (`Stalled` `BackupDestinationForbidden`).
/// - No `objectStore`: derived from the tenant's object storage when it has one
///   (``TenantObjectStorage``): destination `<destination>/<tenant>`, the copied Secrets, the
///   operator's endpoint, region and encryption; otherwise ``Outcome/unavailable(_:)``
///   (`ContinuousArchiving` False `CredentialsMissing`).
public enum PostgresArchiveResolution {
    public enum Outcome: Sendable, Hashable {
        case none
        case resolved(PostgresArchiveStatus)
        case unavailable(String)
    }

    /// The object storage a tenant has: the operator's settings and the tenant's copied
    /// credentials Secret in this namespace.
    public struct TenantObjectStorage: Sendable, Hashable {
        /// The copy of `backup-credentials-<tenant>` the Tenant controller keeps in the tenant namespace.
        public static let credentialsSecret = "quartermaster-backup-credentials"
        /// The copy of the operator's CA Secret.
        public static let caSecret = "quartermaster-backup-ca"

        public var tenant: String
        public var settings: BackupObjectStoreSettings
        /// The CA copy exists in the namespace.
        public var hasCA: Bool

        public init(tenant: String, settings: BackupObjectStoreSettings, hasCA: Bool = false) {
            self.tenant = tenant
            self.settings = settings
            self.hasCA = hasCA
        }

        /// `<destination>/<tenant>`.
        public var destinationPath: String { settings.destinationPath(tenant: tenant) }
    }

    /// Throws ``PostgresInstanceProblem`` `BackupDestinationForbidden`. `tenant`: the namespace's
    /// tenant (its name) and, when it has object storage, that storage.
    public static func resolve(
        instance: PostgresInstance, tenant: String?, storage: TenantObjectStorage?
    ) throws -> Outcome {
        guard let backup = instance.spec.backup else { return .none }
        let name = instance.metadata.name ?? ""
        if let store = backup.objectStore {
            if let tenant, store.credentialsSecret.name == TenantObjectStorage.credentialsSecret {
                let allowed = storage?.destinationPath
                let path = store.destinationPath
                let inside = allowed.map { path == $0 || path.hasPrefix("\($0)/") } ?? false
                if !inside {
                    throw PostgresInstanceProblem(
                        reason: .backupDestinationForbidden,
                        message: "spec.backup.objectStore uses the tenant's credentials (\(TenantObjectStorage.credentialsSecret)) "
                            + "with destinationPath \(path), outside the tenant's prefix \(allowed ?? "(tenant \(tenant) has no object storage)")")
                }
            }
            return .resolved(
                PostgresArchiveStatus(
                    destinationPath: store.destinationPath, endpointURL: store.endpointURL, region: store.region,
                    encryption: store.encryption.rawValue, serverName: store.serverName ?? name,
                    credentialsSecret: store.credentialsSecret.name, caSecret: store.caSecret))
        }
        guard let storage else {
            return .unavailable(
                "spec.backup has no objectStore and \(tenant.map { "tenant \($0)" } ?? "this namespace") has no object storage")
        }
        return .resolved(
            PostgresArchiveStatus(
                destinationPath: storage.destinationPath, endpointURL: storage.settings.endpointURL,
                region: storage.settings.region, encryption: storage.settings.encryption.rawValue, serverName: name,
                credentialsSecret: TenantObjectStorage.credentialsSecret,
                caSecret: storage.hasCA ? .init(name: TenantObjectStorage.caSecret) : nil))
    }
}
