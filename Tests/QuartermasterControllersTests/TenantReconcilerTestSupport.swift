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

    /// A context whose stores hold what the server holds now.
    func context<O: KubeResource>(for type: O.Type) -> ReconcileContext<O> {
        var registry = StoreRegistry()
        func filled<T: KubeResource>(_ t: T.Type) -> Store<T> {
            let store = Store<T>()
            store.replaceAll(server.objects(t))
            registry.register(store)
            return store
        }
        let primary = filled(O.self)
        _ = filled(Tenant.self)
        _ = filled(Resource.self)
        _ = filled(Namespace.self)
        _ = filled(ResourceQuota.self)
        _ = filled(LimitRange.self)
        _ = filled(NetworkPolicy.self)
        _ = filled(RoleBinding.self)
        _ = filled(IPFSCluster.self)
        return ReconcileContext(
            controller: "test", reconcileID: "r", logger: Logger(label: "test"), store: primary, stores: registry)
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
