import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization
import Testing

@testable import QuartermasterControllers

/// `quartermaster logs` over ``FakeAPIServer``'s pod log endpoint (no kubelet serves logs in
/// envtest): which pods, the prefixes, `--tail`, following, `--build`, and the refusals.
@Suite struct AppDeploymentLogReaderTests {
    /// Lines written so far, in order.
    final class Collected: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func pod(_ name: String, namespace: String = "acme", labels: [String: String], containers: [String] = ["app"])
        -> Pod
    {
        Pod(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
            spec: PodSpec(containers: containers.map { Container(name: $0, image: "ghcr.io/acme/web:1") }))
    }

    static let appLabels = AppDeploymentLabels.labels(instance: "web")

    /// `web` in `acme` with pods `web-b`, `web-a` (seeded out of order), a pod of another app,
    /// and a pod in another namespace with the same labels.
    static func server() throws -> (FakeAPIServer, KubeClient) {
        let fake = FakeAPIServer()
        try fake.seed(AppDeploymentCLISamples.deployment())
        try fake.seed(pod("web-b", labels: appLabels))
        try fake.seed(pod("web-a", labels: appLabels))
        try fake.seed(pod("api-a", labels: AppDeploymentLabels.labels(instance: "api")))
        try fake.seed(pod("web-x", namespace: "other", labels: appLabels))
        fake.appendPodLog(namespace: "acme", pod: "web-a", ["a1", "a2", "a3"])
        fake.appendPodLog(namespace: "acme", pod: "web-b", ["b1"])
        fake.appendPodLog(namespace: "acme", pod: "api-a", ["not mine"])
        fake.appendPodLog(namespace: "other", pod: "web-x", ["not mine either"])
        return (fake, KubeClient(transport: fake, defaultNamespace: "acme"))
    }

    @Test func appLogsOfSeveralPodsArePrefixedAndReadPodAfterPod() async throws {
        let (_, client) = try Self.server()
        let sources = try await AppDeploymentLogReader.sources(
            client: client, name: "web", namespace: "acme", build: false, container: nil)
        #expect(sources.map(\.pod) == ["web-a", "web-b"])
        #expect(sources.allSatisfy { $0.container == "app" && $0.namespace == "acme" })
        let out = Collected()
        try await AppDeploymentLogReader.copy(sources, client: client, follow: false, tailLines: nil, write: out.append)
        #expect(out.all == ["[pod/web-a/app] a1", "[pod/web-a/app] a2", "[pod/web-a/app] a3", "[pod/web-b/app] b1"])
    }

    @Test func tailLimitsEachContainerAndOnePodIsNotPrefixed() async throws {
        let (_, client) = try Self.server()
        let source = AppDeploymentLogReader.Source(namespace: "acme", pod: "web-a", container: "app")
        let out = Collected()
        try await AppDeploymentLogReader.copy([source], client: client, follow: false, tailLines: 2, write: out.append)
        #expect(out.all == ["a2", "a3"])
    }

