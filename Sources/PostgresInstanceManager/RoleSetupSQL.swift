/// The SQL a primary runs on every start (idempotent), fed to `psql` on standard input so that
/// no password appears in a command line:
///
/// - `clusterScript` (database `postgres`): role `streaming_replica` (REPLICATION LOGIN, and
///   EXECUTE on the file functions `pg_rewind` reads its source with: `rewindGrants`); the
///   owner role (LOGIN, password from the app Secret: kept in step with it); role
///   `quartermaster_pooler` (LOGIN, its password when the pooler Secret holds one, else none);
///   the database owned by the owner.
/// - `databaseScript` (the application database): schema `quartermaster` and the SECURITY
///   DEFINER function `quartermaster.get_auth(text)` PgBouncer's `auth_query` calls; it returns
///   the SCRAM verifier of ordinary login roles only (never a superuser's, nor a replication
///   role's), and only `quartermaster_pooler` may execute it.
public enum RoleSetupSQL {
    public static func clusterScript(owner: String, ownerPassword: String, database: String, poolerPassword: String?)
        -> String
    {
        let o = SQLQuoting.literal(owner)
        let d = SQLQuoting.literal(database)
        var lines = [
            "SET client_min_messages = warning;",
            // Never wait for synchronous standbys: on a fresh primary they cannot connect before
            // streaming_replica exists.
            "SET synchronous_commit = local;",
            "SELECT 'CREATE ROLE streaming_replica' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'streaming_replica') \\gexec",
            "ALTER ROLE streaming_replica WITH REPLICATION LOGIN;",
        ] + rewindGrants + [
            "SELECT format('CREATE ROLE %I', \(o)) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \(o)) \\gexec",
            "ALTER ROLE \(SQLQuoting.identifier(owner)) WITH LOGIN PASSWORD \(SQLQuoting.literal(ownerPassword));",
            "SELECT 'CREATE ROLE quartermaster_pooler' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'quartermaster_pooler') \\gexec",
        ]
        if let poolerPassword {
            lines.append("ALTER ROLE quartermaster_pooler WITH LOGIN PASSWORD \(SQLQuoting.literal(poolerPassword));")
        } else {
            lines.append("ALTER ROLE quartermaster_pooler WITH LOGIN PASSWORD NULL;")
        }
        lines.append(
            "SELECT format('CREATE DATABASE %I OWNER %I', \(d), \(o)) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = \(d)) \\gexec"
        )
        return lines.joined(separator: "\n") + "\n"
    }

    /// What `pg_rewind` needs of its source server as `streaming_replica` (not a superuser).
    public static let rewindGrants = [
        "GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO streaming_replica;",
        "GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO streaming_replica;",
        "GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO streaming_replica;",
        "GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO streaming_replica;",
    ]

    public static func databaseScript() -> String {
        """
        SET client_min_messages = warning;
        SET synchronous_commit = local;
        CREATE SCHEMA IF NOT EXISTS quartermaster AUTHORIZATION postgres;
        REVOKE ALL ON SCHEMA quartermaster FROM PUBLIC;
        GRANT USAGE ON SCHEMA quartermaster TO quartermaster_pooler;
        CREATE OR REPLACE FUNCTION quartermaster.get_auth(p_usename text)
          RETURNS TABLE (usename name, passwd text)
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
          AS $$ SELECT s.usename, s.passwd FROM pg_catalog.pg_shadow s
                WHERE s.usename = p_usename AND NOT s.usesuper AND NOT s.userepl $$;
        REVOKE ALL ON FUNCTION quartermaster.get_auth(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION quartermaster.get_auth(text) TO quartermaster_pooler;

        """
    }
}
