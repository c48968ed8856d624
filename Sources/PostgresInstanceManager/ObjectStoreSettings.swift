import Foundation
import KubeCore

/// A resolved barman-cloud object store, without secrets: the PostgresInstance's
/// `status.archive` (where this instance archives WAL and writes base backups) or the store of
/// `status.bootstrap` (where a recovery reads from). Written to `<run-dir>/archive.json` and
/// `<run-dir>/restore-source.json` for the `wal-archive` / `wal-restore` wrappers.
///
/// JSON names are the contract's: `destinationPath`, `endpointURL`, `region`, `encryption`,
/// `serverName`, `credentialsSecret` (a name), `caSecret` (`{name, key}`).
public struct ObjectStoreSettings: Codable, Hashable, Sendable {
    /// The barman-cloud destination URL (`s3://bucket/prefix`).
    public var destinationPath: String
    /// An S3 endpoint other than AWS's; `nil` for AWS.
    public var endpointURL: String?
    /// `AWS_DEFAULT_REGION`; `nil` leaves the SDK's default.
    public var region: String?
    /// Server-side encryption: `AES256` (the default when absent), `aws:kms`, or `none`.
    public var encryption: String?
    /// barman's server name: the directory under `destinationPath`.
    public var serverName: String
    /// The Secret holding the credentials (mounted by the operator; the manager reads files).
    public var credentialsSecret: String?
    /// The Secret holding a CA bundle, when the endpoint's certificate needs one.
    public var caSecret: SecretKey?

    public struct SecretKey: Codable, Hashable, Sendable {
        public var name: String
        public var key: String?
        public init(name: String, key: String? = nil) {
            self.name = name
            self.key = key
        }
    }

    public init(
        destinationPath: String, endpointURL: String? = nil, region: String? = nil, encryption: String? = nil,
        serverName: String, credentialsSecret: String? = nil, caSecret: SecretKey? = nil
    ) {
        self.destinationPath = destinationPath
        self.endpointURL = endpointURL
        self.region = region
        self.encryption = encryption
        self.serverName = serverName
        self.credentialsSecret = credentialsSecret
        self.caSecret = caSecret
    }

    /// The `-e` value barman-cloud takes: `AES256` when unset, `nil` for `none`.
    public var serverSideEncryption: String? {
        guard let encryption, !encryption.isEmpty else { return "AES256" }
        return encryption.lowercased() == "none" ? nil : encryption
    }

    /// Reads a store object (`status.archive`, or the store fields of `status.bootstrap`);
    /// `serverName` defaults to `defaultServerName`. Throws `InstanceSettingsError` when
    /// `destinationPath` is missing or a field has the wrong JSON type.
    public static func decode(from value: JSONValue, path: String, defaultServerName: String) throws
        -> ObjectStoreSettings
    {
        guard value.objectValue != nil else { throw InstanceSettingsError("\(path) is not an object") }
        func string(_ key: String) throws -> String? {
            guard let v = value[key], v != .null else { return nil }
            guard let s = v.stringValue else { throw InstanceSettingsError("\(path).\(key) is not a string") }
            return s.isEmpty ? nil : s
        }
        guard let destination = try string("destinationPath") else {
            throw InstanceSettingsError("\(path).destinationPath is missing")
        }
        var store = ObjectStoreSettings(
            destinationPath: destination, endpointURL: try string("endpointURL"), region: try string("region"),
            encryption: try string("encryption"), serverName: try string("serverName") ?? defaultServerName)
        // credentialsSecret: a name (status.archive) or {name} (spec style); both accepted.
        if let secret = value["credentialsSecret"], secret != .null {
            store.credentialsSecret = secret.stringValue ?? secret["name"]?.stringValue
        }
        if let ca = value["caSecret"], ca != .null {
            guard let name = ca["name"]?.stringValue else { throw InstanceSettingsError("\(path).caSecret.name is missing") }
            store.caSecret = SecretKey(name: name, key: ca["key"]?.stringValue)
        }
        return store
    }

    /// Reads a store file written by `write(to:)`; `nil` when absent or unreadable.
    public static func read(from path: String) -> ObjectStoreSettings? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? KubeJSON.decode(ObjectStoreSettings.self, from: data)
    }

    /// Writes the store as JSON (mode 0600) unless the file already says it; returns whether it wrote.
    @discardableResult
    public func write(to path: String) throws -> Bool {
        try InstanceFiles.write(try KubeJSON.encode(self), to: path, mode: 0o600)
    }
}
