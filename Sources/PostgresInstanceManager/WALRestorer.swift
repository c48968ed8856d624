import Foundation

/// `quartermaster instance wal-restore --run-dir R --secrets-dir S WALNAME DESTPATH`,
/// PostgreSQL's `restore_command` during a recovery: fetches one WAL file (segment or timeline
/// history) with `barman-cloud-wal-restore` from the store in `<run-dir>/restore-source.json`,
/// credentials from `<secrets-dir>/recovery/`.
///
/// Exit 0 when the file was fetched; non-zero otherwise (1 when barman-cloud says it is not in
/// the archive, which is how PostgreSQL learns that the archive ends there).
public struct WALRestorer: Sendable {
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

    /// Fetches `walName` into `destination` (relative to PGDATA, as `%p` gives it); returns the
    /// exit status and, on failure, why.
    public func restore(walName: String, destination: String) async -> (status: Int32, message: String?) {
        guard let store = ObjectStoreSettings.read(from: paths.restoreSourceFile) else {
            return (2, "no recovery source: \(paths.restoreSourceFile) is absent")
        }
        let env: [String: String]
        do {
            env = try ObjectStoreEnvironment.environment(
                store: store, credentialsDirectory: paths.recoveryCredentialsDirectory, base: environment)
        } catch {
            return (2, "\(error)")
        }
        switch await ProcessRunner.run(
            BarmanCloud.tool("wal-restore", directory: toolDirectory),
            BarmanCloud.walRestore(store, walName: walName, destination: destination), environment: env)
        {
        case .failure(let error):
            return (2, "\(error)")
        case .success(let result) where !result.succeeded:
            return (result.status, BarmanCloud.failureMessage(result.standardError, status: result.status))
        case .success:
            return (0, nil)
        }
    }
}
