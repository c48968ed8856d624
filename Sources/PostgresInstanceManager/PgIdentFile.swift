/// Renders `pg_ident.conf`: the map `local` lets the pod's OS user (uid 999 `postgres` in the
/// PostgreSQL image; whoever runs the manager elsewhere) connect over the unix socket as the
/// database superuser `postgres`, and as itself.
public enum PgIdentFile {
    public static func render(operatingSystemUser: String) -> String {
        var lines = [
            "# Written by the quartermaster instance manager; changes here are overwritten.",
            "# MAPNAME  SYSTEM-USERNAME  PG-USERNAME",
            "local      \(operatingSystemUser)  postgres",
        ]
        if operatingSystemUser != "postgres" {
            lines.append("local      \(operatingSystemUser)  \(operatingSystemUser)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
