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

    @Option(name: [.short, .long], help: "Its namespace (default: the kubeconfig context's, else default).")
    var namespace: String?

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    func run() async throws {
        let configuration: ClientConfiguration
        do {
            configuration = try KubeconfigLoader.load(path: kubeconfig, context: context)
        } catch {
            FileHandleOutput.standardError("quartermaster: \(error)")
            throw ExitCode(2)
        }
        let namespace = self.namespace ?? configuration.namespace ?? "default"
        let client = try KubeClient(configuration: configuration, identity: RunCommand.identity)
        guard try await client.getIfExists(PostgresInstance.self, name: name, namespace: namespace) != nil else {
            FileHandleOutput.standardError("quartermaster: PostgresInstance \(name) not found in namespace \(namespace)")
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
