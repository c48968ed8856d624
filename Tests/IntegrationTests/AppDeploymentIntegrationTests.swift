import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The Deployment kind (`deployments.quartermaster.dev`) against a real API server and
/// controller manager (envtest, v1.20), whose apps/v1 Deployment and ReplicaSet controllers run
/// the rollouts: the real operator runs in a task, the test plays the kubelet (pods marked
/// ready) and the ingress controller (a load-balancer address). Images are given by digest, so
/// no registry is asked (the resolver has its own tests against a registry stand-in).
@Suite("Deployment (quartermaster.dev) on envtest", .serialized)
struct AppDeploymentIntegrationTests {
    /// Bounds a wait that only a hang would exceed.
    static let hangGuard = Duration.seconds(240)

    static func digest(_ byte: String) -> String { "sha256:" + String(repeating: byte, count: 32) }
    static let digestA = digest("a1")
    static let digestB = digest("b2")
    static let digestC = digest("c3")
    static let repository = "registry.example.com/acme/web"

    /// Installs every CRD of `crds/`: the operator's controllers wait for every informer they
    /// declared (Tenants, Resources, IPFSClusters, ...) to sync.
    static func installCRDs(_ env: EnvTest) async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(IPFSClusterEnv.repositoryRoot)/crds")
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }.sorted()
        for file in files {
            let yaml = try String(contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/crds/\(file)", encoding: .utf8)
            try await env.installCRD(yaml: yaml)
        }
    }

    static func manifest(name: String, namespace: String, image: String, spec: String = "") -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          image: \(image)
        \(spec)
        """
    }

    func app(_ client: KubeClient, _ name: String, _ ns: String) async throws -> AppDeployment? {
        try await client.getIfExists(AppDeployment.self, name: name, namespace: ns)
    }

    func condition(_ app: AppDeployment?, _ type: String) -> Condition? {
        app?.status?.conditions?.first { $0.type == type }
    }

    /// The image the apps/v1 Deployment's pods run.
    func runningImage(_ client: KubeClient, _ name: String, _ ns: String) async throws -> String? {
        try await client.getIfExists(Deployment.self, name: name, namespace: ns)?.spec?.template.spec?.containers.first?.image
    }

    /// Marks ready every pod of `name` whose ReplicaSet runs `image` (plays the kubelet).
    func markPodsReady(_ env: EnvTest, _ client: KubeClient, _ name: String, _ ns: String, image: String) async throws {
        let pods = try await client.list(
            Pod.self, namespace: ns, options: ListOptions(labelSelector: "\(AppDeploymentLabels.deployment)=\(name)")
        ).items
        for pod in pods where pod.metadata.deletionTimestamp == nil && pod.spec?.containers.first?.image == image {
            let ready = pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
            if !ready, let podName = pod.metadata.name { try await env.markPodReady(name: podName, namespace: ns) }
        }
    }

    /// Plays the kubelet until the app reports `phase` for `image`.
    func drive(
        _ env: EnvTest, _ client: KubeClient, _ name: String, _ ns: String, image: String,
        to phase: AppDeploymentStatus.Phase
    ) async throws {
        try await eventually("\(name) \(phase.rawValue) running \(image)", timeout: Self.hangGuard) {
            try await markPodsReady(env, client, name, ns, image: image)
            let current = try await app(client, name, ns)
            let running = try await runningImage(client, name, ns)
            return current?.status?.phase == phase && current?.status?.observedGeneration == current?.metadata.generation
                && running == image
        }
    }

    @Test(
        "objects created; pods ready → Healthy; Ingress address → Exposed; restart sends no write",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func lifecycle() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for the apps/v1 rollout")
        try await Self.installCRDs(env)
        let ns = try await env.createNamespace("app-life")
        let client = try IPFSClusterEnv.adminClient(env)
        var op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        let image = "\(Self.repository)@\(Self.digestA)"

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: Self.manifest(
                name: "web", namespace: ns, image: image,
                spec: """
                      port: 8080
                      expose: {host: web.apps.example.com, ingressClassName: nginx}
                    """))
        // The children are applied one after another: wait for the last of them too.
        try await eventually("the apps/v1 Deployment, Service, Ingress and NetworkPolicy created", timeout: Self.hangGuard) {
            let deployment = try await client.getIfExists(Deployment.self, name: "web", namespace: ns)
            let service = try await client.getIfExists(Service.self, name: "web", namespace: ns)
            let ingress = try await client.getIfExists(Ingress.self, name: "web", namespace: ns)
            let policy = try await client.getIfExists(NetworkPolicy.self, name: "web", namespace: ns)
            return deployment != nil && service != nil && ingress != nil && policy != nil
        }
        let owner = try #require(try await app(client, "web", ns))
        let uid = try #require(owner.metadata.uid)
        let deployment = try #require(try await client.getIfExists(Deployment.self, name: "web", namespace: ns))
        #expect(deployment.spec?.template.spec?.containers.first?.image == image)
        #expect(deployment.metadata.isControlled(byUID: uid))
        let service = try #require(try await client.getIfExists(Service.self, name: "web", namespace: ns))
        #expect(service.metadata.isControlled(byUID: uid))
        #expect(service.spec?.ports?.first?.port == 8080)
        let ingress = try #require(try await client.getIfExists(Ingress.self, name: "web", namespace: ns))
        #expect(ingress.metadata.isControlled(byUID: uid))
        #expect(ingress.spec?.rules?.first?.host == "web.apps.example.com")
        let policy = try #require(try await client.getIfExists(NetworkPolicy.self, name: "web", namespace: ns))
        #expect(policy.metadata.isControlled(byUID: uid))

        // Not Ready while the pod is not.
        try await eventually("Deploying", timeout: Self.hangGuard) {
            try await app(client, "web", ns)?.status?.phase == .deploying
        }
        #expect(condition(try await app(client, "web", ns), "Ready")?.status == .false)

        // The pod ready: Healthy (the Ingress has no address yet).
        try await drive(env, client, "web", ns, image: image, to: .healthy)
        let healthy = try await app(client, "web", ns)
        #expect(healthy?.status?.revision == 1)
        #expect(healthy?.status?.image?.digest == Self.digestA)
        #expect(healthy?.status?.history?.last?.outcome == .healthy)
        #expect(condition(healthy, "Ready")?.status == .false)
        // v1.20, one replica, no autoscaling: neither condition applies.
        #expect(condition(healthy, AppDeploymentStatus.ConditionType.autoscaling) == nil)
        #expect(condition(healthy, AppDeploymentStatus.ConditionType.disruptionBudget) == nil)

        // The ingress controller gives the Ingress an address: Exposed, with URL and IP.
        var addressed = try #require(try await client.getIfExists(Ingress.self, name: "web", namespace: ns))
        addressed.status = ["loadBalancer": ["ingress": [["ip": "203.0.113.7"]]]]
        _ = try await client.replaceStatus(addressed)
        try await eventually("Exposed", timeout: Self.hangGuard) {
            let current = try await app(client, "web", ns)
            return current?.status?.phase == .exposed && condition(current, "Ready")?.status == .true
        }
        let exposed = try await app(client, "web", ns)
        #expect(exposed?.status?.url == "http://web.apps.example.com")
        #expect(exposed?.status?.ip == "203.0.113.7")

        // A converged operator restarted sends no write.
        await op.stop()
        op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        try await op.waitUntilSynced()
        let converged = try await app(client, "web", ns)
        try await Task.sleep(for: Self.settle)
        #expect(op.writes.isEmpty, "a converged operator wrote: \(op.writes)")
        #expect(try await app(client, "web", ns)?.metadata.resourceVersion == converged?.metadata.resourceVersion)
        await op.stop()
    }

    /// How long a restarted operator is watched for writes: its first reconciles of every
    /// object happen right after its caches sync.
    static let settle = Duration.seconds(5)

    @Test(
        "a revision whose pods never become ready is rolled back; a manual rollback switches the digest",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func rollback() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for the progress deadline")
        try await Self.installCRDs(env)
        let ns = try await env.createNamespace("app-rollback")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        let imageA = "\(Self.repository)@\(Self.digestA)"
        let imageB = "\(Self.repository)@\(Self.digestB)"
        let imageC = "\(Self.repository)@\(Self.digestC)"
        func setImage(_ image: String) async throws {
            try await env.kubectlChecked(
                ["-n", ns, "patch", "deployments.quartermaster.dev", "web", "--type=merge", "-p", #"{"spec":{"image":"\#(image)"}}"#])
        }

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: Self.manifest(name: "web", namespace: ns, image: imageA, spec: "  progressDeadlineSeconds: 10"))
        // ClusterIP: Exposed as soon as healthy, with the in-cluster URL.
        try await drive(env, client, "web", ns, image: imageA, to: .exposed)
        #expect(try await app(client, "web", ns)?.status?.url == "http://web.\(ns).svc:8080")

        // Revision 2 never becomes ready: the controller manager reports ProgressDeadlineExceeded
        // after 10 s and the operator goes back to revision 1's digest.
        try await setImage(imageB)
        try await eventually("revision 2 rolled out", timeout: Self.hangGuard) {
            try await runningImage(client, "web", ns) == imageB
        }
        try await eventually("rolled back to revision 1", timeout: Self.hangGuard) {
            let current = try await app(client, "web", ns)
            let running = try await runningImage(client, "web", ns)
            return condition(current, AppDeploymentStatus.ConditionType.rolledBack)?.status == .true && running == imageA
        }
        try await drive(env, client, "web", ns, image: imageA, to: .exposed)
        let rolledBack = try await app(client, "web", ns)
        let marked = condition(rolledBack, AppDeploymentStatus.ConditionType.rolledBack)
        #expect(marked?.reason == "ProgressDeadlineExceeded")
        #expect(marked?.message?.contains(Self.digestB) == true && marked?.message?.contains(Self.digestA) == true)
        #expect(rolledBack?.status?.revision == 1)
        #expect(rolledBack?.status?.history?.first { $0.revision == 2 }?.outcome == .rolledBack)

        // A new image is revision 3; a manual rollback to revision 1 switches the digest back.
        try await setImage(imageC)
        try await drive(env, client, "web", ns, image: imageC, to: .exposed)
        #expect(try await app(client, "web", ns)?.status?.revision == 3)
        try await env.kubectlChecked(
            ["-n", ns, "patch", "deployments.quartermaster.dev", "web", "--type=merge", "-p", #"{"spec":{"rollbackTo":{"revision":1}}}"#])
        try await drive(env, client, "web", ns, image: imageA, to: .exposed)
        #expect(try await app(client, "web", ns)?.status?.revision == 1)
        await op.stop()
    }

    @Test(
        "v1.20: Autoscaling and DisruptionBudget say NotServed, and neither object is created",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func notServedOnV120() async throws {
        let env = try await EnvTest.shared()
        try await Self.installCRDs(env)
        let ns = try await env.createNamespace("app-v120")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: Self.manifest(
                name: "web", namespace: ns, image: "\(Self.repository)@\(Self.digestA)",
                spec: """
                      replicas: 2
                      autoscaling: {minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70}
                    """))
        try await eventually("both conditions", timeout: Self.hangGuard) {
            let current = try await app(client, "web", ns)
            return condition(current, AppDeploymentStatus.ConditionType.autoscaling)?.reason == "NotServed"
                && condition(current, AppDeploymentStatus.ConditionType.disruptionBudget)?.reason == "NotServed"
        }
        let current = try await app(client, "web", ns)
        #expect(condition(current, AppDeploymentStatus.ConditionType.autoscaling)?.status == .false)
        #expect(condition(current, AppDeploymentStatus.ConditionType.autoscaling)?.message?.contains("autoscaling/v2") == true)
        #expect(condition(current, AppDeploymentStatus.ConditionType.disruptionBudget)?.status == .false)
        #expect(try await client.getIfExists(Deployment.self, name: "web", namespace: ns)?.spec?.replicas == 2)
        await op.stop()
    }
}
