import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers
import Synchronization

/// `quartermaster logs NAME [-n NS] [--build] [-f] [--tail N] [--container C]`: the log of a
/// `deployments.quartermaster.dev` object's pods (or, with `--build`, of its build Job's pod)
/// from the pod log API, streamed (``AppDeploymentLogReader``). Several pods: every line is
/// prefixed `[pod/POD/CONTAINER] `. Exit code 1 when the object, its build or its pods do not
/// exist or the API refuses, 2 for an unusable kubeconfig.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print or follow the logs of a Deployment's pods or of its build (deployments.quartermaster.dev).")

    @Argument(help: "The Deployment (deployments.quartermaster.dev).")
    var name: String

    @Flag(help: "The log of the build Job's pod (status.build), not the app's pods.")
    var build = false

    @Flag(name: [.customShort("f"), .long], help: "Keep streaming new lines until the containers stop.")
    var follow = false

    @Option(help: "Only the last N lines of each container (default: all).")
    var tail: Int?

    @Option(help: "The container to read (default: each pod's first).")
    var container: String?

    @OptionGroup var access: ClusterAccessOptions

    func validate() throws {
        if let tail, tail < 0 { throw ValidationError("--tail must be 0 or more") }
    }

    func run() async throws {
        let (client, namespace) = try access.connect(command: "logs")
        defer { client.shutdown() }
        let output = LineOutput()
        do {
            let sources = try await AppDeploymentLogReader.sources(
                client: client, name: name, namespace: namespace, build: build, container: container)
            try await AppDeploymentLogReader.copy(
                sources, client: client, follow: follow, tailLines: tail, write: { output.write($0) })
        } catch let failure as AppDeploymentLogReader.Failure {
            FileHandleOutput.standardError("quartermaster logs: \(failure)")
            throw ExitCode(1)
        }
    }
}

/// Standard output shared by concurrent log streams: whole lines, never interleaved.
final class LineOutput: Sendable {
    private let lock = Mutex(())

    func write(_ line: String) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }
}
