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
/// read the kind; the scopes listed are exactly the running cache's informers, and the
/// ResourceQuotas and tenant Namespaces the Tenant and Resource controllers both read are
/// listed once.
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

    /// The scopes the informers of `cache` list and watch, from its informer descriptions
    /// (`plural.group/version namespaces=all|a,b [labelSelector=…]`): one per namespace, or one
    /// cluster-wide (`namespace` empty). Kinds `served` rejects are left out (never listed).
    static func expectedScopes(_ cache: InformerCache, served: (String) -> Bool) -> [Scope] {
        cache.informerDescriptions.flatMap { description -> [Scope] in
            let fields = description.split(separator: " ").map(String.init)
            guard let resource = fields.first, served(resource) else { return [] }
            func value(_ name: String) -> String? {
                fields.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
            }
            let plural = String(resource.prefix { $0 != "." })
            let selector = value("labelSelector") ?? ""
            let namespaces = value("namespaces").map { $0 == "all" ? [""] : $0.split(separator: ",").map(String.init) }
            return (namespaces ?? [""]).map { Scope(resource: plural, namespace: $0, labelSelector: selector) }
        }
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
        // A control plane of its own: the audit log holds only this test's requests (the shared
        // one's, written by every suite at once, grows too large to scan while waiting).
        let env = try await EnvTest.start(controllerManager: false)
        do {
            try await oneListAndOneWatchPerInformer(env)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    func oneListAndOneWatchPerInformer(_ env: EnvTest) async throws {
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
        #expect(controllers.count == QuartermasterKinds.all.count)
        // The state metrics read the controllers' informers: they add none (the counts below).
        let stateSources = QuartermasterControllerSet.stateMetrics(
            cache: manager.cache, settings: Self.settings(registry, client: client))
        #expect(stateSources.count == QuartermasterKinds.all.count)
        for source in stateSources { manager.addStateMetrics(source) }
        let run = Task { try await manager.run() }
        defer { manager.shutdown() }

        #expect(await CoreTest.eventually { manager.readiness().allSatisfy(\.ready) })
        #expect(manager.leaderElector?.isLeader == false, "a standby: no worker runs")
        let podDisruptionBudgetsServed = try await APIDiscovery(client: admin).serves(PodDisruptionBudget.resource)
        let autoscalersServed = try await APIDiscovery(client: admin).serves(HorizontalPodAutoscaler.resource)
        // What the running cache holds decides what must be listed: the figure follows the
        // controllers' declarations (15 informers with the Tenant controller sharing the
        // Resource controller's ResourceQuotas and Namespaces, 14 once the IPFSCluster children
        // share the IPFSCluster informer too), never a constant kept here.
        let expected = Self.expectedScopes(manager.cache) {
            (podDisruptionBudgetsServed || $0 != "\(PodDisruptionBudget.resource)")
                && (autoscalersServed || $0 != "\(HorizontalPodAutoscaler.resource)")
        }
        #expect(expected.count == Set(expected).count, "no two informers list the same resource, namespace and selector: \(expected)")
        let served = expected.count
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
        #expect(Set(counts.keys) == Set(expected), "the scopes listed are the cache's informers:\n  \(report)")
        for (scope, count) in counts {
            #expect(count.lists == 1 && count.watches == 1, "\(scope): \(count.lists) lists, \(count.watches) watches")
        }
        // The Tenant and Resource controllers both read every ResourceQuota and the tenant
        // Namespaces: one informer each.
        let quotaScopes = counts.filter { $0.key.resource == "resourcequotas" }
        #expect(quotaScopes.map(\.key) == [Scope(resource: "resourcequotas", namespace: "", labelSelector: "")], "\(report)")
        #expect(quotaScopes.allSatisfy { $0.value.lists == 1 })
        let namespaceScopes = counts.filter { $0.key.resource == "namespaces" }
        #expect(
            namespaceScopes.map(\.key) == [Scope(resource: "namespaces", namespace: "", labelSelector: TenantLabels.tenant)],
            "\(report)")
        #expect(namespaceScopes.allSatisfy { $0.value.lists == 1 })
        let lists = counts.values.reduce(0) { $0 + $1.lists }
        let watches = counts.values.reduce(0) { $0 + $1.watches }
        let sharedObjects = manager.cache.cachedObjectCount

        // For comparison, the same controllers each with a cache of their own (as before the
        // shared cache: every controller ran its own reflectors).
        let separateAgent = userAgent + "-separate"
        let separateClient = try Self.client(env, userAgent: separateAgent)
        let separateSettings = Self.settings(PrometheusCollectorRegistry(), client: separateClient)
        let caches = (0..<5).map { _ in InformerCache(client: separateClient) }
        _ = IPFSClusterController.make(cache: caches[0], settings: separateSettings)
        _ = TenantController.make(cache: caches[1], settings: separateSettings)
        _ = ResourceController.make(cache: caches[2], settings: separateSettings)
        _ = PostgresInstanceController.make(cache: caches[3], settings: separateSettings)
        _ = AppDeploymentController.make(cache: caches[4], settings: separateSettings)
        let separate = Task {
            await withTaskGroup(of: Void.self) { group in
                for cache in caches { group.addTask { await cache.run() } }
            }
        }
        defer { separate.cancel() }
        #expect(await CoreTest.eventually { caches.allSatisfy(\.hasSynced) })
        let separateInformers = caches.reduce(0) { $0 + $1.informerCount }
        // The shared cache holds exactly the distinct informers the controllers declare; the
        // quotas and namespaces among those the Tenant and Resource controllers both declare.
        let distinct = caches.reduce(into: Set<String>()) { $0.formUnion($1.informerDescriptions) }
        #expect(Set(manager.cache.informerDescriptions) == distinct)
        let declaredByBoth = Set(caches[1].informerDescriptions).intersection(caches[2].informerDescriptions)
        #expect(declaredByBoth.contains { $0.hasPrefix("\(ResourceQuota.resource) ") }, "\(declaredByBoth)")
        #expect(declaredByBoth.contains { $0.hasPrefix("\(Namespace.resource) ") }, "\(declaredByBoth)")
        // Every cache whose controller declared PodDisruptionBudgets holds an informer of them
        // that lists nothing while policy/v1 is not served.
        let pdbCaches = caches.filter { $0.informerDescriptions.contains { $0.hasPrefix("\(PodDisruptionBudget.resource) ") } }
        let hpaCaches = caches.filter { $0.informerDescriptions.contains { $0.hasPrefix("\(HorizontalPodAutoscaler.resource) ") } }
        let separateServed = separateInformers - (podDisruptionBudgetsServed ? 0 : pdbCaches.count)
            - (autoscalersServed ? 0 : hpaCaches.count)
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
