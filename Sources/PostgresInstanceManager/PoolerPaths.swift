/// The files of `quartermaster instance pooler`, derived from `--config-dir` and `--secrets-dir`.
///
/// The pooler's Secret is mounted at `SECRETS/pooler/` with `password` (role
/// `quartermaster_pooler`), `tls.crt` and `tls.key` (the certificate clients see) and `ca.crt`
/// (the instance CA, to verify the PostgreSQL server).
public struct PoolerPaths: Hashable, Sendable {
    public var configDirectory: String
    public var secretsDirectory: String

    public init(configDirectory: String, secretsDirectory: String) {
        self.configDirectory = configDirectory
        self.secretsDirectory = secretsDirectory
    }

    public var ini: String { configDirectory + "/pgbouncer.ini" }
    public var authFile: String { configDirectory + "/userlist.txt" }
    public var certificate: String { configDirectory + "/pooler.crt" }
    public var key: String { configDirectory + "/pooler.key" }
    public var caCertificate: String { configDirectory + "/ca.crt" }

    public var passwordSource: String { secretsDirectory + "/pooler/password" }

    /// (source, copy) for the TLS files, copied with mode 0600.
    public var tlsCopies: [(source: String, destination: String)] {
        [
            (secretsDirectory + "/pooler/tls.crt", certificate), (secretsDirectory + "/pooler/tls.key", key),
            (secretsDirectory + "/pooler/ca.crt", caCertificate),
        ]
    }
}
