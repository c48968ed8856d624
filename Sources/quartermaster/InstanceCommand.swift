import ArgumentParser

/// `quartermaster instance`: what runs inside a PostgresInstance's pods (see
/// `PostgresInstanceManager`): `install` (init container), `run` (PostgreSQL), `pooler` (PgBouncer), `wal-archive` and
/// `wal-restore` (PostgreSQL's archive and restore commands).
struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "The PostgreSQL instance manager that runs inside PostgresInstance pods.",
        subcommands: [
            InstanceInstallCommand.self, InstanceRunCommand.self, InstancePoolerCommand.self,
            InstanceWALArchiveCommand.self, InstanceWALRestoreCommand.self,
        ]
    )
}
