import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The namespace's Tenant through the PostgresInstance reconciler: its policy and suspension.
@Suite("PostgresInstance reconciler: the tenant's policy and suspension")
struct PostgresInstanceReconcilerTenantTests {
    static let statusPath = "/apis/quartermaster.dev/v1alpha1/namespaces/ns/postgresinstances/pg/status"

    func condition(_ instance: PostgresInstance?, _ type: String) -> Condition? {
        instance?.status?.conditions?.first { $0.type == type }
    }

    /// Reconciles once; its writes (`METHOD path`), Events left out.
    func reconcile(_ h: PostgresInstanceReconcilerHarness) async throws -> [String] {
        let before = await h.writes().count
        try await h.reconcile()
        return await h.writes().dropFirst(before).map { "\($0.method.rawValue) \($0.path)" }
    }

    @discardableResult
    func seedTenant(_ h: PostgresInstanceReconcilerHarness, _ spec: TenantSpec = TenantSpec()) throws -> Tenant {
        var s = spec
        s.namespace = h.namespace
        return try h.fake.seed(Tenant(metadata: ObjectMeta(name: "acme"), spec: s))
    }

    @Test("a new instance that breaks the policy gets nothing but its status")
    func newViolatingInstance() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try seedTenant(h, TenantSpec(policy: TenantPolicy(nodeSelector: ["pool": "tenants"])))
        try h.create { $0.nodeSelector = ["pool": "gpu"] }
        #expect(try await reconcile(h) == ["PUT \(Self.statusPath)"])
        #expect(h.fake.objects(Secret.self).isEmpty && h.fake.objects(Pod.self).isEmpty)
        #expect(condition(h.instance(), "Stalled")?.reason == "PolicyViolation")
    }

    @Test("a suspended tenant deletes the pods (reason TenantSuspended), also while the instance is stalled")
    func tenantSuspension() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create()
        try await h.reconcile()
        #expect(h.pod("pg-1") != nil)
        try seedTenant(h, TenantSpec(suspended: true))
        try await h.reconcile()
        #expect(h.pod("pg-1") == nil)
        try await h.reconcile()
        #expect(h.instance()?.status?.phase == .suspended)
        #expect(condition(h.instance(), "Ready")?.reason == "TenantSuspended")
        #expect(h.fake.objects(PersistentVolumeClaim.self).count == 1)

        // Resumed, then stalled by a version change, then suspended again: the pod still goes.
        var tenant = try #require(h.fake.object(Tenant.self, name: "acme"))
        tenant.spec.suspended = false
        _ = try await h.client.replace(tenant)
        try await h.reconcile()
        #expect(h.pod("pg-1") != nil)
        try await h.runPod("pg-1", ip: "10.0.0.1")
        h.reports.set("10.0.0.1", InstanceReport(pod: "pg-1", role: "primary", ready: true, postgresVersion: 16))
        try await h.reconcile()
        try await h.editSpec { $0.postgresVersion = 17 }
        try await h.reconcile()
        #expect(condition(h.instance(), "Stalled")?.reason == "MajorVersionChange")
        #expect(h.pod("pg-1") != nil, "a stalled instance is left alone")
        tenant = try #require(h.fake.object(Tenant.self, name: "acme"))
        tenant.spec.suspended = true
        _ = try await h.client.replace(tenant)
        try await h.reconcile()
        #expect(h.pod("pg-1") == nil)
        #expect(condition(h.instance(), "Stalled")?.reason == "MajorVersionChange")
    }
}
