import ArgumentParser
import Foundation
import QuartermasterControllers

/// `quartermaster roles`: prints the tenant-owner ClusterRole generated from `TenantOwnerRole`,
/// or writes every generated RBAC manifest (`GeneratedRBACManifests`) under a repository root.
struct RolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Print the tenant-owner ClusterRole, or write the generated RBAC manifests under a repository root with --root.")

    @Option(
        help: "Repository root to write config/rbac/tenant_owner_role.yaml and the chart's copy under (default: print the role to stdout).")
    var root: String?

    func run() throws {
        guard let root else {
            print(GeneratedRBACManifests.tenantOwnerRole.yaml(.plain), terminator: "")
            return
        }
        for file in GeneratedRBACManifests.all() {
            let url = URL(fileURLWithPath: root).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.yaml.utf8).write(to: url)
            print("wrote \(file.path)")
        }
    }
}
