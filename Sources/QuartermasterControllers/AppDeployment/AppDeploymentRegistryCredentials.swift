import Foundation

/// Registry credentials read from image pull Secrets (`kubernetes.io/dockerconfigjson` key
/// `.dockerconfigjson`, or the older `kubernetes.io/dockercfg` key `.dockercfg`), by registry
/// host. Pure parsing; what it holds is secret and is never logged, written to status or put in
/// an error (its `description` names hosts only).
///
/// Hosts are matched exactly after normalisation: scheme and path dropped
/// (`https://index.docker.io/v1/` → `index.docker.io`), lower-cased, Docker Hub's aliases
/// mapped to `docker.io`. The first Secret naming a host wins (the order of
/// `imagePullSecrets`), as for the kubelet. Wildcard entries are not matched.
public struct AppDeploymentRegistryCredentials: Sendable, Hashable, CustomStringConvertible {
    /// One registry's login.
    public struct Login: Sendable, Hashable, CustomStringConvertible {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// `user:pass` in base64, for `Authorization: Basic`.
        var basic: String { Data("\(username):\(password)".utf8).base64EncodedString() }

        public var description: String { "login(\(username.isEmpty ? "" : "user set"))" }
    }

    /// Logins by normalised host.
    public private(set) var logins: [String: Login] = [:]
    /// Pull Secrets given that hold no readable docker config, in order.
    public private(set) var unreadableSecrets: [String] = []

    /// No credentials.
    public static let none = AppDeploymentRegistryCredentials()

    public init() {}

    /// Credentials from the data of pull Secrets, in `imagePullSecrets` order: each a Secret's
    /// decoded `data` (key → bytes). Secrets without a docker config key, or whose JSON does not
    /// parse, contribute nothing (their names are in ``unreadableSecrets``).
    public init(secrets: [(name: String, data: [String: Data])]) {
        for secret in secrets {
            guard let json = secret.data[".dockerconfigjson"] ?? secret.data[".dockercfg"],
                let entries = Self.entries(json)
            else {
                unreadableSecrets.append(secret.name)
                continue
            }
            for (host, login) in entries where logins[host] == nil { logins[host] = login }
        }
    }

    /// The login for `registryHost` (normalised as the keys are), `nil` when none.
    public func login(for registryHost: String) -> Login? { logins[Self.normalizedHost(registryHost)] }

    /// `host` without scheme and path, lower-cased, Docker Hub's aliases as `docker.io`.
    public static func normalizedHost(_ host: String) -> String {
        var text = Substring(host.trimmingCharacters(in: .whitespaces).lowercased())
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = text.dropFirst(scheme.count) }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        let normalized = String(text)
        return ImageReference.dockerHubAliases.contains(normalized) ? "docker.io" : normalized
    }

    /// The logins of one docker config JSON: `{"auths": {host: entry}}` or the older
    /// `{host: entry}`; an entry has `auth` (base64 `user:pass`) or `username` and `password`.
    /// Entries with neither are skipped. `nil` when the JSON is not an object.
    static func entries(_ json: Data) -> [String: Login]? {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        let auths = (object["auths"] as? [String: Any]) ?? object
        var logins: [String: Login] = [:]
        for (key, value) in auths {
            guard let entry = value as? [String: Any] else { continue }
            let host = normalizedHost(key)
            if let username = entry["username"] as? String, let password = entry["password"] as? String,
                !username.isEmpty || !password.isEmpty
            {
                logins[host] = Login(username: username, password: password)
            } else if let auth = entry["auth"] as? String, let decoded = Data(base64Encoded: auth),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            {
                logins[host] = Login(
                    username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
            }
        }
        return logins
    }

    public var description: String { "registry credentials for \(logins.keys.sorted())" }
}
