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
    func contents(resources: Int = 0, clusters: Int = 0, claims: Int = 0) -> TenantNamespaceContents {
        TenantNamespaceContents(counts: ["Resource": resources, "IPFSCluster": clusters, "PersistentVolumeClaim": claims])
    }
    let quota = ResourceQuotaStatus(hard: ["requests.storage": "20Gi"], used: ["requests.storage": "5Gi"])

    /// The build namespace `acme-build` as the operator creates it for tenant `acme` (uid `u`).
    var activeBuildNamespace: Namespace {
        Namespace(
            metadata: ObjectMeta(
                name: "acme-build",
                labels: ["quartermaster.dev/tenant": "acme", "quartermaster.dev/build-namespace": "true"],
                annotations: ["quartermaster.dev/tenant-uid": "u"]),
            status: NamespaceStatus(phase: "Active"))
    }
    let buildQuota = ResourceQuotaStatus(hard: ["pods": 4], used: ["pods": 0])

    /// `observation` with the build namespace in place: its objects applied, its quota counted
    /// (builds are enabled by default, and a tenant is Ready only then).
    func withBuildNamespace(_ observation: TenantObservation) -> TenantObservation {
        var o = observation
        o.buildNamespace = activeBuildNamespace
        o.buildObjectsApplied = true
        o.buildQuota = buildQuota
        return o
    }

    @Test func readyWhenEverythingIsAppliedAndCounted() {
        let obs = withBuildNamespace(TenantObservation(
            namespace: activeNamespace, objectsApplied: true, quota: quota, resourcePhases: [.ready, .ready, .provisioning, nil]))
        let s = TenantStatusComputation.compute(tenant: tenant(), observation: obs, now: t0)
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
        let c = TenantStatusComputation.compute(tenant: tenant(), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Ready"]?.status == .false)
        #expect(c[type: "Reconciling"]?.reason == "Provisioning")
        #expect(c[type: "Reconciling"]?.message == "waiting for the quota of namespace acme to be counted")
    }

    @Test func deletingWithResourcesIsStalledNotEmpty() {
        let obs = TenantObservation(
            namespace: activeNamespace, objectsApplied: true, quota: quota, resourcePhases: [.ready, .failed],
            blockingContents: contents(resources: 2, clusters: 1))
        let s = TenantStatusComputation.compute(tenant: tenant(deleting: true), observation: obs, now: t0)
        let stalled = s.conditions?[type: "Stalled"]
        #expect(stalled?.status == .true)
        #expect(stalled?.reason == "NotEmpty")
        #expect(
            stalled?.message
                == "namespace acme still holds 1 IPFSCluster and 2 Resources; delete them, or set spec.deletionPolicy: DeleteData to delete the namespace with everything in it"
        )
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
        let c = TenantStatusComputation.compute(tenant: tenant(deleting: true), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Reconciling"]?.reason == "Deleting")
        #expect(c[type: "Stalled"]?.status == .false)
    }

    /// One row of `TenantDeletionPlan`'s table: the namespace, what it holds, the policy, and
    /// the plan.
    struct DeletionRow: Sendable, CustomTestStringConvertible {
        enum NamespaceState: Sendable { case gone, foreign, active, terminating }
        var label: String
        var namespace: NamespaceState
        var resources = 0, clusters = 0, claims = 0
        var policy: TenantDeletionPolicy?
        var plan: Expected
        enum Expected: Sendable { case blocked, deleteNamespace, waitForNamespace, removeFinalizer }
        var testDescription: String { label }
    }

    static let deletionRows: [DeletionRow] = [
        DeletionRow(label: "gone", namespace: .gone, claims: 3, plan: .removeFinalizer),
        DeletionRow(label: "not this tenant's, holding claims", namespace: .foreign, claims: 3, plan: .removeFinalizer),
        DeletionRow(
            label: "not this tenant's, DeleteData", namespace: .foreign, claims: 3, policy: .deleteData,
            plan: .removeFinalizer),
        DeletionRow(label: "empty", namespace: .active, plan: .deleteNamespace),
        DeletionRow(label: "empty, DeleteData", namespace: .active, policy: .deleteData, plan: .deleteNamespace),
        DeletionRow(label: "a Resource", namespace: .active, resources: 1, plan: .blocked),
        DeletionRow(label: "an IPFSCluster created directly", namespace: .active, clusters: 1, plan: .blocked),
        DeletionRow(label: "a retained claim, policy unset", namespace: .active, claims: 1, plan: .blocked),
        DeletionRow(label: "a retained claim, Retain", namespace: .active, claims: 1, policy: .retain, plan: .blocked),
        DeletionRow(
            label: "a retained claim, DeleteData", namespace: .active, claims: 1, policy: .deleteData,
            plan: .deleteNamespace),
        DeletionRow(
            label: "everything, DeleteData", namespace: .active, resources: 2, clusters: 1, claims: 3,
            policy: .deleteData, plan: .deleteNamespace),
        DeletionRow(label: "terminating, claims, Retain", namespace: .terminating, claims: 2, plan: .blocked),
        DeletionRow(
            label: "terminating, claims, DeleteData", namespace: .terminating, claims: 2, policy: .deleteData,
            plan: .waitForNamespace),
        DeletionRow(label: "terminating, empty", namespace: .terminating, plan: .waitForNamespace),
    ]

    @Test("each row of the deletion plan table", arguments: deletionRows)
    func deletionPlanTable(_ row: DeletionRow) {
        var namespace: Namespace? = activeNamespace
        namespace?.metadata.uid = "ns-uid"
        switch row.namespace {
        case .gone: namespace = nil
        case .foreign: namespace?.metadata.annotations = ["quartermaster.dev/tenant-uid": "someone-else"]
        case .active: break
        case .terminating: namespace?.status?.phase = "Terminating"
        }
        let held = contents(resources: row.resources, clusters: row.clusters, claims: row.claims)
        let owner = tenant(spec: TenantSpec(deletionPolicy: row.policy), deleting: true)
        let plan = TenantDeletionPlan(namespace: namespace, contents: held, tenant: owner)
        let expected: TenantDeletionPlan
        switch row.plan {
        case .blocked: expected = .blocked(held)
        case .deleteNamespace: expected = .deleteNamespace(uid: "ns-uid")
        case .waitForNamespace: expected = .waitForNamespace
        case .removeFinalizer: expected = .removeFinalizer
        }
        #expect(plan == expected)
    }

    /// What the guard says it waits for, kind by kind, claims marked as data.
    @Test(
        arguments: [
            (0, 0, 3, "3 PersistentVolumeClaims (data)"),
            (0, 1, 1, "1 IPFSCluster and 1 PersistentVolumeClaim (data)"),
            (2, 1, 3, "1 IPFSCluster, 2 Resources and 3 PersistentVolumeClaims (data)"),
            (1, 0, 0, "1 Resource"),
            (0, 0, 0, "nothing"),
        ])
    func contentsNameEveryKindThatHoldsData(resources: Int, clusters: Int, claims: Int, description: String) {
        #expect(contents(resources: resources, clusters: clusters, claims: claims).description == description)
    }

    @Test func deletingWithClaimsIsStalledNamingThemAndDeleteDataGoesOn() {
        let held = contents(resources: 2, clusters: 1, claims: 3)
        let obs = TenantObservation(
            namespace: activeNamespace, objectsApplied: false, claimNames: ["data-b", "data-a", "data-c"],
            blockingContents: held)
        let blocked = TenantStatusComputation.compute(tenant: tenant(deleting: true), observation: obs, now: t0)
        #expect(blocked.conditions?[type: "Stalled"]?.reason == "NotEmpty")
        #expect(
            blocked.conditions?[type: "Stalled"]?.message
                == "namespace acme still holds 1 IPFSCluster, 2 Resources and 3 PersistentVolumeClaims (data); delete them, or set spec.deletionPolicy: DeleteData to delete the namespace with everything in it"
        )
        #expect(blocked.persistentVolumeClaims == TenantClaims(total: 3, names: ["data-a", "data-b", "data-c"]))

        let deleteData = tenant(spec: TenantSpec(deletionPolicy: .deleteData), deleting: true)
        let going = TenantStatusComputation.compute(tenant: deleteData, observation: obs, now: t0).conditions ?? []
        #expect(going[type: "Stalled"]?.status == .false)
        #expect(going[type: "Reconciling"]?.status == .true)
        #expect(going[type: "Reconciling"]?.reason == "DeletingData")
        #expect(
            going[type: "Reconciling"]?.message
                == "deleting namespace acme with the 1 IPFSCluster, 2 Resources and 3 PersistentVolumeClaims (data) it holds (spec.deletionPolicy: DeleteData)"
        )
    }

    /// Claims in status: counted, named in name order up to 20, the rest counted in `more`.
    @Test(arguments: [0, 1, 20, 21, 45])
    func claimsInStatusAreBounded(count: Int) {
        let names = (0..<count).map { String(format: "claim-%02d", $0) }.reversed()
        let claims = TenantClaims(names: Array(names))
        #expect(claims.total == count)
        #expect((claims.names ?? []).count == min(count, 20))
        #expect(claims.names == (count == 0 ? nil : Array(names.sorted().prefix(20))))
        #expect(claims.more == (count > 20 ? count - 20 : nil))
        #expect(claims.summary == (count == 0 ? "none" : claims.names?.joined(separator: ", ") ?? "") + (count > 20 ? " and \(count - 20) more" : ""))
        let obs = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota, claimNames: Array(names))
        #expect(TenantStatusComputation.compute(tenant: tenant(), observation: obs, now: t0).persistentVolumeClaims == claims)
    }

    @Test func anUnknownDeletionPolicyIsInvalidAndReadAsRetain() throws {
        let spec = try JSONDecoder().decode(TenantSpec.self, from: Data(#"{"deletionPolicy":"Purge"}"#.utf8))
        #expect(spec.effectiveDeletionPolicy == .retain)
        #expect(spec.unrecognizedValues.count == 1)
        #expect(spec.unrecognizedValues.first?.contains("deletionPolicy") == true)
        let known = try JSONDecoder().decode(TenantSpec.self, from: Data(#"{"deletionPolicy":"DeleteData"}"#.utf8))
        #expect(known.effectiveDeletionPolicy == .deleteData && known.unrecognizedValues.isEmpty)
        #expect(TenantSpec().effectiveDeletionPolicy == .retain)
    }

    @Test func suspendedTenantIsNotReady() {
        let obs = withBuildNamespace(TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota))
        let c = TenantStatusComputation.compute(tenant: tenant(spec: TenantSpec(suspended: true)), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Ready"]?.reason == "Suspended")
        #expect(c[type: "Ready"]?.status == .false)
        #expect(!c.isTrue("Reconciling"))
    }

    @Test func invalidSpecIsStalled() {
        let obs = TenantObservation(specError: .invalidNamespaceName("Bad"))
        let c = TenantStatusComputation.compute(tenant: tenant(), observation: obs, now: t0).conditions ?? []
        #expect(c[type: "Stalled"]?.reason == "InvalidSpec")
        #expect(c[type: "Stalled"]?.message?.contains("\"Bad\"") == true)
    }

    @Test func transitionTimesAreKeptWhileStatusHolds() {
        let obs = withBuildNamespace(TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota))
        var t = tenant()
        t.status = TenantStatusComputation.compute(tenant: t, observation: obs, now: t0)
        let again = TenantStatusComputation.compute(tenant: t, observation: obs, now: t1)
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
        let stalled = TenantStatusComputation.compute(tenant: tenant(spec: TenantSpec(namespace: "default")), observation: obs, now: t0)
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
            try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(namespace: name)), operatorNamespace: "quartermaster-system")
        }
    }

    /// The rows of `TenantStatusComputation`'s doc table, in its order.
    enum Situation: String, CaseIterable, Sendable {
        case specInvalid, namespaceNotOurs, childNameTaken, buildNamespaceNotOurs, deletingWithContents, deletingEmpty,
            namespaceTerminating, objectsNotYetApplied, quotaNotYetObserved, buildObjectsNotYetApplied,
            buildQuotaNotYetObserved, buildNamespaceTerminating, suspendedAndApplied, appliedAndObserved,
            appliedBuildsDisabled
    }

    /// The tenant and observation of a situation.
    func input(_ situation: Situation) -> (Tenant, TenantObservation) {
        let applied = withBuildNamespace(TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota))
        var observation = applied
        var t = tenant()
        switch situation {
        case .specInvalid: observation = TenantObservation(specError: .invalidNamespaceName("Bad"))
        case .namespaceNotOurs:
            observation.namespace = Namespace(metadata: ObjectMeta(name: "acme", labels: ["quartermaster.dev/tenant": "zeta"]))
            observation.objectsApplied = false
        case .childNameTaken:
            observation.objectsApplied = false
            observation.conflict = ChildNameConflict(kind: "NetworkPolicy", name: "deny-all", controller: "IPFSCluster/x")
        case .buildNamespaceNotOurs:
            observation.buildNamespace = Namespace(metadata: ObjectMeta(name: "acme-build"))
            observation.buildObjectsApplied = false
            observation.buildQuota = nil
        case .deletingWithContents:
            t = tenant(deleting: true)
            observation.blockingContents = contents(resources: 1)
        case .deletingEmpty: t = tenant(deleting: true)
        case .namespaceTerminating: observation.namespace?.status?.phase = "Terminating"
        case .objectsNotYetApplied: observation.objectsApplied = false
        case .quotaNotYetObserved: observation.quota = nil
        case .buildObjectsNotYetApplied:
            observation.buildObjectsApplied = false
            observation.buildQuota = nil
        case .buildQuotaNotYetObserved: observation.buildQuota = nil
        case .buildNamespaceTerminating:
            observation.buildNamespace?.status?.phase = "Terminating"
            observation.buildObjectsApplied = false
        case .appliedBuildsDisabled:
            t = tenant(spec: TenantSpec(builds: TenantBuilds(enabled: false)))
            observation = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota)
        case .suspendedAndApplied: t = tenant(spec: TenantSpec(suspended: true))
        case .appliedAndObserved: break
        }
        return (t, observation)
    }

    /// The table's cells: status, and the reason where the table names one.
    typealias Cell = (status: Condition.Status, reason: String?)

    static let table: [Situation: (ready: Cell, reconciling: Cell, stalled: Cell)] = [
        .specInvalid: ((.false, "InvalidSpec"), (.false, nil), (.true, "InvalidSpec")),
        .namespaceNotOurs: ((.false, "NamespaceConflict"), (.false, nil), (.true, "NamespaceConflict")),
        .childNameTaken: ((.false, "NameConflict"), (.false, nil), (.true, "NameConflict")),
        .buildNamespaceNotOurs: ((.false, "BuildNamespaceConflict"), (.false, nil), (.true, "BuildNamespaceConflict")),
        .deletingWithContents: ((.false, "Deleting"), (.false, nil), (.true, "NotEmpty")),
        .deletingEmpty: ((.false, "Deleting"), (.true, "Deleting"), (.false, nil)),
        .namespaceTerminating: ((.false, "NamespaceTerminating"), (.true, "NamespaceTerminating"), (.false, nil)),
        .objectsNotYetApplied: ((.false, "Provisioning"), (.true, "Provisioning"), (.false, nil)),
        .quotaNotYetObserved: ((.false, "Provisioning"), (.true, "Provisioning"), (.false, nil)),
        .buildObjectsNotYetApplied: ((.false, "Provisioning"), (.true, "Provisioning"), (.false, nil)),
        .buildQuotaNotYetObserved: ((.false, "Provisioning"), (.true, "Provisioning"), (.false, nil)),
        .buildNamespaceTerminating: ((.false, "Provisioning"), (.true, "Provisioning"), (.false, nil)),
        .suspendedAndApplied: ((.false, "Suspended"), (.false, nil), (.false, nil)),
        .appliedAndObserved: ((.true, "Ready"), (.false, nil), (.false, nil)),
        .appliedBuildsDisabled: ((.true, "Ready"), (.false, nil), (.false, nil)),
    ]

    @Test("each row of the condition table", arguments: Situation.allCases)
    func conditionTable(_ situation: Situation) throws {
        let (t, observation) = input(situation)
        let row = try #require(Self.table[situation])
        let conditions = TenantStatusComputation.compute(tenant: t, observation: observation, now: t0).conditions ?? []
        for (type, cell) in [("Ready", row.ready), ("Reconciling", row.reconciling), ("Stalled", row.stalled)] {
            let c = conditions[type: type]
            #expect(c?.status == cell.status, "\(type)")
            if let reason = cell.reason { #expect(c?.reason == reason, "\(type)") }
            #expect(c?.observedGeneration == 4, "\(type)")
        }
    }

    /// `status.buildNamespace` per situation of the table: set only once the build namespace is
    /// this Tenant's, active and applied (counted or not: the name is usable, the pods wait for
    /// the quota), kept while deleting only when it was set and is still there.
    static let buildNamespaceField: [Situation: String?] = [
        .specInvalid: nil, .namespaceNotOurs: "acme-build", .childNameTaken: "acme-build", .buildNamespaceNotOurs: nil,
        .deletingWithContents: nil, .deletingEmpty: nil, .namespaceTerminating: "acme-build",
        .objectsNotYetApplied: "acme-build", .quotaNotYetObserved: "acme-build", .buildObjectsNotYetApplied: nil,
        .buildQuotaNotYetObserved: "acme-build", .buildNamespaceTerminating: nil, .suspendedAndApplied: "acme-build",
        .appliedAndObserved: "acme-build", .appliedBuildsDisabled: nil,
    ]

    @Test("status.buildNamespace in each row of the condition table", arguments: Situation.allCases)
    func buildNamespaceField(_ situation: Situation) throws {
        let (t, observation) = input(situation)
        let expected = try #require(Self.buildNamespaceField[situation])
        #expect(TenantStatusComputation.compute(tenant: t, observation: observation, now: t0).buildNamespace == expected)
    }

    @Test func whileDeletingTheBuildNamespaceIsKeptOnlyWhileItIsThere() {
        var t = tenant(deleting: true)
        t.status = TenantStatus(namespace: "acme", buildNamespace: "acme-build")
        var obs = TenantObservation(namespace: activeNamespace)
        obs.buildNamespace = activeBuildNamespace
        #expect(TenantStatusComputation.compute(tenant: t, observation: obs, now: t0).buildNamespace == "acme-build")
        obs.buildNamespace?.status?.phase = "Terminating"
        #expect(TenantStatusComputation.compute(tenant: t, observation: obs, now: t0).buildNamespace == nil)
        obs.buildNamespace = nil
        #expect(TenantStatusComputation.compute(tenant: t, observation: obs, now: t0).buildNamespace == nil)
    }

    @Test func aForeignBuildNamespaceIsNamedInTheStalledMessage() {
        var obs = TenantObservation(namespace: activeNamespace, objectsApplied: true, quota: quota)
        obs.buildNamespace = Namespace(metadata: ObjectMeta(name: "acme-build", labels: ["quartermaster.dev/tenant": "zeta"]))
        let s = TenantStatusComputation.compute(tenant: tenant(), observation: obs, now: t0)
        #expect(
            s.conditions?[type: "Stalled"]?.message
                == "build namespace acme-build: namespace acme-build belongs to tenant zeta; builds cannot run until it is gone or renamed (or set spec.builds.enabled: false)")
        #expect(s.buildNamespace == nil)
        // The tenant's own namespace is still reported.
        #expect(s.namespace == "acme" && s.quota != nil)
        // Builds disabled: the foreign namespace is none of the tenant's business.
        let off = TenantStatusComputation.compute(
            tenant: tenant(spec: TenantSpec(builds: TenantBuilds(enabled: false))), observation: obs, now: t0)
        #expect(off.conditions?.isTrue("Ready") == true)
    }
}
