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
            RollbackCommand.self, DeployCommand.self, LogsCommand.self, AnalyzeCommand.self, VersionCommand.self,
            ManifestsCommand.self, CRDsCommand.self, RolesCommand.self, TemplatesCommand.self, BenchCommand.self,
            ResourcesCommand.self, TenantCommand.self, WhyCommand.self, MetricsProxyCommand.self,
        ],
        defaultSubcommand: nil
    )
}
