import ArgumentParser
import QuartermasterControllers

/// `quartermaster version`: prints the build's version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("quartermaster \(QuartermasterVersion.current)")
    }
}
