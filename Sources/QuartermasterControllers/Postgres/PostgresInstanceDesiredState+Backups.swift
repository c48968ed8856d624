import KubeCore

/// The backup and recovery credentials of the instance pods: more sources of the projected
/// `secrets` volume at `/etc/quartermaster` (the contract's layout).
extension PostgresInstanceDesiredState.Context {
    /// `backup/`: `status.archive`'s credentials (and CA as `backup/ca.crt`).
    static let backupDirectory = "backup"
    /// `recovery/`: `status.bootstrap`'s source credentials (and CA as `recovery/ca.crt`).
    static let recoveryDirectory = "recovery"

    /// The projected sources of the object store Secrets: optional, so an instance whose
    /// credentials Secret is missing still starts (archiving then fails and says so:
    /// `ContinuousArchiving` False).
    func backupSecretProjections() -> [JSONValue] {
        func sources(_ directory: String, credentials: String, ca: PostgresObjectStore.SecretKey?) -> [JSONValue] {
            var out: [JSONValue] = [
                [
                    "secret": [
                        "name": .string(credentials), "optional": true,
                        "items": .array(
                            PostgresObjectStore.credentialKeys.map { ["key": .string($0), "path": .string("\(directory)/\($0)")] }),
                    ]
                ]
            ]
            if let ca {
                out.append([
                    "secret": [
                        "name": .string(ca.name), "optional": true,
                        "items": [["key": .string(ca.key), "path": .string("\(directory)/\(PostgresObjectStore.defaultCAKey)")]],
                    ]
                ])
            }
            return out
        }
        var out: [JSONValue] = []
        if let archive {
            out += sources(Self.backupDirectory, credentials: archive.credentialsSecret, ca: archive.caSecret)
        }
        if let bootstrap {
            out += sources(Self.recoveryDirectory, credentials: bootstrap.credentialsSecret, ca: bootstrap.caSecret)
        }
        return out
    }
}
