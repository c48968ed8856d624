import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster resources [-A | -n NS]` (or `kubectl quartermaster resources`): every Resource
/// with its tenant, template, phase, progress, current stage and age (``ResourcesReport``).
/// Colour only on a terminal. Tenants the user may not list leave the tenant column `-`.
struct ResourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resources",
        abstract: "List Resources across tenants: tenant, template, phase, progress, stage.")

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace (default: the current one).")
    var allNamespaces = false

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let (client, namespace) = try access.connect(command: "resources")
        defer { client.shutdown() }
        let resources = try await client.list(Resource.self, namespace: allNamespaces ? nil : namespace).items
        let tenants = (try? await client.list(Tenant.self).items) ?? []
        let style: ReportStyle = TerminalOutput.decorated ? .terminal : .plain
        print(ResourcesReport.render(resources: resources, tenants: tenants, now: Date(), style: style).joined(separator: "\n"))
    }
}
