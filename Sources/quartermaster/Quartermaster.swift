import ArgumentParser
import QuartermasterControllers

/// `quartermaster`: the operator and its tools.
@main
struct Quartermaster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quartermaster",
        abstract: "A Kubernetes operator for one-click infrastructure: tenants, resources, IPFS clusters.",
        version: QuartermasterVersion.current,
        subcommands: [
            RunCommand.self, InstanceCommand.self, BackupCommand.self, SwitchoverCommand.self, StatusCommand.self,
            RollbackCommand.self, VersionCommand.self, AnalyzeCommand.self,
            ManifestsCommand.self, CRDsCommand.self, RolesCommand.self, TemplatesCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: nil
    )
}
