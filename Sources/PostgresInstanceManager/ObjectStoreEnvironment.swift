import Foundation

/// The environment barman-cloud runs with: the AWS SDK's variables from the credential files the
/// operator mounts (`ACCESS_KEY_ID`, `ACCESS_SECRET_KEY`, optional `ACCESS_SESSION_TOKEN` and
/// `ca.crt` in one directory: `<secrets-dir>/backup/` for the instance's own store,
/// `<secrets-dir>/recovery/` for a recovery source) and the store's region.
///
/// Secrets go into the child's environment only: never into arguments, files or logs.
public enum ObjectStoreEnvironment {
    /// Why the credentials cannot be used.
    public struct MissingCredentials: Error, Hashable, Sendable, CustomStringConvertible {
        public var directory: String
        public var description: String {
            "CredentialsMissing: no ACCESS_KEY_ID and ACCESS_SECRET_KEY in \(directory)"
        }
    }

    /// The file names in a credentials directory.
    public static let accessKeyIDFile = "ACCESS_KEY_ID"
    public static let secretAccessKeyFile = "ACCESS_SECRET_KEY"
    public static let sessionTokenFile = "ACCESS_SESSION_TOKEN"
    public static let caFile = "ca.crt"

    /// `base` plus `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (when the
    /// token file exists), `AWS_DEFAULT_REGION` (when the store names a region), `AWS_CA_BUNDLE`
    /// (when `ca.crt` exists) and `TZ=UTC` (barman prints times in local time; the manager reads
    /// them as UTC). Any AWS variable of `base` that the store does not set is removed, so the
    /// manager's own environment never leaks another identity into the tool.
    ///
    /// - Parameters:
    ///   - read: a file's value (trailing line breaks removed), `nil` when absent; injected so
    ///     tests need no files.
    /// - Throws: `MissingCredentials` without both key files.
    public static func environment(
        store: ObjectStoreSettings, credentialsDirectory: String, base: [String: String],
        read: (String) -> String? = InstanceFiles.secret
    ) throws -> [String: String] {
        guard let keyID = read(credentialsDirectory + "/" + accessKeyIDFile), !keyID.isEmpty,
            let secret = read(credentialsDirectory + "/" + secretAccessKeyFile), !secret.isEmpty
        else { throw MissingCredentials(directory: credentialsDirectory) }
        var env = base.filter { !$0.key.hasPrefix("AWS_") }
        env["AWS_ACCESS_KEY_ID"] = keyID
        env["AWS_SECRET_ACCESS_KEY"] = secret
        if let token = read(credentialsDirectory + "/" + sessionTokenFile), !token.isEmpty {
            env["AWS_SESSION_TOKEN"] = token
        }
        if let region = store.region { env["AWS_DEFAULT_REGION"] = region }
        if read(credentialsDirectory + "/" + caFile) != nil {
            env["AWS_CA_BUNDLE"] = credentialsDirectory + "/" + caFile
        }
        env["TZ"] = "UTC"
        return env
    }
}
