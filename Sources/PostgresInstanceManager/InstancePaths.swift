/// Every file an instance manager reads or writes, derived from its directory arguments (the
/// process kubelet rewrites paths in arguments only, so none is hard-coded).
public struct InstancePaths: Hashable, Sendable {
    /// `--pgdata`: the data directory (`PGDATA`).
    public var pgdata: String
    /// `--wal-dir`: a separate WAL directory (initdb `--waldir`), or `nil`.
    public var walDirectory: String?
    /// `--bin-dir`: PostgreSQL's binaries (`initdb`, `postgres`, `pg_ctl`, `pg_basebackup`, `psql`).
    public var binDirectory: String
    /// `--run-dir`: the unix socket directory and the TLS files copied with mode 0600.
    public var runDirectory: String
    /// `--secrets-dir`: the mounted Secrets (`server/`, `replication/`, `app/`, `pooler/`).
    public var secretsDirectory: String

    public init(
        pgdata: String, walDirectory: String? = nil, binDirectory: String, runDirectory: String,
        secretsDirectory: String
    ) {
        self.pgdata = pgdata
        self.walDirectory = walDirectory
        self.binDirectory = binDirectory
        self.runDirectory = runDirectory
        self.secretsDirectory = secretsDirectory
    }

    public func binary(_ name: String) -> String { binDirectory + "/" + name }

    /// `postgresql.conf`'s include file, written on every start and spec change.
    public var quartermasterConf: String { pgdata + "/quartermaster.conf" }
    public var postgresqlConf: String { pgdata + "/postgresql.conf" }
    public var hbaFile: String { pgdata + "/pg_hba.conf" }
    public var identFile: String { pgdata + "/pg_ident.conf" }
    public var standbySignal: String { pgdata + "/standby.signal" }
    public var versionFile: String { pgdata + "/PG_VERSION" }

    // Mounted Secrets.
    public var serverCertificateSource: String { secretsDirectory + "/server/tls.crt" }
    public var serverKeySource: String { secretsDirectory + "/server/tls.key" }
    public var caSource: String { secretsDirectory + "/server/ca.crt" }
    public var replicationCertificateSource: String { secretsDirectory + "/replication/tls.crt" }
    public var replicationKeySource: String { secretsDirectory + "/replication/tls.key" }
    public var appPasswordFile: String { secretsDirectory + "/app/password" }
    public var poolerPasswordFile: String { secretsDirectory + "/pooler/password" }

    // Copies in the run directory (mode 0600, owned by the process: PostgreSQL and libpq
    // refuse keys others may read, and mounted Secrets are owned by root).
    public var serverCertificate: String { runDirectory + "/server.crt" }
    public var serverKey: String { runDirectory + "/server.key" }
    public var caCertificate: String { runDirectory + "/ca.crt" }
    public var replicationCertificate: String { runDirectory + "/replication.crt" }
    public var replicationKey: String { runDirectory + "/replication.key" }

    /// (source, copy) for every TLS file the instance uses.
    public var tlsCopies: [(source: String, destination: String)] {
        [
            (serverCertificateSource, serverCertificate), (serverKeySource, serverKey), (caSource, caCertificate),
            (replicationCertificateSource, replicationCertificate), (replicationKeySource, replicationKey),
        ]
    }
}
