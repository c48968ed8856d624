import ArgumentParser
import PostgresInstanceManager

/// `quartermaster instance install DEST`: copies this executable to DEST (mode 0755).
struct InstanceInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Copy this executable to DEST (mode 0755), for an init container.")

    @Argument(help: "Where to copy the executable, such as /controller/quartermaster.")
    var destination: String

    func run() throws {
        try ExecutableInstaller.install(to: destination)
    }
}
