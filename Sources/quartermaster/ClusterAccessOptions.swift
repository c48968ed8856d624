import ArgumentParser
import KubeClient
import KubeCore

/// The options of a command that talks to the API server as the person running it (`backup`,
/// `switchover`): which kubeconfig, context and namespace.
struct ClusterAccessOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Namespace (default: the kubeconfig context's, else default).")
    var namespace: String?

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    /// A client for the kubeconfig and the namespace to use. A kubeconfig that cannot be read is
    /// reported on standard error (naming the file and field) as `quartermaster <command>: …`
    /// and ends the command with exit code 2.
    func connect(command: String) throws -> (client: KubeClient, namespace: String) {
        let configuration: ClientConfiguration
        do {
            configuration = try KubeconfigLoader.load(path: kubeconfig, context: context)
        } catch {
            FileHandleOutput.standardError("quartermaster \(command): \(error)")
            throw ExitCode(2)
        }
        let client = try KubeClient(configuration: configuration, identity: RunCommand.identity)
        return (client, namespace ?? configuration.namespace ?? "default")
    }
}
