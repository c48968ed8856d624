import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Testing

/// The Tenant and Resource controllers against a real API server and controller manager.
///
/// The IPFSCluster controller does not run here: where a Resource waits for its IPFSCluster to
/// become ready, the test writes the IPFSCluster's status itself, as that controller would
/// (Ready condition True, phase Ready, endpoints, credentials Secret).
@Suite(.serialized) struct TenantResourceIntegrationTests {
    /// Installs the CRDs and the tenant owner ClusterRole, and starts both controllers.
    static func start(_ env: EnvTest) async throws -> (KubeClient, Task<Void, Never>) {
        for crd in CRDGenerator.allCRDs() {
            // quartermaster.dev_tenants.yaml → tenants.quartermaster.dev
            let plural = crd.fileName.replacingOccurrences(of: "quartermaster.dev_", with: "")
                .replacingOccurrences(of: ".yaml", with: "")
            try await env.installCRD(yaml: crd.yaml, name: "\(plural).quartermaster.dev")
        }
        let client = try KubeClient(configuration: env.clientConfiguration())
        _ = try await client.apply(TenantOwnerRole.clusterRole)
        let settings = ControllerSettings(
            registry: PrometheusCollectorRegistry(), events: EventRecorder(client: client, component: "quartermaster"),
            logger: Logger(label: "test"))
        let tenants = try #require(TenantController.make(client: client, settings: settings))
        let resources = ResourceController.make(client: client, settings: settings)
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await tenants.runCaches() }
                group.addTask { try? await tenants.runWorkers() }
                group.addTask { try? await resources.runCaches() }
                group.addTask { try? await resources.runWorkers() }
            }
        }
        return (client, task)
    }

    static func eventually(
        timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    static func suffix() -> String { String(UUID().uuidString.lowercased().prefix(6)) }

    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"), .timeLimit(.minutes(5)))
    func tenantsResourcesQuotaAndDeletion() async throws {
        let env = try await EnvTest.shared()
        let (client, task) = try await Self.start(env)
        defer { task.cancel() }
        let a = "acme-\(Self.suffix())"
        let b = "globex-\(Self.suffix())"
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: a), spec: TenantSpec(owners: [.user("alice")])))
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: b), spec: TenantSpec(owners: [.user("bob")])))

        // The tenant's namespace and everything in it, then Ready once the quota is counted.
        #expect(await Self.eventually { try await client.get(Tenant.self, name: a).status?.conditions?.isTrue("Ready") == true })
        #expect(await Self.eventually { try await client.get(Tenant.self, name: b).status?.conditions?.isTrue("Ready") == true })
        let ns = try await client.get(Namespace.self, name: a)
        #expect(ns.metadata.labels?["pod-security.kubernetes.io/enforce"] == "restricted")
        #expect(try await client.getIfExists(ResourceQuota.self, name: "quartermaster-tenant", namespace: a) != nil)
        #expect(try await client.getIfExists(LimitRange.self, name: "quartermaster-tenant", namespace: a) != nil)
        let policies = try await client.list(NetworkPolicy.self, namespace: a).items.compactMap(\.metadata.name).sorted()
        #expect(policies == ["quartermaster-allow-egress", "quartermaster-allow-same-namespace"])
        #expect(try await client.getIfExists(RoleBinding.self, name: "quartermaster-tenant-owners", namespace: a) != nil)
        let tenantA = try await client.get(Tenant.self, name: a)
        #expect(tenantA.metadata.finalizers == [Tenant.finalizer])
        #expect(tenantA.status?.quota?.hard?["requests.storage"] == "20Gi")
        #expect(tenantA.status?.conditions?.allSatisfy { $0.observedGeneration == 1 } == true)

        // Owners may manage Resources in their own tenant only.
        let canA = try await env.kubectl(["auth", "can-i", "create", "resources.quartermaster.dev", "-n", a, "--as", "alice"])
        #expect(canA.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        let canB = try await env.kubectl(["auth", "can-i", "create", "resources.quartermaster.dev", "-n", b, "--as", "alice"])
        #expect(canB.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")

        // A small-storage Resource gets its IPFSCluster and stays below 100% until it is ready.
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "files", namespace: a), spec: ResourceSpec(template: "small-storage")))
        #expect(await Self.eventually { try await client.getIfExists(IPFSCluster.self, name: "files", namespace: a) != nil })
        #expect(
            await Self.eventually {
                let s = try await client.get(Resource.self, name: "files", namespace: a).status
                return s?.progress == 80 && s?.phase == .provisioning
            })
        #expect(try await client.get(Resource.self, name: "files", namespace: a).status?.progressText == "80%")
        // Simulate the IPFSCluster controller reporting ready.
        var child = try await client.get(IPFSCluster.self, name: "files", namespace: a)
        child.status = IPFSClusterStatus(
            observedGeneration: child.metadata.generation, phase: .ready, replicas: 1, readyReplicas: 1,
            endpoints: .init(api: "http://files-api.\(a).svc.cluster.local:9094"),
            credentialsSecretRef: .init(name: "files-api-credentials"),
            conditions: [
                .init(
                    type: "Ready", status: "True", observedGeneration: child.metadata.generation,
                    lastTransitionTime: Condition.timestamp(Date()), reason: "Ready", message: "1/1 peers ready")
            ])
        _ = try await client.replaceStatus(child)
        #expect(
            await Self.eventually {
                let s = try await client.get(Resource.self, name: "files", namespace: a).status
                return s?.phase == .ready && s?.progressText == "100%" && s?.endpoint != nil
            })
        let printed = try await env.kubectlChecked(["get", "resources.quartermaster.dev", "files", "-n", a])
        #expect(printed.contains("100%") && printed.contains("small-storage") && printed.contains("Ready"))
        #expect(
            await Self.eventually {
                try await client.get(Tenant.self, name: a).status?.resources?.byPhase?["Ready"] == 1
            })

        // large-storage does not fit a free tenant: Stalled with the numbers, nothing created.
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "big", namespace: b), spec: ResourceSpec(template: "large-storage")))
        #expect(
            await Self.eventually {
                let c = try await client.get(Resource.self, name: "big", namespace: b).status?.conditions?[type: "Stalled"]
                return c?.status == .true && c?.reason == "QuotaExceeded"
                    && c?.message?.contains("requests.storage: needs 101Gi") == true
            })
        #expect(try await client.list(IPFSCluster.self, namespace: b).items.isEmpty)

        // Deleting a tenant that holds a Resource is refused with NotEmpty; nothing is deleted.
        try await client.delete(Tenant.self, name: a)
        #expect(
            await Self.eventually {
                let c = try await client.get(Tenant.self, name: a).status?.conditions?[type: "Stalled"]
                return c?.status == .true && c?.reason == "NotEmpty"
            })
        try await Task.sleep(for: .seconds(1))
        #expect(try await client.getIfExists(Namespace.self, name: a)?.metadata.deletionTimestamp == nil)
        #expect(try await client.getIfExists(IPFSCluster.self, name: "files", namespace: a) != nil)

        // Deleting the Resource removes its IPFSCluster (garbage collection), then the tenant goes.
        try await client.delete(Resource.self, name: "files", namespace: a)
        #expect(await Self.eventually { try await client.getIfExists(IPFSCluster.self, name: "files", namespace: a) == nil })
        #expect(await Self.eventually(timeout: .seconds(120)) { try await client.getIfExists(Tenant.self, name: a) == nil })

        // Clean up tenant b.
        try await client.delete(Resource.self, name: "big", namespace: b)
        try await client.delete(Tenant.self, name: b)
    }
}
