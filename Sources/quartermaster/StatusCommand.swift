import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster status NAME [-n NS]`: prints a `deployments.quartermaster.dev` object's phase,
/// served revision, URL, IP, image and digest, the conditions worth a look and its revision
/// history (``AppDeploymentStatusReport``). `status tenant/NAME` prints a Tenant as
/// `quartermaster tenant NAME` does; `deployment/NAME` is the same as `NAME`. Bold and colour only when standard output is a
/// terminal and neither `NO_COLOR` is set nor `TERM` is `dumb`; plain text otherwise. Exit
/// code 1 when the object does not exist, 2 for an unusable kubeconfig.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a Deployment (deployments.quartermaster.dev) or, as tenant/NAME, a Tenant.")

    @Argument(help: "The Deployment (NAME or deployment/NAME), or tenant/NAME.")
    var name: String

    @OptionGroup var access: ClusterAccessOptions

    /// `tenant/`, `tenants/` and `tenant.quartermaster.dev/` name a Tenant; `deployment/`,
    /// `deployments/` and `deployment.quartermaster.dev/` (or no prefix) a Deployment.
    static func target(_ argument: String) -> (tenant: Bool, name: String) {
        guard let slash = argument.firstIndex(of: "/") else { return (false, argument) }
        let kind = argument[..<slash].lowercased()
        let rest = String(argument[argument.index(after: slash)...])
        if ["tenant", "tenants", "tenant.quartermaster.dev", "tenants.quartermaster.dev"].contains(kind) { return (true, rest) }
        if ["deployment", "deployments", "deployment.quartermaster.dev", "deployments.quartermaster.dev"].contains(kind) {
            return (false, rest)
        }
        return (false, argument)
    }

    func run() async throws {
        let (client, namespace) = try access.connect(command: "status")
        defer { client.shutdown() }
        let (isTenant, name) = Self.target(self.name)
        if isTenant {
            try await TenantCommand.show(name, client: client, command: "status")
            return
        }
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
