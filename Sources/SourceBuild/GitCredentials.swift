import Foundation

/// How git authenticates, from a credentials directory (the Secret mounted at
/// `/etc/quartermaster/git`): optional files `ssh-privatekey` (+ `known_hosts`) and
/// `username` + `password`.
///
/// - SSH: the key is copied to a private file (mode 0600: ssh refuses a group-readable key) and
///   named by `GIT_SSH_COMMAND` with `IdentitiesOnly=yes`, `BatchMode=yes` and, with a
///   `known_hosts` file, `StrictHostKeyChecking=yes` against it; without one `accept-new`.
/// - HTTPS: a credential helper that reads the two files when git asks; the password is never
///   on a command line, in the environment or in a URL.
/// Nothing in the directory: git runs without credentials (public repositories).
public struct GitCredentials: Sendable {
    /// The environment to add to git's.
    public let environment: [String: String]
    /// `-c key=value` pairs placed before the git subcommand.
    public let configuration: [String]
    /// The private copies to delete when done.
    public let temporaryFiles: [URL]

    /// Reads `directory` (absent or empty: no credentials); private copies go to `scratch`.
    public init(directory: URL?, scratch: URL) throws {
        var environment: [String: String] = [:]
        var configuration: [String] = []
        var temporaryFiles: [URL] = []
        let manager = FileManager.default
        func file(_ name: String) -> URL? {
            guard let directory else { return nil }
            let url = directory.appendingPathComponent(name)
            return manager.isReadableFile(atPath: url.path) ? url : nil
        }
        var ssh = ["ssh", "-o", "BatchMode=yes"]
        if let key = file("ssh-privatekey") {
            try manager.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let copy = scratch.appendingPathComponent("ssh-privatekey")
            try? manager.removeItem(at: copy)
            var data = try Data(contentsOf: key)
            if data.last != UInt8(ascii: "\n") { data.append(UInt8(ascii: "\n")) }  // ssh needs the final newline
            guard manager.createFile(atPath: copy.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: copy.path])
            }
            temporaryFiles.append(copy)
            ssh += ["-i", copy.path, "-o", "IdentitiesOnly=yes"]
        }
        if let knownHosts = file("known_hosts") {
            ssh += ["-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=\(knownHosts.path)"]
        } else {
            ssh += ["-o", "StrictHostKeyChecking=accept-new"]
        }
        environment["GIT_SSH_COMMAND"] = ssh.map(Self.shellQuoted).joined(separator: " ")
        if let username = file("username"), let password = file("password") {
            // The helper prints the two files' contents to git on `get`; only their paths are here.
            let helper =
                "!f() { test \"$1\" = get || exit 0; printf 'username=%s\\npassword=%s\\n' \"$(cat \(Self.shellQuoted(username.path)))\" \"$(cat \(Self.shellQuoted(password.path)))\"; }; f"
            configuration += ["-c", "credential.helper=", "-c", "credential.helper=\(helper)"]
        }
        self.environment = environment
        self.configuration = configuration
        self.temporaryFiles = temporaryFiles
    }

    /// Deletes the private copies.
    public func removeTemporaryFiles() {
        for file in temporaryFiles { try? FileManager.default.removeItem(at: file) }
    }

    /// `text` in single quotes for sh (a `'` closed, escaped and reopened).
    static func shellQuoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:@,+".contains($0)) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
