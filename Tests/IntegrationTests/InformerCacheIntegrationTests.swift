import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Testing

/// The operator's informers against a real API server, counted in its audit log: one list and
/// one watch per (resource, namespace, label selector) at start-up, however many controllers
/// read the kind.
@Suite("Shared informer cache against a real API server")
struct InformerCacheIntegrationTests {
    /// List and watch requests of one informer scope, from the audit log.
    struct Scope: Hashable, CustomStringConvertible {
        var resource: String
        var namespace: String
        var labelSelector: String
        var description: String { "\(resource) ns=\(namespace.isEmpty ? "*" : namespace) selector=\(labelSelector)" }
    }

    /// (lists, watches) by scope, of requests whose user agent is `userAgent` (each request
    /// counted once, by audit ID, whatever stages it logged).
    static func listsAndWatches(_ env: EnvTest, userAgent: String) throws -> [Scope: (lists: Int, watches: Int)] {
        let text = try String(contentsOfFile: env.auditLogPath, encoding: .utf8)
        var seen = Set<String>()
        var counts: [Scope: (lists: Int, watches: Int)] = [:]
        for line in text.split(separator: "\n") {
            guard let event = try? KubeJSON.decode(JSONValue.self, from: Data(line.utf8)),
                event["userAgent"]?.stringValue == userAgent,
                let verb = event["verb"]?.stringValue, verb == "list" || verb == "watch",
                let id = event["auditID"]?.stringValue, seen.insert(id).inserted
            else { continue }
            let uri = URLComponents(string: event["requestURI"]?.stringValue ?? "")
            let selector = uri?.queryItems?.first { $0.name == "labelSelector" }?.value ?? ""
            let scope = Scope(
                resource: event.value(at: "objectRef", "resource")?.stringValue ?? "",
                namespace: event.value(at: "objectRef", "namespace")?.stringValue ?? "", labelSelector: selector)
            var c = counts[scope] ?? (0, 0)
            if verb == "list" { c.lists += 1 } else { c.watches += 1 }
            counts[scope] = c
        }
        return counts
    }

    static func client(_ env: EnvTest, userAgent: String) throws -> KubeClient {
        try KubeClient(configuration: env.clientConfiguration(user: .certAdmin), options: TransportOptions(userAgent: userAgent))
    }

    static func settings(_ registry: PrometheusCollectorRegistry, client: KubeClient) -> ControllerSettings {
        ControllerSettings(
            registry: registry, events: EventRecorder(client: client, component: "quartermaster-it", instance: "it"),
            logger: Logger(label: "it.informers"), operatorNamespace: nil)
    }

