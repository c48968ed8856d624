import Foundation

/// Renders `pg_hba.conf` (first matching line wins):
///
/// 1. `local all all peer map=local`: the unix socket, for the instance manager as `postgres`
///    (the ident map, `PgIdentFile`, maps the pod's OS user to `postgres`; no `trust`).
/// 2. `hostssl replication streaming_replica all cert`: replicas and `pg_basebackup` by client
///    certificate (CN `streaming_replica`), then any other physical replication refused;
///    `hostssl postgres streaming_replica all cert`: `pg_rewind` of a former primary against
///    the new one, by the same certificate.
/// 3. `spec.pgHBA`, in order.
/// 4. `hostssl all all all scram-sha-256`: everyone else by password, over TLS only.
/// 5. `host all all all reject`: the final reject.
///
/// The operator refuses `trust` lines; the manager only leaves out entries spanning several
/// lines (a line break would smuggle in more rules) or empty ones, reported in `skipped`.
public enum PgHBAFile {
    public struct Rendered: Hashable, Sendable {
        public var text: String
        /// `spec.pgHBA` entries left out.
        public var skipped: [String]
    }

    public static func render(extraLines: [String]) -> Rendered {
        var lines = [
            "# Written by the quartermaster instance manager; changes here are overwritten.",
            "# TYPE  DATABASE     USER               ADDRESS  METHOD",
            "local   all          all                         peer map=local",
            "hostssl replication  streaming_replica  all      cert",
            "hostssl postgres     streaming_replica  all      cert",
            "host    replication  all                all      reject",
            "# spec.pgHBA",
        ]
        var skipped: [String] = []
        for line in extraLines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || line.contains(where: { $0.isNewline }) || line.contains("\0") {
                skipped.append(line)
                continue
            }
            lines.append(trimmed)
        }
        lines += [
            "# password (SCRAM) over TLS, then nothing else",
            "hostssl all          all                all      scram-sha-256",
            "host    all          all                all      reject",
        ]
        return Rendered(text: lines.joined(separator: "\n") + "\n", skipped: skipped)
    }
}
