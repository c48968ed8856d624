import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Synchronization
import Testing

/// The instance managers' reports, set by the test (no PostgreSQL runs here: the API server
/// is real, the pods are not).
final class FixedInstanceReports: InstanceStatusClient {
    private let reports = Mutex<[String: InstanceReport]>([:])
    struct NoAnswer: Error {}
    func set(_ podIP: String, _ report: InstanceReport) { reports.withLock { $0[podIP] = report } }
    func report(podIP: String) async throws -> InstanceReport {
        guard let r = reports.withLock({ $0[podIP] }) else { throw NoAnswer() }
        return r
    }
}

/// The PostgresInstance controller against a real API server (envtest, v1.20): every object it
/// writes passes the server's validation, Secrets are created once, the status follows the
/// reports, and a converged instance costs no write.
@Suite("PostgresInstance on envtest with scripted instance reports", .serialized)
struct PostgresInstanceScriptedReportsIntegrationTests {
    /// Lets the last status write of the Ready transition land, then a quiet window that can
    /// only miss a stray write, never invent one (no speed is asserted).
    static let settleWindow: Duration = .seconds(2)
    static let quietWindow: Duration = .seconds(3)

    func get<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String, _ namespace: String? = nil) async throws -> T? {
        try await client.getIfExists(type, name: name, namespace: namespace)
    }

    /// Plays the kubelet for `pod`: an IP and the Ready condition.
    func run(_ client: KubeClient, _ pod: String, _ namespace: String, ip: String) async throws {
        guard var p = try await get(client, Pod.self, pod, namespace) else { throw EventuallyTimedOut(what: "pod \(pod)") }
        p.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: ip)
        _ = try await client.replaceStatus(p)
    }

    @Test(
        "objects pass the real API server, Secrets once, Ready from reports, the app Secret copied, converged without writes",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func lifecycle() async throws {
        let env = try await EnvTest.shared()
        // The controller caches Tenants (their policy and suspension) and PostgresBackups (backup
        // status, recovery sources): every one of these CRDs is needed.
        for crd in ["postgresinstances", "postgresbackups", "tenants"] {
            let yaml = try String(
                contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/crds/quartermaster.dev_\(crd).yaml", encoding: .utf8)
            try await env.installCRD(yaml: yaml)
        }
        let ns = try await env.createNamespace("pg-life")
        let web = try await env.createNamespace("pg-web")
        let client = try IPFSClusterEnv.adminClient(env)
        _ = try await client.mergePatch(
            Namespace.self, name: web,
            patch: ["metadata": ["annotations": [PostgresSecretCopies.acceptAnnotation: .string("\(ns)/*")]]])

        let writes = IPFSClusterOperatorHarness.WriteLog()
        let operatorClient = try KubeClient(configuration: env.clientConfiguration(user: .certAdmin), identity: .quartermaster) {
            method, code, _ in
            if method != "GET" { writes.append("\(method) \(code)") }
        }
        let registry = PrometheusCollectorRegistry()
        let manager = Manager(
            client: operatorClient,
            options: ManagerOptions(
                operatorIdentity: .quartermaster, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
                leaderElection: false, gracefulShutdownTimeout: .seconds(10), handleSignals: false),
            registry: registry, logger: Logger(label: "it.manager"))
        let reports = FixedInstanceReports()
        let settings = ControllerSettings(
            namespaces: [ns, web], registry: registry, events: manager.makeEventRecorder(component: "quartermaster"),
            logger: Logger(label: "it.postgres"), operatorNamespace: "default",
            postgresOperatorImage: "example.org/quartermaster:it", instanceStatusClient: reports)
        manager.add(PostgresInstanceController.make(cache: manager.cache, settings: settings))
        let task = Task { try await manager.run() }
        defer { task.cancel() }

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata:
                  name: pg
                  namespace: \(ns)
                spec:
                  instances: 2
                  walStorage:
                    size: 1Gi
                  pooler:
                    enabled: true
                  secretNamespaces: [\(web)]
                """)
        try await eventually("pod pg-1 created") { try await get(client, Pod.self, "pg-1", ns) != nil }
        for name in ["pg-app", "pg-ca", "pg-server", "pg-replication", "pg-pooler"] {
            #expect(try await get(client, Secret.self, name, ns) != nil, "\(name)")
        }
        for name in ["pg-rw", "pg-ro", "pg-r", "pg-headless", "pg-pooler"] {
            #expect(try await get(client, Service.self, name, ns) != nil, "\(name)")
        }
        #expect(try await get(client, PersistentVolumeClaim.self, "pg-2-wal", ns) != nil)
        #expect(try await get(client, Role.self, "pg-instance", ns)?.rules?.first?.resourceNames == ["pg"])
        #expect(try await get(client, RoleBinding.self, "pg-instance", ns) != nil)
        #expect(try await get(client, NetworkPolicy.self, "pg-pooler", ns) != nil)
        #expect(try await get(client, Deployment.self, "pg-pooler", ns)?.spec?.replicas == 2)
        let pod = try #require(try await get(client, Pod.self, "pg-1", ns))
        #expect(pod.spec?.initContainers?.first?.image == "example.org/quartermaster:it")
        #expect(pod.metadata.labels?["quartermaster.dev/role"] == "primary")
        #expect(try await get(client, Pod.self, "pg-2", ns) == nil, "replicas wait for the primary's report")
        try await eventually("the app Secret copied") { try await get(client, Secret.self, "pg-app", web) != nil }
        let password = try await get(client, Secret.self, "pg-app", ns)?.decodedString("password")

        try await run(client, "pg-1", ns, ip: "10.0.0.1")
        reports.set("10.0.0.1", InstanceReport(pod: "pg-1", role: "primary", ready: true, postgresVersion: 16))
        try await eventually("pod pg-2 created") { try await get(client, Pod.self, "pg-2", ns) != nil }
        #expect(try await get(client, Pod.self, "pg-2", ns)?.metadata.labels?["quartermaster.dev/role"] == "replica")
        reports.set("10.0.0.2", InstanceReport(pod: "pg-2", role: "replica", ready: true, streaming: true))
        try await run(client, "pg-2", ns, ip: "10.0.0.2")
        try await eventually("Ready") {
            let s = try await get(client, PostgresInstance.self, "pg", ns)?.status
            return s?.phase == .ready && s?.currentPrimary == "pg-1" && s?.readyInstances == 2
        }
        let status = try #require(try await get(client, PostgresInstance.self, "pg", ns)?.status)
        #expect(status.postgresVersion == 16)
        #expect(status.endpoints?.uri == "postgresql://app@pg-rw.\(ns).svc:5432/app")
        #expect(status.conditions?.first { $0.type == "PodDisruptionBudget" }?.reason == "NotServed")
        #expect(try await get(client, Secret.self, "pg-app", ns)?.decodedString("password") == password)

        // Converged: a quiet window sends nothing (it can only miss a stray write, never invent one).
        try await Task.sleep(for: Self.settleWindow)
        let settled = writes.recorded.withLock { $0.count }
        try await Task.sleep(for: Self.quietWindow)
        #expect(writes.recorded.withLock { $0.count } == settled, "\(writes.recorded.withLock { Array($0.dropFirst(settled)) })")
    }
}
