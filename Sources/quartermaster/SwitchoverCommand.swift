import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster switchover NAME --to POD [-n NS]`: asks for a planned switchover of the
/// PostgresInstance NAME to its replica POD by setting the annotation
/// `quartermaster.dev/switchover-to: POD@<unix time>` (a merge patch of that annotation
/// alone). The operator switches over once the primary is healthy and POD is a ready,
/// streaming replica (docs/postgres-failover.md); the handled value shows in
/// `status.lastSwitchoverRequest`.
struct SwitchoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchover",
        abstract: "Ask for a planned switchover of a PostgresInstance to one of its replicas.")

    @Argument(help: "The PostgresInstance.")
    var name: String

    @Option(help: "The replica (pod name, e.g. pg-2) to promote.")
    var to: String

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let (client, namespace) = try access.connect(command: "switchover")
        defer { client.shutdown() }
        let request = "\(to)@\(Int(Date().timeIntervalSince1970))"
        do {
            _ = try await client.mergePatch(
                PostgresInstance.self, name: name, namespace: namespace,
                patch: ["metadata": ["annotations": [PostgresFailoverPlan.switchoverAnnotation: .string(request)]]])
        } catch KubeAPIError.notFound {
            FileHandleOutput.standardError("quartermaster switchover: PostgresInstance \(namespace)/\(name) not found")
            throw ExitCode(1)
        }
        print("switchover of \(namespace)/\(name) to \(to) requested (\(PostgresFailoverPlan.switchoverAnnotation)=\(request))")
    }
}
