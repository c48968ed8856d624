import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct TenantStatusTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let t1 = Date(timeIntervalSince1970: 1_700_000_600)

    func tenant(spec: TenantSpec = TenantSpec(), deleting: Bool = false) -> Tenant {
        var t = Tenant(metadata: ObjectMeta(name: "acme"), spec: spec)
        t.metadata.uid = "u"
        t.metadata.generation = 4
        if deleting { t.metadata.deletionTimestamp = "2023-11-14T22:00:00Z" }
        return t
    }

    var activeNamespace: Namespace {
        Namespace(
            metadata: ObjectMeta(name: "acme", labels: ["quartermaster.dev/tenant": "acme"]),
            status: NamespaceStatus(phase: "Active"))
    }
    let quota = ResourceQuotaStatus(hard: ["requests.storage": "20Gi"], used: ["requests.storage": "5Gi"])

    @Test func readyWhenEverythingIsAppliedAndCounted() {
        let obs = TenantObservation(
            namespace: activeNamespace, objectsApplied: true, quota: quota, resourcePhases: [.ready, .ready, .provisioning, nil])
        let s = TenantStatusComputation.status(for: tenant(), observation: obs, now: t0)
        #expect(s.observedGeneration == 4)
        #expect(s.namespace == "acme")
        #expect(s.quota == TenantQuotaStatus(hard: ["requests.storage": "20Gi"], used: ["requests.storage": "5Gi"]))
        #expect(s.resources == TenantResourceCounts(total: 4, byPhase: ["Ready": 2, "Provisioning": 1, "Pending": 1]))
        let c = s.conditions ?? []
        #expect(c.isTrue("Ready"))
        #expect(!c.isTrue("Reconciling"))
        #expect(!c.isTrue("Stalled"))
        #expect(c[type: "Ready"]?.observedGeneration == 4)
    }

    @Test func provisioningUntilQuotaIsCounted() {
        let obs = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: nil)
        let c = TenantStatusComputation.status(for: tenant(), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Ready"]?.status == .false)
        #expect(c[type: "Reconciling"]?.reason == "Provisioning")
        #expect(c[type: "Reconciling"]?.message == "waiting for the quota of namespace acme to be counted")
    }

    @Test func deletingWithResourcesIsStalledNotEmpty() {
        let obs = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota, resourcePhases: [.ready, .failed])
        let s = TenantStatusComputation.status(for: tenant(deleting: true), observation: obs, now: t0)
        let stalled = s.conditions?[type: "Stalled"]
        #expect(stalled?.status == .true)
        #expect(stalled?.reason == "NotEmpty")
        #expect(stalled?.message == "namespace acme still holds 2 Resources; delete them before the tenant can go")
        #expect(TenantDeletionPlan(namespace: activeNamespace, resourceCount: 2, tenant: "acme") == .blocked(resources: 2))
    }

    @Test func deletionPlanFollowsTheNamespace() {
        #expect(TenantDeletionPlan(namespace: activeNamespace, resourceCount: 0, tenant: "acme") == .deleteNamespace)
        var terminating = activeNamespace
        terminating.status?.phase = "Terminating"
        #expect(TenantDeletionPlan(namespace: terminating, resourceCount: 0, tenant: "acme") == .waitForNamespace)
        #expect(TenantDeletionPlan(namespace: nil, resourceCount: 0, tenant: "acme") == .removeFinalizer)
        let obs = TenantObservation(namespace: terminating, objectsApplied: true, quota: quota)
        let c = TenantStatusComputation.status(for: tenant(deleting: true), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Reconciling"]?.reason == "Deleting")
        #expect(c[type: "Stalled"]?.status == .false)
    }

    @Test func suspendedTenantIsNotReady() {
        let obs = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota)
        let c = TenantStatusComputation.status(for: tenant(spec: TenantSpec(suspended: true)), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Ready"]?.reason == "Suspended")
        #expect(c[type: "Ready"]?.status == .false)
        #expect(!c.isTrue("Reconciling"))
    }

    @Test func invalidSpecIsStalled() {
        let obs = TenantObservation(specError: .invalidNamespaceName("Bad"))
        let c = TenantStatusComputation.status(for: tenant(), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Stalled"]?.reason == "InvalidSpec")
        #expect(c[type: "Stalled"]?.message?.contains("\"Bad\"") == true)
    }

    @Test func transitionTimesAreKeptWhileStatusHolds() {
        let obs = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota)
        var t = tenant()
        t.status = TenantStatusComputation.status(for: t, observation: obs, now: t0)
        let again = TenantStatusComputation.status(for: t, observation: obs, now: t1)
        #expect(again == t.status)
        #expect(again.conditions?[type: "Ready"]?.lastTransitionTime == Condition.timestamp(t0))
    }

    @Test func foreignNamespaceIsAConflictAndNeverDeleted() {
        let plain = Namespace(metadata: ObjectMeta(name: "default"), status: NamespaceStatus(phase: "Active"))
        let other = Namespace(metadata: ObjectMeta(name: "acme", labels: ["quartermaster.dev/tenant": "zeta"]))
        #expect(TenantNamespaceClaim(observed: nil, tenant: "acme") == .absent)
        #expect(TenantNamespaceClaim(observed: activeNamespace, tenant: "acme") == .owned)
        #expect(TenantNamespaceClaim(observed: other, tenant: "acme") == .foreign("namespace acme belongs to tenant zeta"))
        let obs = TenantObservation(namespace: plain, objectsApplied: false)
        let stalled = TenantStatusComputation.status(for: tenant(spec: TenantSpec(namespace: "default")), observation: obs, now: t0)
            .conditions?[type: "Stalled"]
        #expect(stalled?.status == .true)
        #expect(stalled?.reason == "NamespaceConflict")
        #expect(stalled?.message?.hasPrefix("namespace default exists and was not created by Quartermaster") == true)
        #expect(TenantDeletionPlan(namespace: plain, resourceCount: 0, tenant: "acme") == .removeFinalizer)
        #expect(TenantDeletionPlan(namespace: other, resourceCount: 3, tenant: "acme") == .removeFinalizer)
    }
}
