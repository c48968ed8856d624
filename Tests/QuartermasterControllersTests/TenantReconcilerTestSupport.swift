import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging

@testable import QuartermasterControllers

/// A FakeAPIServer with the caches a reconciler reads filled from it, as the controller's
/// reflectors would have them once synced.
struct FakeCluster {
    let server = FakeAPIServer()
    var client: KubeClient { KubeClient(transport: server) }
    /// A fixed clock: stage and condition times do not depend on when the test runs.
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }

    /// The caches the reconcilers read, as a synced controller's: filled from the server by
    /// `context(for:)`.
    let stores = Stores()

    /// One store per kind the Tenant and Resource controllers cache.
    final class Stores: Sendable {
        let tenants = Store<Tenant>()
        let resources = Store<Resource>()
        let namespaces = Store<Namespace>()
        let quotas = Store<ResourceQuota>()
        let limitRanges = Store<LimitRange>()
        let networkPolicies = Store<NetworkPolicy>()
        let roleBindings = Store<RoleBinding>()
        let clusters = Store<IPFSCluster>()
        let postgresInstances = Store<PostgresInstance>()
        let claims = Store<PersistentVolumeClaim>()

        func refresh(from server: FakeAPIServer) {
            tenants.replaceAll(server.objects(Tenant.self))
            resources.replaceAll(server.objects(Resource.self))
            namespaces.replaceAll(server.objects(Namespace.self))
            quotas.replaceAll(server.objects(ResourceQuota.self))
            limitRanges.replaceAll(server.objects(LimitRange.self))
            networkPolicies.replaceAll(server.objects(NetworkPolicy.self))
            roleBindings.replaceAll(server.objects(RoleBinding.self))
            clusters.replaceAll(server.objects(IPFSCluster.self))
            postgresInstances.replaceAll(server.objects(PostgresInstance.self))
            claims.replaceAll(server.objects(PersistentVolumeClaim.self))
        }

        /// The store of `O` when it is one of the above.
        func store<O: KubeResource>(_ type: O.Type) -> Store<O>? {
            (tenants as? Store<O>) ?? (resources as? Store<O>) ?? (clusters as? Store<O>)
                ?? (postgresInstances as? Store<O>)
        }
    }

    /// The Tenant reconciler's caches.
    var tenantCaches: TenantCaches {
        TenantCaches(
            namespaces: stores.namespaces, quotas: stores.quotas, limitRanges: stores.limitRanges,
            networkPolicies: stores.networkPolicies, roleBindings: stores.roleBindings, resources: stores.resources,
            claims: stores.claims)
    }

    /// The Resource reconciler's caches (watching all namespaces).
    var resourceCaches: ResourceCaches {
        ResourceCaches(
            children: [ResourceChildCache(stores.clusters), ResourceChildCache(stores.postgresInstances)], namespaces: stores.namespaces,
            tenants: stores.tenants)
    }

    /// A context for a reconcile of `O` (Tenant, Resource or IPFSCluster), after every store
    /// was filled with what the server holds now.
    func context<O: KubeResource>(for type: O.Type) -> ReconcileContext<O> {
        stores.refresh(from: server)
        let primary = stores.store(O.self) ?? Store<O>()
        primary.replaceAll(server.objects(O.self))
        return ReconcileContext(controller: "test", reconcileID: "r", logger: Logger(label: "test"), store: primary)
    }

    /// The writes (non-GET requests) sent after the first `skip` requests, as `METHOD path`
    /// with `/status` kept, for exact comparisons.
    func writes(since count: Int) -> [String] {
        server.requests.dropFirst(count).filter { $0.method != .get }.map { "\($0.method.rawValue) \($0.path)" }
    }

    /// Fills a quota's status as Kubernetes' quota controller would: `hard` from the spec and
    /// the given use.
    func countQuota(name: String, namespace: String, used: [String: Quantity] = [:]) async throws {
        guard let quota = server.object(ResourceQuota.self, name: name, namespace: namespace) else { return }
        var counted = quota
        var usage: [String: Quantity] = [:]
        for key in (quota.spec?.hard ?? [:]).keys { usage[key] = used[key] ?? 0 }
        counted.status = ResourceQuotaStatus(hard: quota.spec?.hard, used: usage)
        _ = try await client.replaceStatus(counted)
    }
}
