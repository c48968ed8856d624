import Foundation

/// The postgresql.conf settings of continuous archiving and of a recovery from a backup,
/// rendered without I/O (`PostgresConfFile.render` writes them after the other operator
/// settings):
///
/// - `archive_mode = on` always (turning archiving on later needs no restart);
/// - `archive_command`: the `wal-archive` wrapper when the instance has a store
///   (`status.archive`), else `/bin/true` (segments are recycled, nothing is kept for an archive);
/// - during a recovery bootstrap: `restore_command` (the `wal-restore` wrapper against the
///   source store), `recovery_target_timeline = latest`, the target setting when there is one,
///   and `recovery_target_action = promote`.
public enum ArchiveConfSettings {
    /// The manager's own executable (`/proc/self/exe` resolved: `/controller/quartermaster` in a
    /// pod); what `archive_command` and `restore_command` run.
    public static let executable: String = {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return CommandLine.arguments.first ?? "quartermaster"
    }()

    public static func settings(
        archiving: Bool, executable: String, paths: InstancePaths, recovery: RecoverySource?
    ) -> [(String, String)] {
        func wrapper(_ command: String) -> String {
            [
                shellQuote(executable), "instance", command, "--run-dir", shellQuote(paths.runDirectory),
                "--secrets-dir", shellQuote(paths.secretsDirectory),
            ].joined(separator: " ")
        }
        var out: [(String, String)] = [
            ("archive_mode", "on"),
            ("archive_command", archiving ? wrapper("wal-archive") + " %p" : "/bin/true"),
        ]
        if let recovery {
            out.append(("restore_command", wrapper("wal-restore") + " %f %p"))
            out.append(("recovery_target_timeline", "latest"))
            if let target = recovery.target {
                out.append(target.setting)
                out.append(("recovery_target_action", "promote"))
            }
        }
        return out
    }

    /// A word for `/bin/sh`: single-quoted, `'` written as `'\''`, and `%` doubled (PostgreSQL
    /// replaces `%p`, `%f` and `%%` in these commands).
    public static func shellQuote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''").replacingOccurrences(of: "%", with: "%%") + "'"
    }
}
