import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The namespace's Tenant through the IPFSCluster reconciler over `FakeAPIServer`: which
/// requests its policy and suspension cause.
@Suite("IPFSCluster reconciler: the tenant's policy and suspension")
struct IPFSClusterReconcilerTenantTests {
    static let base = "/apis/apps/v1/namespaces/ipfs/statefulsets/ipfs"
    static let statusPath = "/apis/quartermaster.dev/v1alpha1/namespaces/ipfs/ipfsclusters/ipfs/status"

    func condition(_ cluster: IPFSCluster?, _ type: String) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == type }
    }

    /// Reconciles once; returns its writes (`METHOD path`), Events left out.
    func reconcile(_ h: IPFSClusterReconcilerHarness) async throws -> [String] {
        let before = await h.writes().count
        try await h.reconcile("ipfs")
        return await h.writes().dropFirst(before).filter { !$0.path.contains("/events") }
            .map { "\($0.method.rawValue) \($0.path)" }
    }

    /// A ready 3-peer cluster with `spec`, in a namespace no Tenant names yet.
    func readyCluster(_ h: IPFSClusterReconcilerHarness, spec: IPFSClusterSpec = IPFSClusterSpec()) async throws {
        try h.create("ipfs", spec: spec)
        try await h.reconcile("ipfs")
        try await h.markStatefulSet("ipfs", ready: 3)
        try await h.reconcile("ipfs")
        #expect(h.cluster("ipfs")?.status?.phase == .ready)
    }

    /// Seeds Tenant `acme` whose namespace is the harness's.
    @discardableResult
    func seedTenant(_ h: IPFSClusterReconcilerHarness, _ spec: TenantSpec = TenantSpec()) throws -> Tenant {
        var s = spec
        s.namespace = h.namespace
        return try h.fake.seed(Tenant(metadata: ObjectMeta(name: "acme"), spec: s))
    }

    func editTenant(_ h: IPFSClusterReconcilerHarness, _ change: (inout TenantSpec) -> Void) async throws {
        var tenant = try #require(h.fake.object(Tenant.self, name: "acme"))
        change(&tenant.spec)
        _ = try await h.client.replace(tenant)
    }

    var replicas: (IPFSClusterReconcilerHarness) -> Int? {
        { h in h.fake.object(StatefulSet.self, name: "ipfs", namespace: h.namespace)?.spec?.replicas }
    }

    @Test("a tenant's suspension scales a cluster created directly to zero, reason TenantSuspended; resuming brings it back")
    func tenantSuspension() async throws {
        let h = IPFSClusterReconcilerHarness()
        try await readyCluster(h)
        try seedTenant(h, TenantSpec(suspended: true))
        #expect(try await reconcile(h) == ["PATCH \(Self.base)", "PUT \(Self.statusPath)"])
        #expect(replicas(h) == 0)
        let cluster = h.cluster("ipfs")
        #expect(cluster?.spec.suspended == false, "its own spec is left alone")
        #expect(cluster?.status?.phase == .suspended)
        #expect(condition(cluster, "Ready")?.reason == "TenantSuspended")
        #expect(
            await h.events(reason: "Suspended").first?.message
                == "scaled from 3 to 0 peers, keeping identities and volumes (tenant acme is suspended)")

        try await editTenant(h) { $0.suspended = false }
        #expect(try await reconcile(h) == ["PATCH \(Self.base)", "PUT \(Self.statusPath)"])
        #expect(replicas(h) == 3)
        #expect(h.cluster("ipfs")?.status?.phase == .provisioning)
    }

    @Test("a policy change stalls a running cluster and leaves its objects alone; suspension still scales it to zero")
    func policyChangeOnARunningCluster() async throws {
        let h = IPFSClusterReconcilerHarness()
        var spec = IPFSClusterSpec()
        spec.tolerations = [["operator": "Exists"]]
        try await readyCluster(h, spec: spec)

        try seedTenant(h)
        #expect(try await reconcile(h) == ["PUT \(Self.statusPath)"], "nothing but the status is written")
        #expect(replicas(h) == 3, "the running peers are left alone")
        var cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .failed)
        #expect(condition(cluster, "Stalled")?.reason == "PolicyViolation")
        #expect(condition(cluster, "Stalled")?.message?.contains("spec.tolerations[0]") == true)
        #expect(try await reconcile(h) == [], "converged: no write")

        // Suspending the tenant is not held up by the violation: only replicas change.
        try await editTenant(h) { $0.suspended = true }
        #expect(try await reconcile(h) == ["PATCH \(Self.base)", "PUT \(Self.statusPath)"])
        #expect(replicas(h) == 0)
        cluster = h.cluster("ipfs")
        #expect(cluster?.status?.phase == .failed, "the problem still shows")

        // Allowing the toleration and resuming runs the cluster again.
        try await editTenant(h) {
            $0.suspended = false
            $0.policy = TenantPolicy(tolerations: [TenantPolicyToleration(operator: "Exists")])
        }
        #expect(try await reconcile(h) == ["PATCH \(Self.base)", "PUT \(Self.statusPath)"])
        #expect(replicas(h) == 3)
        #expect(condition(h.cluster("ipfs"), "Stalled")?.status == .false)
    }

    @Test("a new cluster that breaks the policy gets nothing but its status")
    func newViolatingCluster() async throws {
        let h = IPFSClusterReconcilerHarness()
        try seedTenant(h, TenantSpec(policy: TenantPolicy(nodeSelector: ["pool": "tenants"])))
        var spec = IPFSClusterSpec()
        spec.nodeSelector = ["pool": "gpu"]
        try h.create("ipfs", spec: spec)
        #expect(try await reconcile(h) == ["PUT \(Self.statusPath)"])
        #expect(h.fake.objects(StatefulSet.self).isEmpty && h.fake.objects(Secret.self).isEmpty)
        #expect(condition(h.cluster("ipfs"), "Stalled")?.reason == "PolicyViolation")
    }
}