    @Test(
        "the full operator lists and watches each kind, namespaces and selector once at start-up",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func oneListAndOneWatchPerInformer() async throws {
        let env = try await EnvTest.shared()
        for crd in try GeneratedManifests.crdFiles() { try await env.installCRD(yaml: crd.yaml) }
        let admin = try KubeClient(configuration: env.clientConfiguration())
        let namespace = try await env.createNamespace("informers")
        // Objects two controllers read (the Tenant and IPFSCluster controllers both own
        // operator NetworkPolicies): cached once now, twice before.
        let objects = 300
        for i in 0..<objects {
            _ = try await admin.create(
                NetworkPolicy(
                    metadata: ObjectMeta(
                        name: "shared-\(i)", namespace: namespace,
                        labels: [QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue]),
                    spec: NetworkPolicySpec(podSelector: LabelSelector())))
        }
        // Another replica holds the lease: this one is a standby, so it runs every informer
        // (as every replica does) but no worker, and writes nothing to other suites' objects.
        let leaseName = "informers-\(UUID().uuidString.lowercased().prefix(6))"
        _ = try await admin.create(
            Lease(
                metadata: ObjectMeta(name: leaseName, namespace: namespace),
                spec: LeaseSpec(holderIdentity: "another-replica", leaseDurationSeconds: 3600)))

        let userAgent = "quartermaster-informers-it/\(leaseName)"
        let client = try Self.client(env, userAgent: userAgent)
        let registry = PrometheusCollectorRegistry()
        let manager = Manager(
            client: client,
            options: ManagerOptions(
                operatorIdentity: .quartermaster, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
                leaderElection: true,
                leaderElectionNamespace: namespace, leaderElectionID: leaseName, leaderElectionIdentity: "standby",
                gracefulShutdownTimeout: .seconds(10), handleSignals: false),
            registry: registry, logger: Logger(label: "it.informers"))
        let controllers = QuartermasterControllerSet.make(
            cache: manager.cache, settings: Self.settings(registry, client: client))
        for controller in controllers { manager.add(controller) }
        #expect(controllers.count == 3)
        let run = Task { try await manager.run() }
        defer { manager.shutdown() }

        #expect(await CoreTest.eventually { manager.readiness().allSatisfy(\.ready) })
        #expect(manager.leaderElector?.isLeader == false, "a standby: no worker runs")
        let podDisruptionBudgetsServed = try await APIDiscovery(client: admin).serves(PodDisruptionBudget.resource)
        let served = manager.cache.informerCount - (podDisruptionBudgetsServed ? 0 : 1)
        // Each watch starts right after its list; wait until all are logged.
        #expect(
            await CoreTest.eventually {
                let counts = (try? Self.listsAndWatches(env, userAgent: userAgent)) ?? [:]
                return counts.count == served && counts.values.allSatisfy { $0.watches >= 1 }
            })
        let counts = try Self.listsAndWatches(env, userAgent: userAgent)
        let report = counts.sorted { $0.key.description < $1.key.description }
            .map { "\($0.key): \($0.value.lists) list, \($0.value.watches) watch" }.joined(separator: "\n  ")
        print("InformerCacheIntegrationTests: \(manager.cache.informerCount) informers, \(counts.count) served:\n  \(report)")
        #expect(counts.count == served, "one scope per informer:\n  \(report)")
        for (scope, count) in counts {
            #expect(count.lists == 1 && count.watches == 1, "\(scope): \(count.lists) lists, \(count.watches) watches")
        }
        let lists = counts.values.reduce(0) { $0 + $1.lists }
        let watches = counts.values.reduce(0) { $0 + $1.watches }
        let sharedObjects = manager.cache.cachedObjectCount

        // For comparison, the same controllers each with a cache of their own (as before the
        // shared cache: every controller ran its own reflectors).
        let separateAgent = userAgent + "-separate"
        let separateClient = try Self.client(env, userAgent: separateAgent)
        let separateSettings = Self.settings(PrometheusCollectorRegistry(), client: separateClient)
        let caches = (0..<3).map { _ in InformerCache(client: separateClient) }
        _ = IPFSClusterController.make(cache: caches[0], settings: separateSettings)
        _ = TenantController.make(cache: caches[1], settings: separateSettings)
        _ = ResourceController.make(cache: caches[2], settings: separateSettings)
        let separate = Task {
            await withTaskGroup(of: Void.self) { group in
                for cache in caches { group.addTask { await cache.run() } }
            }
        }
        defer { separate.cancel() }
        #expect(await CoreTest.eventually { caches.allSatisfy(\.hasSynced) })
        let separateInformers = caches.reduce(0) { $0 + $1.informerCount }
        let separateServed = separateInformers - (podDisruptionBudgetsServed ? 0 : 1)
        #expect(
            await CoreTest.eventually {
                let c = (try? Self.listsAndWatches(env, userAgent: separateAgent)) ?? [:]
                return c.values.reduce(0) { $0 + $1.watches } >= separateServed
            })
        let before = try Self.listsAndWatches(env, userAgent: separateAgent)
        let beforeLists = before.values.reduce(0) { $0 + $1.lists }
        let beforeWatches = before.values.reduce(0) { $0 + $1.watches }
        let separateObjects = caches.reduce(0) { $0 + $1.cachedObjectCount }
        print(
            "InformerCacheIntegrationTests: start-up with \(objects) shared NetworkPolicies: shared cache "
                + "\(manager.cache.informerCount) informers, \(lists) lists + \(watches) watches, \(sharedObjects) "
                + "objects cached; one cache per controller \(separateInformers) informers, \(beforeLists) lists + "
                + "\(beforeWatches) watches, \(separateObjects) objects cached")
        #expect(beforeLists > lists && beforeWatches > watches)
        #expect(separateObjects - sharedObjects >= objects, "the NetworkPolicies were cached twice before")

        separate.cancel()
        await separate.value
        manager.shutdown()
        _ = try? await run.value
    }
}
