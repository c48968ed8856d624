import Foundation
import KubeCore

/// `quartermaster instance wal-archive --run-dir R --secrets-dir S WALPATH`, PostgreSQL's
/// `archive_command`: ships one WAL segment with `barman-cloud-wal-archive` to the store in
/// `<run-dir>/archive.json`, credentials from `<secrets-dir>/backup/`.
///
/// Exit 0 only when the segment is stored. Without `archive.json` (archiving off, or the archive
/// check has not passed) it fails with a message, so PostgreSQL keeps the segment and retries.
/// A failure's message goes to `<run-dir>/archive-failure.json` (at most 1 KiB); a success
/// removes that file.
public struct WALArchiver: Sendable {
    public var paths: InstancePaths
    public var toolDirectory: String
    public var environment: [String: String]

    public init(
        paths: InstancePaths, toolDirectory: String = BarmanCloud.directory(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.paths = paths
        self.toolDirectory = toolDirectory
        self.environment = environment
    }

    /// Archives `walPath` (relative to PGDATA, as `%p` gives it); returns the exit status and
    /// writes the failure file on failure.
    public func archive(walPath: String, now: Date = Date()) async -> (status: Int32, message: String?) {
        let wal = (walPath as NSString).lastPathComponent
        let outcome = await run(walPath: walPath)
        if let message = outcome {
            let failure = ArchiveFailure(wal: wal, time: RFC3339.string(now), message: message)
            if let data = try? KubeJSON.encode(failure) {
                _ = try? InstanceFiles.write(data, to: paths.archiveFailureFile, mode: 0o600)
            }
            return (1, message)
        }
        try? FileManager.default.removeItem(atPath: paths.archiveFailureFile)
        return (0, nil)
    }

    /// `nil` on success, else why not.
    private func run(walPath: String) async -> String? {
        guard let store = ObjectStoreSettings.read(from: paths.archiveSettingsFile) else {
            return "archiving is off: \(paths.archiveSettingsFile) is absent"
        }
        let env: [String: String]
        do {
            env = try ObjectStoreEnvironment.environment(
                store: store, credentialsDirectory: paths.backupCredentialsDirectory, base: environment)
        } catch {
            return "\(error)"
        }
        switch await ProcessRunner.run(
            BarmanCloud.tool("wal-archive", directory: toolDirectory),
            BarmanCloud.walArchive(store, walPath: walPath), environment: env)
        {
        case .failure(let error):
            return BarmanCloud.truncate("\(error)", bytes: 1024)
        case .success(let result) where !result.succeeded:
            return BarmanCloud.failureMessage(result.standardError, status: result.status)
        case .success:
            return nil
        }
    }
}
