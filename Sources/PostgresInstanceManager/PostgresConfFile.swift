/// Renders `quartermaster.conf`, the file `postgresql.conf` includes: the user's parameters,
/// then the operator's settings, so that the operator's win whatever the spec says (PostgreSQL
/// takes the last occurrence of a setting).
///
/// The operator refuses specs that set operator-controlled parameters; the manager does not
/// keep a second list of them, it relies on the order. Parameter names that are not
/// PostgreSQL identifiers (`[A-Za-z_][A-Za-z0-9_.]*`) are left out and reported in `skipped`.
public enum PostgresConfFile {
    public struct Rendered: Hashable, Sendable {
        public var text: String
        /// Parameter names left out because they are not valid names.
        public var skipped: [String]
    }

    /// - Parameters:
    ///   - parameters: `spec.parameters`, written sorted by name, every value quoted.
    ///   - paths: the socket directory and TLS files.
    ///   - primaryConninfo: on a replica, what `PrimaryConninfo.render` gave (then also
    ///     `recovery_target_timeline = 'latest'`, so it follows a promoted primary); `nil` on a primary.
    ///   - synchronousStandbyNames: on a primary with `spec.synchronous`, what
    ///     `synchronousStandbyNames(number:standbys:)` gave (then `synchronous_commit = 'on'`);
    ///     `nil` writes `synchronous_standby_names = ''` (asynchronous replication).
    ///   - extraSettings: more operator settings, written last in this order (archiving and
    ///     recovery: `ArchiveConfSettings`).
    public static func render(
        parameters: [String: String], paths: InstancePaths, primaryConninfo: String?,
        synchronousStandbyNames: String? = nil, extraSettings: [(String, String)] = []
    ) -> Rendered {
        var lines = ["# Written by the quartermaster instance manager; changes here are overwritten.", ""]
        lines.append("# defaults (spec.parameters may override them)")
        for (name, value) in defaults { lines.append("\(name) = \(quote(value))") }
        lines += ["", "# spec.parameters"]
        var skipped: [String] = []
        for name in parameters.keys.sorted() {
            guard isValidName(name), let value = parameters[name] else {
                skipped.append(name)
                continue
            }
            lines.append("\(name) = \(quote(value))")
        }
        lines.append("")
        lines.append("# operator settings")
        var operatorSettings: [(String, String)] = [
            ("listen_addresses", "*"),
            ("unix_socket_directories", paths.runDirectory),
            ("ssl", "on"),
            ("ssl_cert_file", paths.serverCertificate),
            ("ssl_key_file", paths.serverKey),
            ("ssl_ca_file", paths.caCertificate),
            ("hba_file", paths.hbaFile),
            ("ident_file", paths.identFile),
            ("wal_level", "replica"),
            ("hot_standby", "on"),
            ("max_wal_senders", "10"),
            ("max_replication_slots", "10"),
            ("wal_log_hints", "on"),
        ]
        if let primaryConninfo {
            operatorSettings.append(("primary_conninfo", primaryConninfo))
            operatorSettings.append(("recovery_target_timeline", "latest"))
        }
        if let synchronousStandbyNames {
            operatorSettings.append(("synchronous_standby_names", synchronousStandbyNames))
            operatorSettings.append(("synchronous_commit", "on"))
        } else {
            operatorSettings.append(("synchronous_standby_names", ""))
        }
        operatorSettings += extraSettings
        for (name, value) in operatorSettings { lines.append("\(name) = \(quote(value))") }
        return Rendered(text: lines.joined(separator: "\n") + "\n", skipped: skipped)
    }

    /// `ANY N ("pg-2", "pg-3")`: quorum commit over `standbys` (their `application_name`s, the
    /// pod names), each a double-quoted name (`"` doubled). `nil` when `number` is below 1 or
    /// there are no standbys to name.
    public static func synchronousStandbyNames(number: Int, standbys: [String]) -> String? {
        guard number >= 1, !standbys.isEmpty else { return nil }
        let names = standbys.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return "ANY \(number) (\(names.joined(separator: ", ")))"
    }

    /// Settings the operator picks unless `spec.parameters` says otherwise: `wal_keep_size =
    /// 512MB`, so that a former primary still has the WAL since the last common checkpoint when
    /// `pg_rewind` needs it (its crash recovery ends with a checkpoint that would otherwise
    /// remove those segments), and a replica that fell behind can catch up without an archive.
    public static let defaults: [(String, String)] = [("wal_keep_size", "512MB")]

    /// A configuration-file string: single-quoted, `'` doubled, backslashes doubled, line
    /// breaks and tabs written as escapes (the file's parser reads `\n`, `\r`, `\t`).
    public static func quote(_ value: String) -> String {
        var out = "'"
        for c in value {
            switch c {
            case "'": out += "''"
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            case "\t": out += "\\t"
            case "\0": continue
            default: out.append(c)
            }
        }
        return out + "'"
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetterOrUnderscore else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetterOrUnderscore || ("0"..."9").contains($0) || $0 == "." }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetterOrUnderscore: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_"
    }
}
