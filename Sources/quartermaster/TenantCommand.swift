import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster tenant NAME` (or `kubectl quartermaster tenant NAME`): a Tenant as a tree:
/// conditions, quota used of hard, its Resources with stage and progress, and its newest
/// Events (``TenantReport``). Colour only on a terminal. Exit code 1 when it does not exist.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Show a Tenant: conditions, quota used and hard, its Resources, recent events.")

    @Argument(help: "The Tenant.")
    var name: String

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let (client, _) = try access.connect(command: "tenant")
        defer { client.shutdown() }
        try await Self.show(name, client: client, command: "tenant")
    }

    /// Prints Tenant `name`'s report; exit code 1 when it does not exist (`command` names the
    /// subcommand in the message: `tenant`, or `status` for `status tenant/NAME`).
    static func show(_ name: String, client: KubeClient, command: String) async throws {
        guard let tenant = try await client.getIfExists(Tenant.self, name: name) else {
            FileHandleOutput.standardError("quartermaster \(command): tenant.quartermaster.dev \(name) not found")
            throw ExitCode(1)
        }
        let namespace = tenant.namespaceName
        let resources = try await client.list(Resource.self, namespace: namespace).items
        // Events about the Tenant (recorded in `default`: it is cluster-scoped) and in its namespace.
        let aboutTenant = (try? await client.list(
            Event.self, namespace: nil,
            options: ListOptions(fieldSelector: "involvedObject.kind=Tenant,involvedObject.name=\(name)")).items) ?? []
        let inNamespace = (try? await client.list(Event.self, namespace: namespace).items) ?? []
        let style: ReportStyle = TerminalOutput.decorated ? .terminal : .plain
        let lines = TenantReport.render(
            tenant: tenant, resources: resources, events: aboutTenant + inNamespace, now: Date(), style: style)
        print(lines.joined(separator: "\n"))
    }
}
