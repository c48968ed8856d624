import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

@Suite struct TenantReconcilerTests {
    static let key = ObjectKey(namespace: nil, name: "acme")

    func reconcile(_ cluster: FakeCluster) async throws -> [String] {
        let before = cluster.server.requests.count
        let reconciler = TenantReconciler(client: cluster.client, caches: cluster.tenantCaches, events: nil, now: FakeCluster.clock)
        _ = try await reconciler.reconcile(ReconcileRequest(key: Self.key), context: cluster.context(for: Tenant.self))
        return cluster.writes(since: before)
    }

    func seedTenant(_ cluster: FakeCluster) throws {
        try cluster.server.seed(
            Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(owners: [.user("alice")], tier: .free)))
    }

    @Test func firstReconcileCreatesEverythingAndAConvergedOneWritesNothing() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)

        let first = try await reconcile(cluster)
        #expect(
            first == [
                "PATCH /apis/quartermaster.dev/v1alpha1/tenants/acme",
                "POST /api/v1/namespaces",
                "PATCH /api/v1/namespaces/acme/resourcequotas/quartermaster-tenant",
                "PATCH /api/v1/namespaces/acme/limitranges/quartermaster-tenant",
                "PATCH /apis/networking.k8s.io/v1/namespaces/acme/networkpolicies/quartermaster-allow-same-namespace",
                "PATCH /apis/networking.k8s.io/v1/namespaces/acme/networkpolicies/quartermaster-allow-egress",
                "PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/acme/rolebindings/quartermaster-tenant-owners",
                "POST /api/v1/namespaces",
                "PATCH /api/v1/namespaces/acme-build/resourcequotas/builds",
                "PATCH /api/v1/namespaces/acme-build/limitranges/builds",
                "PATCH /apis/networking.k8s.io/v1/namespaces/acme-build/networkpolicies/builds",
                "PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/acme-build/rolebindings/builds",
                "PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status",
            ])
        let tenant = try #require(cluster.server.object(Tenant.self, name: "acme"))
        #expect(tenant.metadata.finalizers == [Tenant.finalizer])
        #expect(tenant.status?.conditions?[type: "Ready"]?.reason == "Provisioning")
        let ns = try #require(cluster.server.object(Namespace.self, name: "acme"))
        #expect(ns.metadata.labels?[TenantLabels.tenant] == "acme")
        #expect(ns.metadata.annotations?[TenantLabels.tenantUID] == tenant.metadata.uid)
        #expect(ns.metadata.labels?["pod-security.kubernetes.io/enforce"] == "restricted")
        #expect(ns.metadata.ownerReferences == nil, "the namespace is deleted by the finalizer only, never by GC")
        let binding = try #require(cluster.server.object(RoleBinding.self, name: "quartermaster-tenant-owners", namespace: "acme"))
        #expect(binding.roleRef?.name == "quartermaster-tenant-owner")

        let buildNamespace = try #require(cluster.server.object(Namespace.self, name: "acme-build"))
        #expect(buildNamespace.metadata.labels?[TenantBuildNamespace.label] == "true")
        #expect(buildNamespace.metadata.annotations?[TenantLabels.tenantUID] == tenant.metadata.uid)
        #expect(buildNamespace.metadata.ownerReferences?.first?.uid == tenant.metadata.uid, "goes with the Tenant")
        #expect(tenant.status?.buildNamespace == "acme-build")

        // Nothing changed, the quota is not counted yet: nothing to write.
        #expect(try await reconcile(cluster) == [])

        // The quota controller counts the quotas: only the status changes, to Ready once both are.
        try await cluster.countQuota(name: "quartermaster-tenant", namespace: "acme")
        #expect(try await reconcile(cluster) == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        #expect(
            cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Ready"]?.message
                == "waiting for the quota of build namespace acme-build to be counted")
        try await cluster.countQuota(name: "builds", namespace: "acme-build")
        #expect(try await reconcile(cluster) == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        let ready = try #require(cluster.server.object(Tenant.self, name: "acme")?.status)
        #expect(ready.conditions?.isTrue("Ready") == true)
        #expect(ready.conditions?[type: "Ready"]?.observedGeneration == 1)
        #expect(ready.quota?.hard?["requests.storage"] == "20Gi")
        #expect(ready.resources == TenantResourceCounts(total: 0, byPhase: nil))
        #expect(try await reconcile(cluster) == [])
    }

    @Test func driftIsRepairedAndStalePoliciesDeleted() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        // Someone edits the quota; the tenant is suspended.
        _ = try await cluster.client.mergePatch(
            ResourceQuota.self, name: "quartermaster-tenant", namespace: "acme",
            patch: ["spec": ["hard": ["requests.storage": "999Gi"]]])
        _ = try await cluster.client.mergePatch(Tenant.self, name: "acme", patch: ["spec": ["suspended": true]])
        let writes = try await reconcile(cluster)
        #expect(writes.contains("PATCH /api/v1/namespaces/acme/resourcequotas/quartermaster-tenant"))
        #expect(
            writes.contains(
                "DELETE /apis/networking.k8s.io/v1/namespaces/acme/networkpolicies/quartermaster-allow-same-namespace"))
        #expect(
            writes.contains(
                "PATCH /apis/networking.k8s.io/v1/namespaces/acme/networkpolicies/quartermaster-suspended-deny-ingress"))
        #expect(cluster.server.object(ResourceQuota.self, name: "quartermaster-tenant", namespace: "acme")?.spec?.hard?["requests.storage"] == "20Gi")
        #expect(cluster.server.object(Namespace.self, name: "acme")?.metadata.labels?[TenantLabels.suspended] == "true")
    }

    @Test func countsResourcesByPhase() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        try await cluster.countQuota(name: "quartermaster-tenant", namespace: "acme")
        try cluster.server.seed(
            Resource(
                metadata: ObjectMeta(name: "a", namespace: "acme"), spec: ResourceSpec(template: "small-storage"),
                status: ResourceStatus(phase: .ready)))
        try cluster.server.seed(
            Resource(metadata: ObjectMeta(name: "b", namespace: "acme"), spec: ResourceSpec(template: "small-storage")))
        _ = try await reconcile(cluster)
        let counts = cluster.server.object(Tenant.self, name: "acme")?.status?.resources
        #expect(counts == TenantResourceCounts(total: 2, byPhase: ["Ready": 1, "Pending": 1]))
    }

    @Test func aForeignNamespaceIsNeverAdopted() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "acme")))
        try seedTenant(cluster)
        let writes = try await reconcile(cluster)
        #expect(
            writes == [
                "PATCH /apis/quartermaster.dev/v1alpha1/tenants/acme",
                "PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status",
            ])
        let stalled = cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.status == .true && stalled?.reason == "NamespaceConflict")
    }

    /// Reconciles with a Namespace cache that, like the controller's, holds only namespaces
    /// labelled as managed (and here: none at all, as if it lagged).
    func reconcileWithEmptyNamespaceCache(_ cluster: FakeCluster) async throws -> [String] {
        let before = cluster.server.requests.count
        let reconciler = TenantReconciler(client: cluster.client, caches: cluster.tenantCaches, events: nil, now: FakeCluster.clock)
        let context = cluster.context(for: Tenant.self)
        cluster.stores.namespaces.replaceAll([])
        _ = try await reconciler.reconcile(ReconcileRequest(key: Self.key), context: context)
        return cluster.writes(since: before)
    }

    @Test("an existing namespace the cache does not show is read directly and never taken over or deleted")
    func anUncachedForeignNamespaceIsReadDirectlyAndLeftAlone() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "payroll")))
        try cluster.server.seed(
            Secret(metadata: ObjectMeta(name: "salaries", namespace: "payroll"), stringData: ["k": "v"]))
        try cluster.server.seed(
            Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(owners: [.user("mallory")], namespace: "payroll")))
        let writes = try await reconcileWithEmptyNamespaceCache(cluster)
        #expect(
            writes == [
                "PATCH /apis/quartermaster.dev/v1alpha1/tenants/acme",
                "PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status",
            ])
        #expect(cluster.server.requests.contains { $0.method == .get && $0.path == "/api/v1/namespaces/payroll" })
        #expect(cluster.server.object(Namespace.self, name: "payroll")?.metadata.labels == nil)
        #expect(cluster.server.object(RoleBinding.self, name: "quartermaster-tenant-owners", namespace: "payroll") == nil)

        try await cluster.client.delete(Tenant.self, name: "acme")
        let deleting = try await reconcileWithEmptyNamespaceCache(cluster)
        #expect(deleting == ["PATCH /apis/quartermaster.dev/v1alpha1/tenants/acme"], "only the finalizer goes")
        #expect(cluster.server.object(Namespace.self, name: "payroll") != nil)
        #expect(cluster.server.object(Secret.self, name: "salaries", namespace: "payroll") != nil)
        #expect(cluster.server.object(Tenant.self, name: "acme") == nil)
    }

    @Test("a namespace labelled for the tenant but without its UID marker is not adopted")
    func aLabelledNamespaceWithoutTheMarkerIsAConflict() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"])))
        try seedTenant(cluster)
        let writes = try await reconcile(cluster)
        #expect(writes.allSatisfy { $0.hasPrefix("PATCH /apis/quartermaster.dev") || $0.hasPrefix("PUT /apis/quartermaster.dev") })
        let stalled = cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.reason == "NamespaceConflict")
    }

    @Test("deletion waits for IPFSClusters created directly in the namespace, counted from the API server")
    func deletionWaitsForIPFSClustersToo() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        try cluster.server.seed(
            IPFSCluster(metadata: ObjectMeta(name: "direct", namespace: "acme"), spec: IPFSClusterSpec(replicas: 1)))
        try await cluster.client.delete(Tenant.self, name: "acme")
        #expect(try await reconcileWithEmptyNamespaceCache(cluster) == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        let stalled = cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.reason == "NotEmpty")
        #expect(stalled?.message?.contains("1 IPFSCluster") == true)
        #expect(cluster.server.object(Namespace.self, name: "acme") != nil)
    }

    @Test func deletionWaitsForResourcesThenDeletesTheNamespaceThenReleasesTheFinalizer() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        try cluster.server.seed(
            Resource(metadata: ObjectMeta(name: "a", namespace: "acme"), spec: ResourceSpec(template: "small-storage")))
        try await cluster.client.delete(Tenant.self, name: "acme")

        // A Resource remains: nothing is deleted, the tenant is Stalled with NotEmpty.
        let blocked = try await reconcile(cluster)
        #expect(blocked == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        let status = try #require(cluster.server.object(Tenant.self, name: "acme")?.status)
        #expect(status.conditions?[type: "Stalled"]?.status == .true)
        #expect(status.conditions?[type: "Stalled"]?.reason == "NotEmpty")
        #expect(status.conditions?[type: "Stalled"]?.message?.contains("1 Resource") == true)
        #expect(cluster.server.object(Namespace.self, name: "acme") != nil)
        #expect(try await reconcile(cluster) == [], "still blocked, nothing new to say")

        // The Resource goes: the namespace is deleted.
        try await cluster.client.delete(Resource.self, name: "a", namespace: "acme")
        let deleting = try await reconcile(cluster)
        #expect(deleting.first == "DELETE /api/v1/namespaces/acme")
        #expect(cluster.server.object(Namespace.self, name: "acme") == nil)

        #expect(!deleting.contains("DELETE /api/v1/namespaces/acme-build"), "the garbage collector's, not the operator's")
        #expect(cluster.server.object(Namespace.self, name: "acme-build") != nil)

        // The namespace is gone: the finalizer is released and the Tenant disappears.
        let released = try await reconcile(cluster)
        #expect(released == ["PATCH /apis/quartermaster.dev/v1alpha1/tenants/acme"])
        #expect(cluster.server.object(Tenant.self, name: "acme") == nil)
    }

    @Test("a claim blocks deletion, named in status; spec.deletionPolicy: DeleteData deletes the namespace with it")
    func claimsBlockDeletionUntilDeleteData() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        try cluster.server.seed(
            PersistentVolumeClaim(
                metadata: ObjectMeta(name: "data-kept-0", namespace: "acme"),
                spec: PersistentVolumeClaimSpec(resources: ResourceRequirements(requests: ["storage": "1Gi"]))))
        _ = try await reconcile(cluster)
        let live = try #require(cluster.server.object(Tenant.self, name: "acme")?.status)
        #expect(live.persistentVolumeClaims == TenantClaims(total: 1, names: ["data-kept-0"]))

        try await cluster.client.delete(Tenant.self, name: "acme")
        #expect(try await reconcile(cluster) == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        let blocked = try #require(cluster.server.object(Tenant.self, name: "acme")?.status)
        #expect(blocked.conditions?[type: "Stalled"]?.reason == "NotEmpty")
        #expect(
            blocked.conditions?[type: "Stalled"]?.message?.hasPrefix(
                "namespace acme still holds 1 PersistentVolumeClaim (data);") == true)
        #expect(cluster.server.object(Namespace.self, name: "acme") != nil)
        #expect(cluster.server.object(PersistentVolumeClaim.self, name: "data-kept-0", namespace: "acme") != nil)
        #expect(try await reconcile(cluster) == [], "still blocked, nothing new to say")

        var tenant = try #require(cluster.server.object(Tenant.self, name: "acme"))
        tenant.spec.deletionPolicy = .deleteData
        _ = try await cluster.client.replace(tenant)
        let deleting = try await reconcile(cluster)
        #expect(deleting.first == "DELETE /api/v1/namespaces/acme")
        #expect(cluster.server.object(Namespace.self, name: "acme") == nil)
    }

    @Test func invalidSpecIsStalledAndCreatesNothing() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(
            Tenant(
                metadata: ObjectMeta(name: "acme"),
                spec: TenantSpec(limits: TenantContainerLimits(defaultRequest: TenantCPUMemory(cpu: "4")))))
        let writes = try await reconcile(cluster)
        #expect(writes == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"], "no finalizer: nothing to guard")
        #expect(cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Stalled"]?.reason == "InvalidSpec")
    }

    @Test func resourcesMapToTheirTenant() throws {
        let tenants = Store<Tenant>()
        tenants.upsert(Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(namespace: "acme-prod")))
        let namespaces = Store<Namespace>()
        namespaces.upsert(Namespace(metadata: ObjectMeta(name: "other", labels: [TenantLabels.tenant: "globex"])))
        #expect(
            TenantController.tenantKeys(forResourceIn: "acme-prod", namespaces: namespaces, tenants: tenants)
                == [ObjectKey(namespace: nil, name: "acme")])
        #expect(
            TenantController.tenantKeys(forResourceIn: "other", namespaces: namespaces, tenants: tenants)
                == [ObjectKey(namespace: nil, name: "globex")])
        #expect(TenantController.tenantKeys(forResourceIn: "default", namespaces: namespaces, tenants: tenants) == [])
    }

    // MARK: the build namespace

    @Test("builds disabled: no build namespace, and an existing one is left as it is")
    func disabledBuildsCreateNothingAndLeaveAnExistingOneAlone() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(
            Tenant(
                metadata: ObjectMeta(name: "acme"),
                spec: TenantSpec(owners: [.user("alice")], builds: TenantBuilds(enabled: false))))
        let first = try await reconcile(cluster)
        #expect(first.filter { $0.contains("acme-build") } == [])
        #expect(first.filter { $0 == "POST /api/v1/namespaces" }.count == 1)
        #expect(cluster.server.object(Namespace.self, name: "acme-build") == nil)
        #expect(cluster.server.object(Tenant.self, name: "acme")?.status?.buildNamespace == nil)

        // Enabled: created. Disabled again: the namespace and its objects stay untouched, and the
        // status no longer names it.
        _ = try await cluster.client.mergePatch(Tenant.self, name: "acme", patch: ["spec": ["builds": ["enabled": true]]])
        _ = try await reconcile(cluster)
        #expect(cluster.server.object(Tenant.self, name: "acme")?.status?.buildNamespace == "acme-build")
        _ = try await cluster.client.mergePatch(
            Tenant.self, name: "acme", patch: ["spec": ["builds": ["enabled": false, "podSecurity": "privileged"]]])
        let disabled = try await reconcile(cluster)
        #expect(disabled == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        #expect(cluster.server.object(Tenant.self, name: "acme")?.status?.buildNamespace == nil)
        let kept = try #require(cluster.server.object(Namespace.self, name: "acme-build"))
        #expect(kept.metadata.labels?["pod-security.kubernetes.io/enforce"] == "baseline")
        #expect(cluster.server.object(NetworkPolicy.self, name: "builds", namespace: "acme-build") != nil)
    }

    @Test("a build namespace the cache does not show is read directly, and one not ours is never adopted")
    func aForeignBuildNamespaceIsReadDirectlyAndLeftAlone() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "acme-build")))
        try seedTenant(cluster)
        let writes = try await reconcileWithEmptyNamespaceCache(cluster)
        #expect(cluster.server.requests.contains { $0.method == .get && $0.path == "/api/v1/namespaces/acme-build" })
        #expect(writes.filter { $0.contains("acme-build") } == [], "nothing written into it")
        #expect(writes.contains("PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/acme/rolebindings/quartermaster-tenant-owners"))
        #expect(cluster.server.object(Namespace.self, name: "acme-build")?.metadata.labels == nil)
        let status = try #require(cluster.server.object(Tenant.self, name: "acme")?.status)
        #expect(status.conditions?[type: "Stalled"]?.reason == "BuildNamespaceConflict")
        #expect(status.buildNamespace == nil)
        #expect(status.namespace == "acme")
    }

    @Test("another tenant's build namespace is not a tenant namespace, and the other way round")
    func buildAndTenantNamespacesAreNeverTakenForEachOther() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        // Tenant b asks for acme's build namespace as its own namespace.
        try cluster.server.seed(Tenant(metadata: ObjectMeta(name: "b"), spec: TenantSpec(namespace: "acme-build")))
        let reconciler = TenantReconciler(client: cluster.client, caches: cluster.tenantCaches, events: nil, now: FakeCluster.clock)
        _ = try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: nil, name: "b")), context: cluster.context(for: Tenant.self))
        #expect(cluster.server.object(Tenant.self, name: "b")?.status?.conditions?[type: "Stalled"]?.reason == "NamespaceConflict")
        #expect(cluster.server.object(RoleBinding.self, name: "quartermaster-tenant-owners", namespace: "acme-build") == nil)
    }

    @Test("a deleted build namespace is recreated once gone; a terminating one is waited for")
    func aTerminatingBuildNamespaceIsWaitedForThenRecreated() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        try await cluster.countQuota(name: "quartermaster-tenant", namespace: "acme")
        // As the API server shows a namespace being deleted (the fake deletes at once: put back).
        var terminating = try #require(cluster.server.object(Namespace.self, name: "acme-build"))
        terminating.status = NamespaceStatus(phase: "Terminating")
        terminating.metadata.resourceVersion = nil
        try await cluster.client.delete(Namespace.self, name: "acme-build")
        _ = try cluster.server.seed(terminating)
        let waiting = try await reconcile(cluster)
        #expect(waiting.filter { $0.contains("acme-build") || $0 == "POST /api/v1/namespaces" } == [])
        let status = try #require(cluster.server.object(Tenant.self, name: "acme")?.status)
        #expect(status.buildNamespace == nil)
        #expect(status.conditions?[type: "Ready"]?.message == "build namespace acme-build is terminating; it will be recreated once it is gone")

        try await cluster.client.delete(Namespace.self, name: "acme-build")
        let recreated = try await reconcile(cluster)
        // (The fake keeps the objects of a deleted namespace, so only the namespace is new.)
        #expect(recreated == ["POST /api/v1/namespaces", "PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        #expect(cluster.server.object(Namespace.self, name: "acme-build")?.status?.phase != "Terminating")
        #expect(cluster.server.object(Tenant.self, name: "acme")?.status?.buildNamespace == "acme-build")
    }
}