    @Test func followStreamsNewLinesUntilTheContainersStop() async throws {
        let (fake, client) = try Self.server()
        let sources = try await AppDeploymentLogReader.sources(
            client: client, name: "web", namespace: "acme", build: false, container: nil)
        let out = Collected()
        let copying = Task {
            try await AppDeploymentLogReader.copy(sources, client: client, follow: true, tailLines: 1, write: out.append)
        }
        #expect(await eventually { fake.openPodLogFollowerCount == 2 })
        #expect(Set(out.all) == ["[pod/web-a/app] a3", "[pod/web-b/app] b1"])
        fake.appendPodLog(namespace: "acme", pod: "web-b", ["b2 after the start"])
        fake.appendPodLog(namespace: "acme", pod: "web-a", ["a4 after the start"])
        #expect(await eventually { out.all.count == 4 })
        #expect(out.all.suffix(2) == ["[pod/web-b/app] b2 after the start", "[pod/web-a/app] a4 after the start"])
        fake.endPodLog(namespace: "acme", pod: "web-a")
        fake.endPodLog(namespace: "acme", pod: "web-b")
        try await copying.value
        #expect(fake.openPodLogFollowerCount == 0)
        let logRequests = fake.requests.filter { $0.path.hasSuffix("/log") }
        #expect(logRequests.count == 2)
        #expect(logRequests.allSatisfy { r in
            r.query.contains(.init("follow", "true")) && r.query.contains(.init("tailLines", "1"))
                && r.query.contains(.init("container", "app"))
        })
    }

    @Test func buildLogsComeFromTheBuildJobsPod() async throws {
        let (fake, client) = try Self.server()
        _ = try await client.mergePatch(
            AppDeployment.self, name: "web", namespace: "acme",
            patch: [
                "status": [
                    "build": [
                        "namespace": "acme-build", "job": "web-build-3f2c1a9b0c1d-a1b2c3", "phase": "Running",
                        "commit": .string(String(repeating: "3f2c1a9b0c", count: 4)),
                        "image": "registry.example.com/acme/web:3f2c1a9b0c",
                    ]
                ]
            ],
            subresource: "status")
        try fake.seed(
            Self.pod(
                "web-build-3f2c1a9b0c1d-a1b2c3-xk2lp", namespace: "acme-build",
                labels: ["job-name": "web-build-3f2c1a9b0c1d-a1b2c3"], containers: ["builder"]))
        try fake.seed(
            Self.pod("web-build-older-zz", namespace: "acme-build", labels: ["job-name": "web-build-older"],
                containers: ["builder"]))
        fake.appendPodLog(
            namespace: "acme-build", pod: "web-build-3f2c1a9b0c1d-a1b2c3-xk2lp",
            ["INFO[0000] Retrieving image manifest node:20-bookworm-slim", "INFO[0042] Pushing image"])
        let sources = try await AppDeploymentLogReader.sources(
            client: client, name: "web", namespace: "acme", build: true, container: nil)
        #expect(sources == [.init(namespace: "acme-build", pod: "web-build-3f2c1a9b0c1d-a1b2c3-xk2lp", container: "builder")])
        let out = Collected()
        try await AppDeploymentLogReader.copy(sources, client: client, follow: false, tailLines: nil, write: out.append)
        #expect(out.all == ["INFO[0000] Retrieving image manifest node:20-bookworm-slim", "INFO[0042] Pushing image"])
    }

    @Test func refusals() async throws {
        let (_, client) = try Self.server()
        await #expect(throws: AppDeploymentLogReader.Failure("deployment.quartermaster.dev acme/nope not found")) {
            _ = try await AppDeploymentLogReader.sources(
                client: client, name: "nope", namespace: "acme", build: false, container: nil)
        }
        await #expect(
            throws: AppDeploymentLogReader.Failure(
                "deployment.quartermaster.dev acme/web has no build (status.build names no Job)")
        ) {
            _ = try await AppDeploymentLogReader.sources(
                client: client, name: "web", namespace: "acme", build: true, container: nil)
        }
        let fake2 = FakeAPIServer()
        try fake2.seed(AppDeploymentCLISamples.deployment())
        await #expect(
            throws: AppDeploymentLogReader.Failure("deployment.quartermaster.dev acme/web has no pods (yet)")
        ) {
            _ = try await AppDeploymentLogReader.sources(
                client: KubeClient(transport: fake2), name: "web", namespace: "acme", build: false, container: nil)
        }
        let wrongContainer = AppDeploymentLogReader.Source(namespace: "acme", pod: "web-a", container: "sidecar")
        do {
            try await AppDeploymentLogReader.copy(
                [wrongContainer], client: client, follow: false, tailLines: nil, write: { _ in })
            Issue.record("a container the pod does not have was read")
        } catch let failure as AppDeploymentLogReader.Failure {
            #expect(failure.description.hasPrefix("pod acme/web-a: BadRequest"))
            #expect(failure.description.contains("container sidecar is not valid for pod web-a"))
        }
    }
}
