import ArgumentParser

/// `quartermaster instance`: what runs inside a PostgresInstance's pods (see
/// `PostgresInstanceManager`): `install` (init container), `run` (PostgreSQL), `pooler` (PgBouncer).
struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "The PostgreSQL instance manager that runs inside PostgresInstance pods.",
        subcommands: [InstanceInstallCommand.self, InstanceRunCommand.self, InstancePoolerCommand.self]
    )
}
