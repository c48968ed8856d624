import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// `quartermaster resources`, `tenant` and `why` (the built binary, as `kubectl quartermaster`
/// runs it) against a real API server with the operator running: a Tenant whose second
/// Resource is refused for quota. Off a terminal (pipes: plain text) and on one (a tmux pane:
/// the same text, with colour).
@Suite("CLI reports (resources, tenant, why) on envtest", .serialized)
struct ReportCommandLineTests {
    typealias Support = TenantResourceIntegrationTests
    let cli = AppDeploymentCommandLineTests()

    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func reportsOnAndOffATerminal() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for the quota's status")
        let tenant = "cli-\(Support.suffix())"
        let (client, op) = try await Support.start(env, tenantNamespaces: [tenant])
        do {
            try await exercise(env, client, tenant)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
        try? await client.delete(Tenant.self, name: tenant)
    }

    func exercise(_ env: EnvTest, _ client: KubeClient, _ tenant: String) async throws {
        // small-storage asks 360m CPU: the first fits 500m, the second is refused.
        _ = try await client.create(
            Tenant(metadata: ObjectMeta(name: tenant), spec: TenantSpec(owners: [.user("alice")], quota: TenantQuota(cpu: "500m"))))
        #expect(await Support.eventually { try await client.get(Tenant.self, name: tenant).status?.conditions?.isTrue("Ready") == true })
        #expect(
            await Support.eventually {
                try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: tenant).status?.hard != nil
            })
        for name in ["a-files", "b-more"] {
            _ = try await client.create(
                Resource(metadata: ObjectMeta(name: name, namespace: tenant), spec: ResourceSpec(template: "small-storage")))
            // One at a time: the second is judged against the first's reservation.
            #expect(await Support.eventually { try await client.get(Resource.self, name: name, namespace: tenant).status?.phase != nil })
        }
        #expect(await Support.eventually { try await client.get(Resource.self, name: "b-more", namespace: tenant).status?.phase == .failed })
        #expect(
            await Support.eventually {
                try await client.list(
                    Pod.self, namespace: tenant, options: ListOptions(labelSelector: "\(QuartermasterLabels.instanceKey)=a-files")
                ).items.count == 1
            })
        let kubeconfig = env.kubeconfigPath(for: .admin)

        // resources: both, with the tenant, the failed stage and the waiting one.
        let resources = try await cli.run(["resources", "-n", tenant, "--kubeconfig", kubeconfig])
        #expect(resources.status == 0, "\(resources.stderr)")
        let rows = resources.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("TENANT") == true, "\(resources.stdout)")
        #expect(rows.contains { $0.hasPrefix(tenant) && $0.contains("b-more") && $0.contains("Failed") && $0.contains("Allocating (Failed)") }, "\(resources.stdout)")
        #expect(rows.contains { $0.contains("a-files") && $0.contains("Provisioning") }, "\(resources.stdout)")
        #expect(!resources.stdout.contains(AppDeploymentCommandLineTests.escape), "no escape sequences off a terminal")

        // why: the refused Resource's cause is the quota; the waiting one's is its pod.
        let refused = try await cli.run(["why", "resource/b-more", "-n", tenant, "--kubeconfig", kubeconfig])
        #expect(refused.status == 0, "\(refused.stderr)")
        #expect(refused.stdout.contains("Cause: Resource \(tenant)/b-more: QuotaExceeded: "), "\(refused.stdout)")
        let waiting = try await cli.run(["why", "res/a-files", "-n", tenant, "--kubeconfig", kubeconfig])
        #expect(waiting.stdout.contains("└─ IPFSCluster \(tenant)/a-files"), "\(waiting.stdout)")
        #expect(waiting.stdout.contains("Pod \(tenant)/a-files-0 [Pending]"), "\(waiting.stdout)")
        #expect(waiting.stdout.contains("Cause: Pod \(tenant)/a-files-0: NotScheduled"), "\(waiting.stdout)")
        let missing = try await cli.run(["why", "resource/nope", "-n", tenant, "--kubeconfig", kubeconfig])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Resource \(tenant)/nope not found"), "\(missing.stderr)")
        let unknown = try await cli.run(["why", "pod/x", "--kubeconfig", kubeconfig])
        #expect(unknown.status == 2)

        // tenant: conditions, the quota with its share, both Resources, the refusal's Event
        // (once the quota has counted the first pod and the Event was recorded).
        #expect(
            await Support.eventually {
                try await client.get(Tenant.self, name: tenant).status?.quota?.used?["requests.cpu"] == "360m"
            })
        #expect(
            await Support.eventually {
                try await client.list(Event.self, namespace: tenant).items.contains { $0.reason == "QuotaExceeded" }
            })
        let shown = try await cli.run(["tenant", tenant, "--kubeconfig", kubeconfig])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix("Tenant \(tenant): Ready (namespace \(tenant)"), "\(shown.stdout)")
        // `status tenant/NAME` is the same report (the issue's `kubectl quartermaster status` for a tenant).
        let viaStatus = try await cli.run(["status", "tenant/\(tenant)", "--kubeconfig", kubeconfig])
        #expect(viaStatus.status == 0, "\(viaStatus.stderr)")
        #expect(viaStatus.stdout.hasPrefix("Tenant \(tenant): Ready (namespace \(tenant)"), "\(viaStatus.stdout)")
        let noTenant = try await cli.run(["status", "tenant/nobody-\(tenant)", "--kubeconfig", kubeconfig])
        #expect(noTenant.status == 1 && noTenant.stderr.contains("tenant.quartermaster.dev nobody-\(tenant) not found"), "\(noTenant.stderr)")
        #expect(shown.stdout.contains("requests.cpu") && shown.stdout.contains("360m / 500m") && shown.stdout.contains("72%"), "\(shown.stdout)")
        #expect(shown.stdout.contains("├─ Resources (2)"), "\(shown.stdout)")
        #expect(
            shown.stdout.split(separator: "\n").contains { $0.contains("Warning") && $0.contains("QuotaExceeded") && $0.contains("b-more") },
            "\(shown.stdout)")

        // On a terminal: the same text, with colour.
        let onTerminal = try await cli.runOnTerminal(["why", "tenant/\(tenant)", "--kubeconfig", kubeconfig])
        #expect(onTerminal.exit == "exit=0", "\(onTerminal.text)")
        let offTerminal = try await cli.run(["why", "tenant/\(tenant)", "--kubeconfig", kubeconfig])
        let plainLines = offTerminal.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        #expect(onTerminal.text.filter { !$0.isEmpty } == plainLines, "\(onTerminal.text) vs \(plainLines)")
        #expect(onTerminal.decorated.joined().contains(AppDeploymentCommandLineTests.escape), "colour on a terminal")
        #expect(plainLines.contains { $0.hasPrefix("Cause: Resource \(tenant)/b-more: QuotaExceeded") }, "\(plainLines)")
    }
}
