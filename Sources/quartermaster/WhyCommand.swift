import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster why KIND/NAME` (or `kubectl quartermaster why resource/files -n acme`): the
/// object and what it owns as a tree, each with its first problem, then the cause to act on
/// (``WhyReport``, read by ``WhyInvestigation``). Colour only on a terminal. Exit code 1 when
/// the object does not exist, 2 for a kind it does not know.
struct WhyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Why is it not Ready? The first problem down the owner chain: Resource, its workload, its pods.")

    @Argument(help: "KIND/NAME: resource, ipfscluster, postgresinstance, deployment or tenant, then the name.")
    var object: String

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let parts = object.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = WhyInvestigation.Kind(argument: parts[0]), !parts[1].isEmpty else {
            FileHandleOutput.standardError(
                "quartermaster why: expected KIND/NAME with KIND one of resource, ipfscluster, postgresinstance, deployment, tenant; got '\(object)'")
            throw ExitCode(2)
        }
        let (client, namespace) = try access.connect(command: "why")
        defer { client.shutdown() }
        guard let root = try await WhyInvestigation.explain(client: client, kind: kind, name: parts[1], namespace: namespace) else {
            let place = kind == .tenant ? parts[1] : "\(namespace)/\(parts[1])"
            FileHandleOutput.standardError("quartermaster why: \(kind.rawValue) \(place) not found")
            throw ExitCode(1)
        }
        let style: ReportStyle = TerminalOutput.decorated ? .terminal : .plain
        print(WhyReport.render(root, style: style).joined(separator: "\n"))
    }
}
