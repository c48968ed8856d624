import ArgumentParser
import Foundation
import QuartermasterControllers

/// `quartermaster roles`: prints the tenant-owner ClusterRole (`TenantOwnerRole`).
/// `quartermaster manifests` writes it, with every other role, into `config/rbac` and the chart.
struct RolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Print the tenant-owner ClusterRole (quartermaster manifests writes it into config/rbac and the chart).")

    func run() throws {
        print(GeneratedManifests.tenantOwnerRole().yaml(.plain), terminator: "")
    }
}
