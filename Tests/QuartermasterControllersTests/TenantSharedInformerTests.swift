import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import Testing

@testable import QuartermasterControllers

/// The Tenant controller shares the ResourceQuota and Namespace informers the Resource
/// controller declares, and its reconciler, reading a quota cache that holds every quota,
/// still takes only its own (by name and controller reference).
@Suite struct TenantSharedInformerTests {
    static let key = ObjectKey(namespace: nil, name: "acme")

    static func settings() -> ControllerSettings {
        let client = KubeClient(transport: FakeAPIServer())
        return ControllerSettings(
            registry: PrometheusCollectorRegistry(),
            events: EventRecorder(client: client, component: "quartermaster-test", instance: "test"),
            logger: Logger(label: "test.tenants"), operatorNamespace: nil)
    }

    /// The informers `kinds`' controllers declare in a cache of their own, as descriptions.
    static func informers(_ kinds: [KindDeclaration]) -> [String] {
        let cache = InformerCache(client: KubeClient(transport: FakeAPIServer()))
        _ = QuartermasterControllerSet.make(cache: cache, settings: settings(), kinds: kinds)
        return cache.informerDescriptions
    }

    @Test func quotasAndNamespacesAreOneInformerEachForTheTenantAndResourceControllers() {
        let tenant = Self.informers([Tenant.declaration])
        let resource = Self.informers([Resource.declaration])
        let both = Self.informers([Tenant.declaration, Resource.declaration])
        let quotas = "\(ResourceQuota.resource) namespaces=all"
        let namespaces = "\(Namespace.resource) namespaces=all labelSelector=\(TenantLabels.tenant)"
        for informers in [tenant, resource, both] {
            #expect(informers.filter { $0.hasPrefix("\(ResourceQuota.resource) ") } == [quotas], "\(informers)")
            #expect(informers.filter { $0.hasPrefix("\(Namespace.resource) ") } == [namespaces], "\(informers)")
        }
        // Together: every informer either declares, each once.
        #expect(Set(both) == Set(tenant).union(resource) && both.count == Set(both).count)
        #expect(Set(tenant).intersection(resource).isSuperset(of: [quotas, namespaces]))
    }

    func reconcile(_ cluster: FakeCluster) async throws -> [String] {
        let before = cluster.server.requests.count
        let reconciler = TenantReconciler(
            client: cluster.client, caches: cluster.tenantCaches, events: nil, now: FakeCluster.clock)
        _ = try await reconciler.reconcile(ReconcileRequest(key: Self.key), context: cluster.context(for: Tenant.self))
        return cluster.writes(since: before)
    }

    func seedTenant(_ cluster: FakeCluster) throws {
        try cluster.server.seed(Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec(tier: .free)))
    }

    /// A quota the namespace's users made themselves, counted by Kubernetes.
    func seedUserQuota(_ cluster: FakeCluster, name: String) async throws {
        try cluster.server.seed(
            ResourceQuota(
                metadata: ObjectMeta(name: name, namespace: "acme"),
                spec: ResourceQuotaSpec(hard: ["pods": "5", "requests.storage": "1Gi"])))
        try await cluster.countQuota(name: name, namespace: "acme", used: ["pods": "4"])
    }

    @Test func aUsersQuotaInTheNamespaceIsNeitherReportedNorWritten() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        try await seedUserQuota(cluster, name: "team")
        try await cluster.countQuota(name: TenantDesiredState.quotaName, namespace: "acme")

        let writes = try await reconcile(cluster)
        #expect(cluster.stores.quotas.list(namespace: "acme").count == 2, "the cache holds both quotas")
        #expect(writes == ["PUT /apis/quartermaster.dev/v1alpha1/tenants/acme/status"])
        let quota = try #require(cluster.server.object(Tenant.self, name: "acme")?.status?.quota)
        #expect(quota.hard?["requests.storage"] == "20Gi" && quota.hard?["pods"] == nil, "the tenant's own quota")
        #expect(try await reconcile(cluster) == [], "converged")
        let team = try #require(cluster.server.object(ResourceQuota.self, name: "team", namespace: "acme"))
        #expect(team.spec?.hard == ["pods": "5", "requests.storage": "1Gi"])
    }

    @Test func aUsersQuotaWithTheTenantsQuotaNameIsAConflictAndLeftAlone() async throws {
        let cluster = FakeCluster()
        try seedTenant(cluster)
        _ = try await reconcile(cluster)
        // The tenant's quota is replaced by one of the same name that no Tenant controls.
        try await cluster.client.delete(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: "acme")
        try await seedUserQuota(cluster, name: TenantDesiredState.quotaName)

        let writes = try await reconcile(cluster)
        #expect(!writes.contains { $0.contains("/resourcequotas/") }, "\(writes)")
        let stalled = cluster.server.object(Tenant.self, name: "acme")?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.status == .true && stalled?.reason == "NameConflict")
        #expect(cluster.server.object(Tenant.self, name: "acme")?.status?.quota == nil, "not reported as the tenant's")
        let user = try #require(
            cluster.server.object(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: "acme"))
        #expect(user.spec?.hard == ["pods": "5", "requests.storage": "1Gi"])
        #expect(user.metadata.ownerReferences == nil)
    }
}
