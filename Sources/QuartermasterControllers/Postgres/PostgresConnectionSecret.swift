/// The data of the `<name>-app` Secret: how an application connects as the database owner
/// (pure). Every value derives from the stored password and CA, so it is kept in step without
/// ever generating the password again.
///
/// Keys: `username`, `password`, `host` (`<name>-rw.<ns>.svc`), `port` (`5432`), `dbname`,
/// `uri` (`postgresql://<user>:<password>@<host>:5432/<db>?sslmode=verify-full`), `jdbc-uri`
/// (`jdbc:postgresql://<host>:5432/<db>?user=…&password=…&sslmode=verify-full`), `pgpass`
/// (`<host>:5432:<db>:<user>:<password>`), `ca.crt` (the instance's CA: mount it and point
/// `sslrootcert` at it for `verify-full`); with the pooler also `pooler-host`
/// (`<name>-pooler.<ns>.svc`), `pooler-uri` and `pooler-jdbc-uri`.
public struct PostgresConnectionSecret: Sendable, Hashable {
    public var names: PostgresInstanceNames
    public var namespace: String
    public var database: String
    public var owner: String
    public var password: String
    public var caCertificatePEM: String
    public var pooler: Bool

    /// The port of every Service: 5432.
    public static let port = 5432

    public init(
        names: PostgresInstanceNames, namespace: String, database: String, owner: String, password: String,
        caCertificatePEM: String, pooler: Bool
    ) {
        self.names = names
        self.namespace = namespace
        self.database = database
        self.owner = owner
        self.password = password
        self.caCertificatePEM = caCertificatePEM
        self.pooler = pooler
    }

    public var host: String { names.serviceHost(names.readWriteService, namespace: namespace) }
    public var poolerHost: String { names.serviceHost(names.poolerService, namespace: namespace) }

    func uri(host: String) -> String {
        "postgresql://\(owner):\(password)@\(host):\(Self.port)/\(database)?sslmode=verify-full"
    }

    func jdbcURI(host: String) -> String {
        "jdbc:postgresql://\(host):\(Self.port)/\(database)?user=\(owner)&password=\(password)&sslmode=verify-full"
    }

    /// The Secret's data (string values; the applier base64-encodes them).
    public var data: [String: String] {
        var d: [String: String] = [
            "username": owner,
            "password": password,
            "host": host,
            "port": String(Self.port),
            "dbname": database,
            "uri": uri(host: host),
            "jdbc-uri": jdbcURI(host: host),
            "pgpass": "\(host):\(Self.port):\(database):\(owner):\(password)\n",
            "ca.crt": caCertificatePEM,
        ]
        if pooler {
            d["pooler-host"] = poolerHost
            d["pooler-uri"] = uri(host: poolerHost)
            d["pooler-jdbc-uri"] = jdbcURI(host: poolerHost)
        }
        return d
    }
}
