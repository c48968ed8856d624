import ArgumentParser
import Foundation
import PostgresInstanceManager

/// `quartermaster instance wal-archive --run-dir R --secrets-dir S WALPATH`: PostgreSQL's
/// `archive_command` (see `WALArchiver`). Exit 0 only when the segment is stored.
struct InstanceWALArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wal-archive",
        abstract: "Archive one WAL segment with barman-cloud-wal-archive (PostgreSQL's archive_command).")

    @Option(help: "The instance manager's run directory (archive.json, archive-failure.json).")
    var runDir: String = "/controller/run"

    @Option(help: "The mounted Secrets; credentials in backup/.")
    var secretsDir: String = "/etc/quartermaster"

    @Argument(help: "The segment's path relative to the data directory (%p).")
    var walPath: String

    func run() async throws {
        let paths = InstancePaths(pgdata: "", binDirectory: "", runDirectory: runDir, secretsDirectory: secretsDir)
        let (status, message) = await WALArchiver(paths: paths).archive(walPath: walPath)
        if let message { FileHandle.standardError.write(Data("wal-archive \(walPath): \(message)\n".utf8)) }
        if status != 0 { throw ExitCode(status) }
    }
}
