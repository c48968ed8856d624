import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster backup NAME [-n NS]`: asks for one base backup of the PostgresInstance NAME by
/// creating a PostgresBackup `<NAME>-<yyyyMMddHHmmss>` (UTC now), labelled as the operator
/// labels its own (trigger `cli`). The PostgresBackup controller runs it; follow it with
/// `kubectl get pgbackup -n NS -w`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Take a base backup of a PostgresInstance now (creates a PostgresBackup).")

    @Argument(help: "The PostgresInstance.")
    var name: String

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let (client, namespace) = try access.connect(command: "backup")
        defer { client.shutdown() }
        guard try await client.getIfExists(PostgresInstance.self, name: name, namespace: namespace) != nil else {
            FileHandleOutput.standardError("quartermaster backup: PostgresInstance \(namespace)/\(name) not found")
            throw ExitCode(1)
        }
        let backupName = PostgresBackupLabels.name(instance: name, time: Date())
        let backup = PostgresBackup(
            metadata: ObjectMeta(
                name: backupName, namespace: namespace, labels: PostgresBackupLabels.labels(instance: name, trigger: .cli)),
            spec: PostgresBackupSpec(instance: .init(name: name)))
        do {
            _ = try await client.create(backup)
        } catch {
            FileHandleOutput.standardError("quartermaster: cannot create PostgresBackup \(backupName): \(error)")
            throw ExitCode(1)
        }
        print("postgresbackup.quartermaster.dev/\(backupName) created in namespace \(namespace)")
    }
}
