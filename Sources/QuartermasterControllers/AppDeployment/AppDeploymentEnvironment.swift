/// What the operator adds to an app's container for its database besides `DATABASE_URL`
/// (``AppDeploymentValidation/databaseURLVariable``, from the credentials Secret's
/// ``databaseURIKey``): the instance's CA. The URI asks for `sslmode=verify-full`, which
/// libpq-based clients (psql, psycopg, pgx, Ruby pg) can only meet with that CA; without it
/// they refuse to connect. So the Secret's ``databaseCAKey`` is mounted read-only at
/// ``databaseCAPath`` and ``sslRootCertificate`` names it, unless `spec.env` sets that
/// variable itself (the spec's value is kept).
public enum AppDeploymentEnvironment {
    /// The key of the database credentials Secret holding the URI.
    public static let databaseURIKey = "uri"
    /// libpq's CA file variable: `PGSSLROOTCERT`.
    public static let sslRootCertificate = "PGSSLROOTCERT"
    /// The key of the database credentials Secret holding the instance's CA certificate.
    public static let databaseCAKey = "ca.crt"
    /// Where that key is mounted in the app's container.
    public static let databaseCADirectory = "/etc/quartermaster/database"
    /// `/etc/quartermaster/database/ca.crt`.
    public static var databaseCAPath: String { "\(databaseCADirectory)/\(databaseCAKey)" }
}
