/// What a PostgresInstance's user may write into PostgreSQL's configuration and catalogue:
/// `spec.parameters` (postgresql.conf), `spec.pgHBA` (pg_hba.conf), `spec.database` and
/// `spec.owner`. ``violations(of:)`` is the one judgement, used by the reconciler (`Stalled`,
/// reason `InvalidParameters`, nothing applied) and the admission webhook (refused).
///
/// The instance manager still quotes every value and identifier it writes; these rules keep
/// the operator's own settings the operator's and make a mistake read as a clear message.
public enum PostgresParameters {
    /// postgresql.conf settings the operator and the instance manager set, which a spec may not
    /// set: where PostgreSQL listens and keeps its files, replication and recovery, archiving,
    /// TLS, and the directives that read other files or run commands. A name ending in `*` is a
    /// prefix (`recovery_target*` covers `recovery_target_time`, ...). Compared case-insensitively,
    /// as PostgreSQL does. `shared_preload_libraries` is allowed.
    public static let operatorControlled: [String] = [
        "listen_addresses", "port", "unix_socket_directories", "data_directory", "hba_file", "ident_file",
        "config_file", "external_pid_file", "include", "include_dir", "include_if_exists",
        "wal_level", "hot_standby", "wal_log_hints", "max_wal_senders", "max_replication_slots",
        "archive_mode", "archive_command", "archive_library", "archive_cleanup_command", "restore_command",
        "recovery_end_command", "recovery_target*", "primary_conninfo", "primary_slot_name", "promote_trigger_file",
        "ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file", "ssl_crl_dir",
        "ssl_passphrase_command", "synchronous_standby_names", "synchronous_commit",
    ]

    /// Whether `name` is one of ``operatorControlled`` (case-insensitive; `*` entries are prefixes).
    public static func isOperatorControlled(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return operatorControlled.contains { entry in
            entry.hasSuffix("*") ? lowered.hasPrefix(entry.dropLast()) : lowered == entry
        }
    }

    /// A parameter name: a letter or `_`, then letters, digits, `_` and `.` (extensions'
    /// `pg_stat_statements.max`), at most 63 characters.
    public static let namePattern = "^[A-Za-z_][A-Za-z0-9_.]{0,62}$"
    /// A database or role name the operator creates: `^[a-z_][a-z0-9_]{0,62}$` (a lower-case
    /// PostgreSQL identifier, the same quoted or not).
    public static let identifierPattern = "^[a-z_][a-z0-9_]{0,62}$"
    /// Databases the spec may not name: PostgreSQL's own.
    public static let reservedDatabases = ["postgres", "template0", "template1"]
    /// Roles the spec may not name as owner: the superuser, the operator's replication and
    /// pooler roles, and `public`. Names starting with `pg_` are reserved too.
    public static let reservedRoles = ["postgres", "streaming_replica", "quartermaster_pooler", "public"]

    /// The most `parameters` entries: 256.
    public static let maxParameters = 256
    /// The longest parameter value: 4096 characters.
    public static let maxValueLength = 4096
    /// The most `pgHBA` lines: 64.
    public static let maxHBALines = 64
    /// The longest `pgHBA` line: 512 characters.
    public static let maxHBALineLength = 512
    /// pg_hba.conf keywords that read other files: a line may not start with them.
    static let hbaIncludeKeywords = ["include", "include_if_exists", "include_dir"]

    /// Everything refused in `spec`'s parameters, pg_hba lines, database and owner, one message
    /// each, naming the field (`parameters.port: ...`); empty when nothing is. Pure; bounds are
    /// checked again here for objects stored under an older schema.
    public static func violations(of spec: PostgresInstanceSpec) -> [String] {
        var problems: [String] = []
        if spec.parameters.count > maxParameters {
            problems.append("parameters: \(spec.parameters.count) entries; at most \(maxParameters)")
        }
        for (name, value) in spec.parameters.sorted(by: { $0.key < $1.key }) {
            let field = "parameters.\(name.prefix(64))"
            if !matches(name, namePattern) {
                problems.append("\(field): not a parameter name (letters, digits, '_' and '.', starting with a letter or '_', at most 63)")
            } else if isOperatorControlled(name) {
                problems.append("\(field): set by the operator; it cannot be changed in spec.parameters")
            }
            if value.count > maxValueLength {
                problems.append("\(field): the value has \(value.count) characters; at most \(maxValueLength)")
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append("\(field): the value may not hold control characters (such as a line break)")
            }
        }
        if spec.pgHBA.count > maxHBALines {
            problems.append("pgHBA: \(spec.pgHBA.count) lines; at most \(maxHBALines)")
        }
        for (index, line) in spec.pgHBA.enumerated() {
            let field = "pgHBA[\(index)]"
            if line.count > maxHBALineLength {
                problems.append("\(field): \(line.count) characters; at most \(maxHBALineLength)")
            }
            if line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
                problems.append("\(field): one line only (no line breaks or control characters)")
                continue
            }
            let tokens = hbaTokens(line)
            if let first = tokens.first, hbaIncludeKeywords.contains(first.lowercased()) {
                problems.append("\(field): \(first) would read another file; write the rules themselves")
            }
            if tokens.contains(where: { $0.lowercased() == "trust" }) {
                problems.append("\(field): the trust method admits anyone without a password; use scram-sha-256 or cert")
            }
        }
        problems += identifierProblems(spec.database, field: "database", reserved: reservedDatabases)
        problems += identifierProblems(spec.owner, field: "owner", reserved: reservedRoles)
        return problems
    }

    /// A pg_hba.conf line's unquoted tokens (quoted ones, such as a database named `"trust"`,
    /// are names, not keywords), up to its comment.
    static func hbaTokens(_ line: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
                current = ""
                continue
            }
            if quoted { continue }
            if character == "#" { break }
            if character == " " || character == "\t" || character == "," {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !quoted, !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func identifierProblems(_ name: String, field: String, reserved: [String]) -> [String] {
        guard matches(name, identifierPattern) else {
            return [
                "\(field): \"\(name.prefix(64))\" is not a PostgreSQL identifier the operator creates (lower-case letters, digits and '_', starting with a letter or '_', at most 63)"
            ]
        }
        if reserved.contains(name) { return ["\(field): \"\(name)\" is reserved"] }
        if name.hasPrefix("pg_") { return ["\(field): names starting with pg_ are reserved by PostgreSQL"] }
        return []
    }

    /// Whether all of `text` matches `pattern` (one of the patterns above, which the CRD
    /// schema states too).
    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.wholeMatch(of: regex) != nil
    }
}
