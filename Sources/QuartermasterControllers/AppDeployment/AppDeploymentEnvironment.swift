/// The environment variables the operator sets in an app's container: names `spec.env` may
/// not use while the binding that sets them is in the spec.
public enum AppDeploymentEnvironment {
    /// With `spec.database`: the database URI, from the credentials Secret's ``databaseURIKey``.
    public static let databaseURL = "DATABASE_URL"
    /// The key of the database credentials Secret holding the URI.
    public static let databaseURIKey = "uri"
    /// With `spec.database`: libpq's CA file variable, pointing at ``databaseCAPath``. The URI
    /// asks for `sslmode=verify-full`, which libpq-based clients (psql, psycopg, pgx, Ruby pg)
    /// can only satisfy with the instance's CA; without it they refuse to connect.
    public static let sslRootCertificate = "PGSSLROOTCERT"
    /// The key of the database credentials Secret holding the instance's CA certificate.
    public static let databaseCAKey = "ca.crt"
    /// Where that key is mounted (read-only) in the app's container.
    public static let databaseCADirectory = "/etc/quartermaster/database"
    public static var databaseCAPath: String { "\(databaseCADirectory)/\(databaseCAKey)" }
    /// With `spec.ipfs`: the kubo RPC API as a multiaddr, `/dns4/<cluster>-api.<ns>.svc/tcp/5001`.
    public static let ipfsAPI = "IPFS_API"
    /// With `spec.ipfs`: the kubo RPC API as a URL, `http://<cluster>-api.<ns>.svc:5001`.
    public static let ipfsAPIURL = "IPFS_API_URL"
}
