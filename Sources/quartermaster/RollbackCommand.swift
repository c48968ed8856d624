import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster rollback NAME [--to-revision N] [-n NS]`: a manual rollback of a
/// `deployments.quartermaster.dev` object, by a merge patch of `spec.rollbackTo.revision` alone.
/// Without `--to-revision` the revision is the newest `Healthy` or `Superseded` one older than
/// the served one (``AppDeploymentRollbackChoice``). Nothing is written, and the exit code is
/// 1, when there is no such revision, N is not in `status.history`, or the object does not
/// exist; 2 for an unusable kubeconfig. Removing `spec.rollbackTo` serves `spec.image` again.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll a Deployment (deployments.quartermaster.dev) back to a kept revision (sets spec.rollbackTo).")

    @Argument(help: "The Deployment (deployments.quartermaster.dev).")
    var name: String

    @Option(name: .customLong("to-revision"), help: "The revision to serve (default: the newest healthy one before the served one).")
    var toRevision: Int?

    @OptionGroup var access: ClusterAccessOptions

    func run() async throws {
        let (client, namespace) = try access.connect(command: "rollback")
        defer { client.shutdown() }
        let object = "deployment.quartermaster.dev \(namespace)/\(name)"
        guard let deployment = try await client.getIfExists(AppDeployment.self, name: name, namespace: namespace) else {
            FileHandleOutput.standardError("quartermaster rollback: \(object) not found")
            throw ExitCode(1)
        }
        let revision: Int
        switch AppDeploymentRollbackChoice.choose(status: deployment.status, requested: toRevision) {
        case .success(let chosen): revision = chosen
        case .failure(let refusal):
            FileHandleOutput.standardError("quartermaster rollback: \(object): \(refusal)")
            throw ExitCode(1)
        }
        do {
            _ = try await client.mergePatch(
                AppDeployment.self, name: name, namespace: namespace,
                patch: ["spec": ["rollbackTo": ["revision": .int(Int64(revision))]]])
        } catch KubeAPIError.notFound {
            FileHandleOutput.standardError("quartermaster rollback: \(object) not found")
            throw ExitCode(1)
        }
        let digest = deployment.status?.history?.last { $0.revision == revision }?.digest
        let served = deployment.status?.revision.map { " (serving revision \($0) until the operator rolls it out)" } ?? ""
        print(
            "\(object): spec.rollbackTo.revision set to \(revision)\(digest.map { ", digest \($0)" } ?? "")\(served)")
    }
}
