import Foundation

/// The barman-cloud command lines the manager runs (barman-cli-cloud 3.4): pure rendering of
/// their arguments, and where the tools are.
///
/// Every command gets `--endpoint-url` when the store names one; the commands that upload
/// (`wal-archive`, `backup`) get `-e <encryption>` unless it is `none`. The destination URL and
/// server name are always the last positional arguments before the command's own.
public enum BarmanCloud {
    /// `barman-cloud-<name>` in `directory`.
    public static func tool(_ name: String, directory: String) -> String {
        directory + "/barman-cloud-" + name
    }

    /// The directory holding the tools: the first directory of `PATH` with
    /// `barman-cloud-wal-archive`, else `/usr/bin` (where Debian's barman-cli-cloud puts them).
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for dir in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where !dir.isEmpty {
            if FileManager.default.isExecutableFile(atPath: tool("wal-archive", directory: dir)) { return dir }
        }
        return "/usr/bin"
    }

    private static func common(_ store: ObjectStoreSettings) -> [String] {
        store.endpointURL.map { ["--endpoint-url", $0] } ?? []
    }

    private static func encryption(_ store: ObjectStoreSettings) -> [String] {
        store.serverSideEncryption.map { ["-e", $0] } ?? []
    }

    /// `barman-cloud-wal-archive [--endpoint-url U] [-e E] DEST SERVER WALPATH`.
    public static func walArchive(_ store: ObjectStoreSettings, walPath: String) -> [String] {
        common(store) + encryption(store) + [store.destinationPath, store.serverName, walPath]
    }

    /// `barman-cloud-wal-restore [--endpoint-url U] DEST SERVER WALNAME DESTPATH`.
    public static func walRestore(_ store: ObjectStoreSettings, walName: String, destination: String) -> [String] {
        common(store) + [store.destinationPath, store.serverName, walName, destination]
    }

    /// `barman-cloud-check-wal-archive [--endpoint-url U] DEST SERVER`: exit 0 when the archive is
    /// empty (or the bucket absent), 1 when it holds WAL (not safe to archive a new server into).
    public static func checkWALArchive(_ store: ObjectStoreSettings) -> [String] {
        common(store) + [store.destinationPath, store.serverName]
    }

    /// `barman-cloud-backup [--endpoint-url U] [-e E] --immediate-checkpoint -h SOCKETDIR -p PORT
    /// -U postgres -d postgres --name NAME DEST SERVER`.
    public static func backup(_ store: ObjectStoreSettings, name: String, socketDirectory: String, port: Int)
        -> [String]
    {
        common(store) + encryption(store) + [
            "--immediate-checkpoint", "-h", socketDirectory, "-p", String(port), "-U", "postgres", "-d", "postgres",
            "--name", name, store.destinationPath, store.serverName,
        ]
    }

    /// `barman-cloud-backup-show [--endpoint-url U] --format json DEST SERVER ID-OR-NAME`.
    public static func backupShow(_ store: ObjectStoreSettings, backup: String) -> [String] {
        common(store) + ["--format", "json", store.destinationPath, store.serverName, backup]
    }

    /// `barman-cloud-backup-list [--endpoint-url U] --format json DEST SERVER`.
    public static func backupList(_ store: ObjectStoreSettings) -> [String] {
        common(store) + ["--format", "json", store.destinationPath, store.serverName]
    }

    /// `barman-cloud-backup-delete [--endpoint-url U] --retention-policy POLICY DEST SERVER`:
    /// deletes the backups the policy no longer needs and the WAL only they needed.
    public static func backupDelete(_ store: ObjectStoreSettings, retentionPolicy: String) -> [String] {
        common(store) + ["--retention-policy", retentionPolicy, store.destinationPath, store.serverName]
    }

    /// `barman-cloud-restore [--endpoint-url U] DEST SERVER BACKUPID PGDATA`.
    public static func restore(_ store: ObjectStoreSettings, backupID: String, pgdata: String) -> [String] {
        common(store) + [store.destinationPath, store.serverName, backupID, pgdata]
    }

    /// The last line of `standardError` that says something (barman logs `... ERROR: <why>`),
    /// cut to `limit` bytes of UTF-8 (default 1 KiB): what status and reports carry.
    public static func failureMessage(_ standardError: String, status: Int32?, limit: Int = 1024) -> String {
        let lines = standardError.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let line =
            lines.last(where: { $0.contains("ERROR") }) ?? lines.last(where: { !$0.isEmpty })
            ?? "exited with status \(status.map(String.init) ?? "unknown")"
        return truncate(line, bytes: limit)
    }

    /// `text` cut to at most `bytes` bytes of UTF-8, on a character boundary.
    public static func truncate(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var out = ""
        var used = 0
        for c in text {
            let n = String(c).utf8.count
            if used + n > bytes { break }
            out.append(c)
            used += n
        }
        return out
    }
}
