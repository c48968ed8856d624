/// The PostgreSQL container image and the facts about it the operator and the instance
/// manager rely on: the one place they are written.
///
/// The default images are Quartermaster's (`ghcr.io/quartermaster-dev/postgres:<major>`, built by
/// `images/postgres/Dockerfile`): the Debian-based official images (``upstreamImage(major:)``)
/// plus barman-cli-cloud (the backup tool). PostgreSQL runs as uid/gid 999 (`postgres`), its
/// programs are in `/usr/lib/postgresql/<major>/bin`. An image given in `spec.image` must keep
/// that layout (and ship barman-cloud for backups).
public enum PostgresImage {
    /// The PostgreSQL major versions the operator runs: 15, 16, 17 (the schema's enum).
    public static let supportedMajorVersions = [15, 16, 17]
    /// The major version used when `spec.postgresVersion` is omitted: 16.
    public static let defaultMajorVersion = 16

    /// Where Quartermaster's images are published: `ghcr.io/quartermaster-dev` (a default registry
    /// of tenants' policies).
    public static let registry = "ghcr.io/quartermaster-dev"

    /// The image used for `major` when `spec.image` is omitted: `ghcr.io/quartermaster-dev/postgres:<major>`.
    public static func defaultImage(major: Int) -> String { "\(registry)/postgres:\(major)" }

    /// The official image the default image is built from (`images/postgres/Dockerfile`'s
    /// `FROM`): `docker.io/library/postgres:<major>`.
    public static func upstreamImage(major: Int) -> String { "docker.io/library/postgres:\(major)" }

    /// The directory holding `postgres`, `initdb`, `pg_ctl`, `pg_basebackup`, ... in the image:
    /// `/usr/lib/postgresql/<major>/bin`.
    public static func binDirectory(major: Int) -> String { "/usr/lib/postgresql/\(major)/bin" }

    /// The uid PostgreSQL runs as in the image (`runAsUser`): 999.
    public static let userID: Int64 = 999
    /// The gid of the `postgres` group in the image (`runAsGroup`, `fsGroup`): 999.
    public static let groupID: Int64 = 999

    /// Where the data volume is mounted: `/var/lib/postgresql/data`.
    public static let dataMountPath = "/var/lib/postgresql/data"
    /// PGDATA, a directory inside the data volume (so `lost+found` at the volume's root does
    /// not make `initdb` refuse it): `/var/lib/postgresql/data/pgdata`.
    public static let dataDirectory = "\(dataMountPath)/pgdata"
    /// Where the WAL volume is mounted (with `spec.walStorage`): `/var/lib/postgresql/wal`.
    public static let walMountPath = "/var/lib/postgresql/wal"
    /// The WAL directory inside the WAL volume (`initdb --waldir`): `/var/lib/postgresql/wal/pg_wal`.
    public static let walDirectory = "\(walMountPath)/pg_wal"

    /// The PgBouncer image of the pooler (`spec.pooler`), pinned.
    public static let pgbouncer = "docker.io/edoburu/pgbouncer:v1.23.1-p3"
    /// Where ``pgbouncer`` keeps its program: `/usr/bin/pgbouncer` (passed to
    /// `quartermaster instance pooler --pgbouncer`, so the pod spec says which program runs).
    public static let pgbouncerProgram = "/usr/bin/pgbouncer"
}
