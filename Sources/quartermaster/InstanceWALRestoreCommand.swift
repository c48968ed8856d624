import ArgumentParser
import Foundation
import PostgresInstanceManager

/// `quartermaster instance wal-restore --run-dir R --secrets-dir S WALNAME DESTPATH`:
/// PostgreSQL's `restore_command` during a recovery (see `WALRestorer`).
struct InstanceWALRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wal-restore",
        abstract: "Fetch one WAL file with barman-cloud-wal-restore (PostgreSQL's restore_command).")

    @Option(help: "The instance manager's run directory (restore-source.json).")
    var runDir: String = "/controller/run"

    @Option(help: "The mounted Secrets; credentials in recovery/.")
    var secretsDir: String = "/etc/quartermaster"

    @Argument(help: "The WAL file's name (%f).")
    var walName: String

    @Argument(help: "Where to write it, relative to the data directory (%p).")
    var destination: String

    func run() async throws {
        let paths = InstancePaths(pgdata: "", binDirectory: "", runDirectory: runDir, secretsDirectory: secretsDir)
        let (status, message) = await WALRestorer(paths: paths).restore(walName: walName, destination: destination)
        if let message { FileHandle.standardError.write(Data("wal-restore \(walName): \(message)\n".utf8)) }
        if status != 0 { throw ExitCode(status) }
    }
}
