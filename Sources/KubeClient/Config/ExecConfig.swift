import Foundation

/// A kubeconfig user's `exec` section: a credential plugin to run for tokens or client
/// certificates (kubectl's `ExecConfig`).
public struct ExecConfig: Hashable, Sendable, Decodable {
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
    public var apiVersion: String?
    /// The program: a path (relative ones resolved against the kubeconfig's directory when
    /// they contain a `/`) or a name looked up in `PATH`.
    public var command: String
    public var args: [String]
    /// Added to (and overriding) the plugin's inherited environment.
    public var env: [ExecEnvVar]
    /// Shown when the command cannot be found.
    public var installHint: String?
    /// `Never`, `IfAvailable` or `Always`. Plugins always run without a terminal here, so
    /// `Always` is rejected. Default (absent): `IfAvailable`.
    public var interactiveMode: String?
    /// Pass the cluster's details in `KUBERNETES_EXEC_INFO`. Default `false`.
    public var provideClusterInfo: Bool

    public init(
        apiVersion: String? = ExecCredentialAPIVersion.v1.rawValue, command: String, args: [String] = [],
        env: [ExecEnvVar] = [], installHint: String? = nil, interactiveMode: String? = nil,
        provideClusterInfo: Bool = false
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.interactiveMode = interactiveMode
        self.provideClusterInfo = provideClusterInfo
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, command, args, env, installHint, interactiveMode, provideClusterInfo
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        command = try c.decodeIfPresent(String.self, forKey: .command) ?? ""
        args = try c.decodeIfPresent([String].self, forKey: .args) ?? []
        env = try c.decodeIfPresent([ExecEnvVar].self, forKey: .env) ?? []
        installHint = try c.decodeIfPresent(String.self, forKey: .installHint)
        interactiveMode = try c.decodeIfPresent(String.self, forKey: .interactiveMode)
        provideClusterInfo = try c.decodeIfPresent(Bool.self, forKey: .provideClusterInfo) ?? false
    }
}

/// One `exec.env` entry.
public struct ExecEnvVar: Hashable, Sendable, Decodable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The ExecCredential API versions this client speaks.
public enum ExecCredentialAPIVersion: String, Sendable, Hashable, CaseIterable {
    case v1 = "client.authentication.k8s.io/v1"
    case v1beta1 = "client.authentication.k8s.io/v1beta1"
}
