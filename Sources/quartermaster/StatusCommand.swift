import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster status NAME [-n NS]`: prints a `deployments.quartermaster.dev` object's phase,
/// served revision, URL, IP, image and digest, the conditions worth a look and its revision
/// history (``AppDeploymentStatusReport``). Bold and colour only when standard output is a
/// terminal and neither `NO_COLOR` is set nor `TERM` is `dumb`; plain text otherwise. Exit
/// code 1 when the object does not exist, 2 for an unusable kubeconfig.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a Deployment (deployments.quartermaster.dev): phase, revision, URL, history.")

    @Argument(help: "The Deployment (deployments.quartermaster.dev).")
    var name: String

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let (client, namespace) = try access.connect(command: "status")
        guard let deployment = try await client.getIfExists(AppDeployment.self, name: name, namespace: namespace) else {
            FileHandleOutput.standardError("quartermaster status: deployment.quartermaster.dev \(namespace)/\(name) not found")
            throw ExitCode(1)
        }
        let style: AppDeploymentStatusReport.Style = TerminalOutput.decorated ? .terminal : .plain
        print(AppDeploymentStatusReport.render(deployment, style: style).joined(separator: "\n"))
    }
}

/// Whether standard output may carry escape sequences.
enum TerminalOutput {
    /// Standard output is a terminal, `NO_COLOR` is unset or empty (no-color.org) and `TERM` is
    /// not `dumb`.
    static var decorated: Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) != 0
    }
}
