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
            metadata: ObjectMeta(
                name: "acme", labels: ["quartermaster.dev/tenant": "acme"],
                annotations: ["quartermaster.dev/tenant-uid": "u"]),
            status: NamespaceStatus(phase: "Active"))
    }
    func contents(resources: Int = 0, clusters: Int = 0) -> TenantNamespaceContents {
        TenantNamespaceContents(counts: ["Resource": resources, "IPFSCluster": clusters])
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
        let obs = TenantObservation(
            namespace: activeNamespace, objectsApplied: true, quota: quota, resourcePhases: [.ready, .failed],
            blockingContents: contents(resources: 2, clusters: 1))
        let s = TenantStatusComputation.status(for: tenant(deleting: true), observation: obs, now: t0)
        let stalled = s.conditions?[type: "Stalled"]
        #expect(stalled?.status == .true)
        #expect(stalled?.reason == "NotEmpty")
        #expect(
            stalled?.message
                == "namespace acme still holds 1 IPFSCluster and 2 Resources; delete them before the tenant can go")
        #expect(
            TenantDeletionPlan(namespace: activeNamespace, contents: contents(resources: 2), tenant: tenant())
                == .blocked(contents(resources: 2)))
        #expect(
            TenantDeletionPlan(namespace: activeNamespace, contents: contents(clusters: 1), tenant: tenant())
                == .blocked(contents(clusters: 1)), "an IPFSCluster created directly holds data too")
    }

    @Test func deletionPlanFollowsTheNamespace() {
        var withUID = activeNamespace
        withUID.metadata.uid = "ns-uid"
        #expect(TenantDeletionPlan(namespace: withUID, contents: contents(), tenant: tenant()) == .deleteNamespace(uid: "ns-uid"))
        var terminating = activeNamespace
        terminating.status?.phase = "Terminating"
        #expect(TenantDeletionPlan(namespace: terminating, contents: contents(), tenant: tenant()) == .waitForNamespace)
        #expect(TenantDeletionPlan(namespace: nil, contents: contents(), tenant: tenant()) == .removeFinalizer)
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
        #expect(again.conditions?[type: "Ready"]?.lastTransitionTime == APITimestamp.time(t0))
    }

    @Test func foreignNamespaceIsAConflictAndNeverDeleted() {
        let plain = Namespace(metadata: ObjectMeta(name: "default"), status: NamespaceStatus(phase: "Active"))
        let other = Namespace(metadata: ObjectMeta(name: "acme", labels: ["quartermaster.dev/tenant": "zeta"]))
        #expect(TenantNamespaceClaim(observed: nil, tenant: tenant()) == .absent)
        #expect(TenantNamespaceClaim(observed: activeNamespace, tenant: tenant()) == .owned)
        #expect(TenantNamespaceClaim(observed: other, tenant: tenant()) == .foreign("namespace acme belongs to tenant zeta"))
        let obs = TenantObservation(namespace: plain, objectsApplied: false)
        let stalled = TenantStatusComputation.status(for: tenant(spec: TenantSpec(namespace: "default")), observation: obs, now: t0)
            .conditions?[type: "Stalled"]
        #expect(stalled?.status == .true)
        #expect(stalled?.reason == "NamespaceConflict")
        #expect(stalled?.message?.hasPrefix("namespace default exists and was not created by Quartermaster") == true)
        #expect(TenantDeletionPlan(namespace: plain, contents: contents(), tenant: tenant()) == .removeFinalizer)
        #expect(TenantDeletionPlan(namespace: other, contents: contents(resources: 3), tenant: tenant()) == .removeFinalizer)
    }

    @Test("a namespace is this tenant's only with the marker of this tenant's UID")
    func namespaceClaimNeedsTheUIDMarker() {
        var labelOnly = activeNamespace
        labelOnly.metadata.annotations = nil
        guard case .foreign(let message) = TenantNamespaceClaim(observed: labelOnly, tenant: tenant()) else {
            Issue.record("a labelled namespace without the marker must not be adopted")
            return
        }
        #expect(message.contains("quartermaster.dev/tenant-uid=u"))
        var otherUID = activeNamespace
        otherUID.metadata.annotations = ["quartermaster.dev/tenant-uid": "an-earlier-tenant"]
        #expect(TenantNamespaceClaim(observed: otherUID, tenant: tenant()) != .owned)
        #expect(TenantDeletionPlan(namespace: otherUID, contents: contents(), tenant: tenant()) == .removeFinalizer)
        var noUID = tenant()
        noUID.metadata.uid = nil
        #expect(TenantNamespaceClaim(observed: activeNamespace, tenant: noUID) != .owned)
    }

    @Test(arguments: ["default", "kube-system", "kube-public", "kube-anything", "quartermaster-system"])
    func reservedNamespacesAreInvalid(name: String) {
        #expect(throws: TenantSpecError.reservedNamespace(name)) {
            try TenantDesiredState(tenant: tenant(spec: TenantSpec(namespace: name)), operatorNamespace: "quartermaster-system")
        }
    }
}
