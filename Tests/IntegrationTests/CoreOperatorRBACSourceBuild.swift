import Foundation
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import SourceBuild
import Testing

/// The source build path of ``CoreOperatorRBACTests`` (a Deployment with `spec.source` in a
/// tenant namespace): the analyse Job created in the tenant's build namespace, its pod played
/// finished with a report, the build Job and its Dockerfile ConfigMap created, and everything
/// deleted with the Deployment (its build-cleanup finalizer), all under the operator user.
extension CoreOperatorRBACTests {
    func driveSourceDeployment(_ env: EnvTest, namespace: String, buildNamespace: String) async throws {
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Deployment
                metadata: {name: src, namespace: \(namespace)}
                spec:
                  source: {git: {url: "https://git.example.com/acme/web.git", branch: main}}
                  build: {output: {repository: ghcr.io/quartermaster-dev/web}}
                """)
        @Sendable func name(of kind: String, _ selector: String) async -> String? {
            let query = ["-n", buildNamespace, "get", kind, "-l", selector, "-o", "jsonpath={.items[0].metadata.name}"]
            guard await CoreTest.eventually({ (try? await env.kubectlChecked(query))?.isEmpty == false }) else { return nil }
            return try? await env.kubectlChecked(query)
        }
        let analyze = try #require(await name(of: "jobs", "\(AppDeploymentBuildLabels.buildStep)=analyze"), "the analyse Job")
        let pod = try #require(await name(of: "pods", "job-name=\(analyze)"), "the analyse Job's pod")
        // The report `quartermaster analyze` writes (its own encoder): the test has no kubelet.
        let report = SourceReport(
            commit: String(repeating: "5", count: 40),
            analysis: SourceAnalysis(language: .node, installCommand: "npm ci", startCommand: "node server.js", port: 3000))
        let message = String(decoding: try report.encoded(), as: UTF8.self)
        let marked = try await AppDeploymentSourceIntegrationTests.run(
            AppDeploymentSourceIntegrationTests.markFinished, [pod, buildNamespace, "0", message],
            environment: ["KUBECONFIG": env.kubeconfigPath()])
        #expect(marked.status == 0, "mark-pod-finished.sh: \(marked.stderr)")
        let build = try #require(await name(of: "jobs", "\(AppDeploymentBuildLabels.buildStep)=build"), "the build Job")
        _ = await waitFor(env, "the Dockerfile ConfigMap", ["-n", buildNamespace, "configmap", build], expected: build)

        try await env.kubectlChecked(["-n", namespace, "delete", "deployments.quartermaster.dev", "src", "--wait=false"])
        _ = await waitFor(env, "the source Deployment deleted", ["-n", namespace, "deployments.quartermaster.dev", "src"], expected: nil)
        _ = await waitFor(env, "the build Job deleted", ["-n", buildNamespace, "job", build], expected: nil)
        _ = await waitFor(env, "the Dockerfile ConfigMap deleted", ["-n", buildNamespace, "configmap", build], expected: nil)
    }
}
