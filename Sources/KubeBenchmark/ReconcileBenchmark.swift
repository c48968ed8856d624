import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Measures a tiny controller (`ParentChildReconciler`, one child ConfigMap per parent
/// ConfigMap) against a real API server:
///
/// 1. creates N parents; a plain client then sends N server-side applies of children
///    (`direct-<i>`), `concurrency` at once — the server's own pace;
/// 2. a cold client that runs the controller's two informers (parents, and its own children
///    `informed-<i>`) sends the same N applies: what any watch-driven controller does at the
///    least, without a queue or reconciles;
/// 3. starts the controller cold (fresh client, caches and queue) with `concurrency` workers
///    and times it from its start to its N-th child apply;
///    steps 1 to 3 alternate `runs` times, each side starting with no child of any side, after
///    the API server's garbage collection and on a quiet control plane (the controller of the
///    last run goes on with the steps below);
/// 4. touches a label on every parent and counts the writes of the converged reconciles;
/// 5. updates parents one at a time and times each update → child apply;
/// 6. restarts the controller and counts the writes again.
///
/// The controller talks through its own client, whose transport counts requests and whose
/// user agent (`controllerUserAgent`) finds its requests in the audit log.
public struct ReconcileBenchmark: Sendable {
    public var configuration: ClientConfiguration
    /// Who the benchmark acts as: field manager, `managed-by` label, hash annotation, and the
    /// user agents (`identity.userAgent` for the plain client, `controllerUserAgent` for the
    /// controller's).
    public var identity: OperatorIdentity
    public var namespace: String
    /// N. Default 1000.
    public var objects: Int
    /// Workers of the controller, and requests at once of the plain client. Default 8.
    public var concurrency: Int
    /// Throughput runs, each a plain-client run then a cold controller run. Default 5.
    public var runs: Int
    /// Sequential parent updates timed for the latency figures. Default 200.
    public var latencyUpdates: Int
    /// The API server's JSON audit log, for the cross-check; `nil` skips it.
    public var auditLogPath: String?
    /// Processes of the control plane (kube-apiserver, etcd) whose CPU time is read before and
    /// after each side of each throughput run; empty: not measured. Default: empty.
    public var serverPIDs: [Int32]
    /// Whether the clients ask for protobuf in lists and watches of ConfigMaps
    /// (``KubeClient/protobuf``). Default `true`; `false` measures JSON.
    public var protobuf: Bool
    /// Progress lines. Default: none.
    public var progress: @Sendable (String) -> Void

    public init(
        configuration: ClientConfiguration, identity: OperatorIdentity, namespace: String, objects: Int = 1000,
        concurrency: Int = 8, runs: Int = 5,
        latencyUpdates: Int = 200, auditLogPath: String? = nil, serverPIDs: [Int32] = [], protobuf: Bool = true,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.protobuf = protobuf
        self.configuration = configuration
        self.identity = identity
        self.namespace = namespace
        self.objects = objects
        self.concurrency = concurrency
        self.runs = runs
        self.latencyUpdates = latencyUpdates
        self.auditLogPath = auditLogPath
        self.serverPIDs = serverPIDs
        self.progress = progress
    }

    /// `<identity.name>-bench-controller/<identity.version>`: the user agent of the controller's
    /// client, by which the audit log cross-check finds its requests.
    public var controllerUserAgent: String { "\(controllerUserAgentPrefix)\(identity.version)" }
    private var controllerUserAgentPrefix: String { "\(identity.name)-bench-controller/" }

    public func run() async throws -> ReconcileBenchmarkResult {
        // The plain client: a client of its own whose transport times its requests; it also
        // does the set-up (parents, clean-ups), so its connection is warm, as before.
        var plainOptions = TransportOptions()
        plainOptions.userAgent = identity.userAgent
        let plainCurl = try CurlTransport(server: configuration.server, tls: configuration.tls, options: plainOptions)
        let plainCounter = CountingTransport(wrapping: plainCurl)
        let admin = KubeClient(
            transport: plainCounter, credentials: configuration.credentials, defaultNamespace: namespace,
            host: plainCurl.hostAndPort, fieldManager: identity.fieldManager, protobuf: protobuf)
        let n = objects
        let ns = namespace
        try await BenchmarkObjects.ensureNamespace(ns, client: admin)
        try await removeLeftovers(admin)

        progress("creating \(n) parents")
        let t0 = ContinuousClock.now
        let parents = try await BenchmarkObjects.create(
            prefix: "parent", range: 0..<n, namespace: ns, role: "parent", limit: concurrency, client: admin)
        let createParents = (ContinuousClock.now - t0).seconds

        let probe = ReconcileProbe()
        var throughput: [ThroughputRun] = []
        var plainLatencies: [Duration] = []
        var controllerLatencies: [Duration] = []
        var running: RunningController?
        var counter: CountingTransport?
        for run in 0..<max(1, runs) {
            // Same work every side: each starts with the N parents and no child of any side.
            try await deleteChildren(admin)
            try await settleControlPlane(admin)
            progress("run \(run + 1)/\(runs), plain client: \(n) server-side applies")
            plainCounter.reset()
            var cpu = ProcessCPUTime.seconds()
            var serverCPU = serverCPUSeconds()
            let plain = try await plainApplies(parents: parents, client: admin)
            let plainCPU = ProcessCPUTime.seconds() - cpu
            let plainServerCPU = serverCPUSeconds(since: serverCPU)
            plainLatencies += plainCounter.latencies(.patch).sorted
            let plainRequests = plainCounter.total
            let plainConnections = plainCounter.newConnections

            try await deleteChildren(admin)
            try await settleControlPlane(admin)
            progress("run \(run + 1)/\(runs), informers and a plain client: \(n) server-side applies")
            cpu = ProcessCPUTime.seconds()
            serverCPU = serverCPUSeconds()
            let informed = try await informedApplies(parents: parents)
            let informedCPU = ProcessCPUTime.seconds() - cpu
            let informedServerCPU = serverCPUSeconds(since: serverCPU)

            try await deleteChildren(admin)
            try await settleControlPlane(admin)
            progress("run \(run + 1)/\(runs), controller: \(n) children with \(concurrency) workers")
            probe.reset()
            cpu = ProcessCPUTime.seconds()
            serverCPU = serverCPUSeconds()
            let started = ContinuousClock.now
            let (controller, controllerCounter) = try start(probe: probe)
            // Woken by the events themselves: polling here would cost the controller's side
            // CPU that the plain side does not pay.
            let synced = Task { () -> ContinuousClock.Instant? in
                await controller.controller.waitUntilSynced()
                return Task.isCancelled ? nil : ContinuousClock.now
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await probe.waitForApplies(n) }
                group.addTask {
                    try await Task.sleep(for: .seconds(600))
                    throw BenchmarkError.timedOut("\(n) child applies")
                }
                try await group.next()
                group.cancelAll()
            }
            progress("run \(run + 1)/\(runs), controller: \(n)th apply answered after \(probe.reconciles) reconciles")
            synced.cancel()
            let syncedAt = await synced.value
            let last = probe.lastApplyAt ?? .now
            let controllerCPU = ProcessCPUTime.seconds() - cpu
            let controllerServerCPU = serverCPUSeconds(since: serverCPU)
            let controllerRequests = controllerCounter.total
            controllerLatencies += controllerCounter.latencies(.patch).sorted
            throughput.append(
                ThroughputRun(
                    plainSeconds: plain, controllerSeconds: (last - started).seconds,
                    firstListAnswerSeconds: controllerCounter.firstAnswer(.get).map { ($0 - started).seconds },
                    syncedSeconds: syncedAt.map { ($0 - started).seconds },
                    firstApplySeconds: probe.firstApplyAt.map { ($0 - started).seconds },
                    plainRequests: plainRequests, controllerRequests: controllerRequests,
                    plainConnections: plainConnections, controllerConnections: controllerCounter.newConnections,
                    plainCPUSeconds: plainCPU, controllerCPUSeconds: controllerCPU,
                    plainServerCPUSeconds: plainServerCPU, controllerServerCPUSeconds: controllerServerCPU,
                    informed: InformedRun(
                        seconds: informed, cpuSeconds: informedCPU, serverCPUSeconds: informedServerCPU)))
            try await settle(controller, probe: probe)
            if run + 1 < runs {
                await controller.stop()
            } else {
                running = controller
                counter = controllerCounter
            }
        }
        guard var running, var counter else { throw BenchmarkError.timedOut("a controller run") }
        progress("converged: touching a label on every parent")
        let audit = auditLogPath.map(AuditLogCounter.init(path:))
        var offset = audit?.currentOffset() ?? 0
        probe.reset()
        counter.reset()
        try await BoundedConcurrency.forEach(0..<n, limit: concurrency) { i in
            _ = try await admin.mergePatch(
                ConfigMap.self, name: "parent-\(i)", namespace: ns,
                patch: ["metadata": ["labels": [BenchmarkObjects.touchedLabel: "1"]]])
        }
        try await waitUntil("\(n) converged reconciles", timeout: .seconds(600)) { probe.reconciles >= n }
        try await settle(running, probe: probe)
        let touch = ConvergedReconcile(
            reconciles: probe.reconciles, requests: counter.total, writes: counter.writes,
            auditWrites: try auditWrites(audit, from: offset))

        progress("latency: \(latencyUpdates) parent updates")
        var samples: [Duration] = []
        for i in 0..<latencyUpdates {
            let name = "parent-\(i % n)"
            let value = "lat-\(i)"
            _ = try await admin.mergePatch(
                ConfigMap.self, name: name, namespace: ns, patch: ["data": ["value": .string(value)]])
            let written = ContinuousClock.now
            try await waitUntil("child of \(name) with \(value)", timeout: .seconds(60)) {
                probe.appliedAt(parent: name, value: value) != nil
            }
            if let applied = probe.appliedAt(parent: name, value: value) { samples.append(applied - written) }
        }
        try await settle(running, probe: probe)
        await running.stop()

        progress("converged: restarting the controller")
        offset = audit?.currentOffset() ?? 0
        probe.reset()
        (running, counter) = try start(probe: probe)
        try await waitUntil("\(n) reconciles after restart", timeout: .seconds(600)) { probe.reconciles >= n }
        try await settle(running, probe: probe)
        await running.stop()
        let restart = ConvergedReconcile(
            reconciles: probe.reconciles, requests: counter.total, writes: counter.writes,
            auditWrites: try auditWrites(audit, from: offset))

        return ReconcileBenchmarkResult(
            objects: n, concurrency: concurrency, createParentsSeconds: createParents, runs: throughput,
            plainApplyLatency: LatencySummary(plainLatencies), controllerApplyLatency: LatencySummary(controllerLatencies),
            touch: touch, restart: restart, latency: LatencySummary(samples))
    }

    // MARK: Helpers

    /// Before each timed side: runs the API server's garbage collection, then waits until the
    /// control plane has settled, so no side pays for the work the one before it left behind.
    ///
    /// The API server collects garbage when its allocations since the last collection reach its
    /// heap size, not on a clock: with the sides in a fixed order, the collection the earlier
    /// sides' 1000 writes (and deletes) owed landed in the same side every run (a CPU profile of
    /// the API server showed `runtime.scanobject` first in the controller's window and nowhere
    /// in the reference's). `GET /debug/pprof/heap?gc=1` runs it now (profiling is on by
    /// default; without the permission it is skipped). Then, with `serverPIDs`: until the
    /// control plane used under 5 % of a core over 300 ms (at most 10 s); without: one second.
    private func settleControlPlane(_ admin: KubeClient) async throws {
        let collect = HTTPRequest(method: .get, path: "/debug/pprof/heap", query: [QueryItem("gc", "1")])
        do {
            _ = try await admin.send(collect)
        } catch {
            progress("the API server's garbage collection could not be run first: \(error)")
        }
        try await waitForQuietControlPlane()
    }

    /// Waits until the control plane has settled: with `serverPIDs`, until it used under 5 % of
    /// a core over 300 ms (at most 10 s); without, one second.
    private func waitForQuietControlPlane() async throws {
        guard var last = serverCPUSeconds() else {
            try await Task.sleep(for: .seconds(1))
            return
        }
        let window = Duration.milliseconds(300)
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: window)
            guard let now = serverCPUSeconds() else { return }
            if now - last < 0.05 * 0.3 {
                progress(String(format: "control plane quiet after %.1f s", (ContinuousClock.now - started).seconds))
                return
            }
            last = now
        }
        progress("control plane still busy after 10 s; going on")
    }

    /// The control plane's CPU seconds since `start` (an earlier ``serverCPUSeconds()``); `nil`
    /// when either is unknown.
    private func serverCPUSeconds(since start: Double?) -> Double? {
        guard let start, let now = serverCPUSeconds() else { return nil }
        return now - start
    }

    /// The control plane's CPU seconds so far; `nil` when not measured or unreadable.
    private func serverCPUSeconds() -> Double? {
        serverPIDs.isEmpty ? nil : ProcessCPUTime.seconds(pids: serverPIDs)
    }

    private func start(probe: ReconcileProbe) throws -> (RunningController, CountingTransport) {
        var options = TransportOptions()
        options.userAgent = controllerUserAgent
        let curl = try CurlTransport(server: configuration.server, tls: configuration.tls, options: options)
        let counter = CountingTransport(wrapping: curl)
        let client = KubeClient(
            transport: counter, credentials: configuration.credentials, defaultNamespace: namespace,
            host: curl.hostAndPort, fieldManager: identity.fieldManager, protobuf: protobuf)
        var logger = Logger(label: "bench.controller")
        logger.logLevel = .warning
        let cache = InformerCache(client: client, logger: logger)
        var builder = ControllerBuilder<ConfigMap>(
            cache: cache, name: "bench",
            primary: ReflectorOptions(labelSelector: "\(BenchmarkObjects.roleLabel)=parent", namespaces: [namespace]),
            options: ControllerOptions(
                maxConcurrentReconciles: concurrency, logger: logger,
                ownedLabelSelector: "\(BenchmarkObjects.roleLabel)=child"))
        let children = builder.owns(BenchChildConfigMap.self)
        let controller = builder.complete(
            ParentChildReconciler(
                applier: DesiredStateApplier(client: client, identity: identity), children: children, probe: probe))
        return (RunningController(controller, cache: cache), counter)
    }

    /// Waits until the queue is empty and no reconcile finished for a second.
    private func settle(_ running: RunningController, probe: ReconcileProbe) async throws {
        var last = -1
        var quietSince = ContinuousClock.now
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(120) {
            let now = probe.reconciles
            if now != last || running.controller.queue.count > 0 {
                last = now
                quietSince = .now
            } else if ContinuousClock.now - quietSince >= .seconds(1) {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchmarkError.timedOut("the controller to settle")
    }

    private func waitUntil(_ what: String, timeout: Duration, _ condition: () -> Bool) async throws {
        let started = ContinuousClock.now
        while !condition() {
            if ContinuousClock.now - started > timeout { throw BenchmarkError.timedOut(what) }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    private func auditWrites(_ audit: AuditLogCounter?, from offset: UInt64) throws -> Int? {
        guard let audit else { return nil }
        // The log backend writes each event as the request completes; give it a moment.
        Thread.sleep(forTimeInterval: 1)
        return try audit.count(
            from: offset, userAgentPrefix: controllerUserAgentPrefix, verbs: AuditLogCounter.writeVerbs)
    }

    /// The plain client's N server-side applies of children `direct-<i>` (`concurrency` at
    /// once), through `DesiredStateApplier` with nothing observed, as the controller's first
    /// applies; returns the seconds they took.
    private func plainApplies(parents: [Int: ConfigMap], client: KubeClient) async throws -> Double {
        let started = ContinuousClock.now
        try await applyChildren(role: "direct", parents: parents, client: client)
        return (ContinuousClock.now - started).seconds
    }

    /// N server-side applies of the parents' children as `<role>-<i>`, `concurrency` at once,
    /// through `DesiredStateApplier` with nothing observed: the controller's first applies,
    /// without the controller. Each is the controller's child of that parent (the same labels,
    /// owner reference, data and hash annotation), but for its name and the role label's value,
    /// so the server does the same work for each side.
    private func applyChildren(role: String, parents: [Int: ConfigMap], client: KubeClient) async throws {
        let applier = DesiredStateApplier(client: client, identity: identity)
        let identity = self.identity
        try await BoundedConcurrency.forEach(0..<objects, limit: concurrency) { i in
            guard let parent = parents[i],
                var child = ParentChildReconciler.desiredChild(of: parent, identity: identity)
            else { throw BenchmarkError.missingParent(i) }
            child.metadata.name = "\(role)-\(i)"
            child.metadata.labels = (child.metadata.labels ?? [:]).merging([BenchmarkObjects.roleLabel: role]) { $1 }
            _ = try await applier.apply(child, observed: nil)
        }
    }

    /// The reference side: a cold client (new connection) starts the controller's informers,
    /// parents and its own children (`informed-<i>`, role `informed`), waits until both synced,
    /// and sends the plain client's N applies `concurrency` at once while the children's watch
    /// fills the store; returns the seconds from the informers' start to the N-th apply's answer.
    private func informedApplies(parents: [Int: ConfigMap]) async throws -> Double {
        var options = TransportOptions()
        options.userAgent = identity.userAgent
        let curl = try CurlTransport(server: configuration.server, tls: configuration.tls, options: options)
        let client = KubeClient(
            transport: curl, credentials: configuration.credentials, defaultNamespace: namespace,
            host: curl.hostAndPort, fieldManager: identity.fieldManager, protobuf: protobuf)
        defer { client.shutdown() }
        var logger = Logger(label: "bench.informed")
        logger.logLevel = .warning
        let started = ContinuousClock.now
        let parentInformer = Reflector<ConfigMap>(
            client: client,
            options: ReflectorOptions(labelSelector: "\(BenchmarkObjects.roleLabel)=parent", namespaces: [namespace]),
            logger: logger)
        let childInformer = Reflector<BenchChildConfigMap>(
            client: client,
            options: ReflectorOptions(labelSelector: "\(BenchmarkObjects.roleLabel)=informed", namespaces: [namespace]),
            logger: logger)
        let informers = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await parentInformer.run() }
                group.addTask { await childInformer.run() }
            }
        }
        defer { informers.cancel() }
        await parentInformer.waitUntilSynced()
        await childInformer.waitUntilSynced()
        try await applyChildren(role: "informed", parents: parents, client: client)
        let seconds = (ContinuousClock.now - started).seconds
        informers.cancel()
        await informers.value
        return seconds
    }

    /// Deletes the children of every side (plain, reference, controller), untimed.
    private func deleteChildren(_ admin: KubeClient) async throws {
        for role in ["direct", "informed", "child"] { try await delete(role: role, admin) }
    }

    /// Deletes the benchmark's ConfigMaps with this role label (between runs, timed by no one).
    private func delete(role: String, _ admin: KubeClient) async throws {
        let (items, _) = try await admin.listAll(
            ConfigMap.self, namespace: namespace, options: ListOptions(labelSelector: "\(BenchmarkObjects.roleLabel)=\(role)"))
        let names = items.compactMap(\.metadata.name)
        let ns = namespace
        try await BoundedConcurrency.forEach(0..<names.count, limit: max(concurrency, 16)) { i in
            do { try await admin.delete(ConfigMap.self, name: names[i], namespace: ns) } catch KubeAPIError.notFound {}
        }
    }

    /// Deletes the benchmark's ConfigMaps of an earlier run in the namespace.
    private func removeLeftovers(_ admin: KubeClient) async throws {
        let (items, _) = try await admin.listAll(
            ConfigMap.self, namespace: namespace,
            options: ListOptions(labelSelector: "\(BenchmarkObjects.roleLabel) in (parent,child,direct,informed)"))
        guard !items.isEmpty else { return }
        progress("deleting \(items.count) ConfigMaps of an earlier run")
        let names = items.compactMap(\.metadata.name)
        let ns = namespace
        try await BoundedConcurrency.forEach(0..<names.count, limit: concurrency) { i in
            do { try await admin.delete(ConfigMap.self, name: names[i], namespace: ns) } catch KubeAPIError.notFound {}
        }
    }
}

/// A controller running its cache and workers until stopped.
final class RunningController: Sendable {
    let controller: Controller<ParentChildReconciler>
    private let task: Task<Void, Never>

    init(_ controller: Controller<ParentChildReconciler>, cache: InformerCache) {
        self.controller = controller
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await controller.runWorkers() }
            }
        }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// Why a benchmark stopped.
public enum BenchmarkError: Error, Sendable, CustomStringConvertible {
    case timedOut(String)
    case missingParent(Int)

    public var description: String {
        switch self {
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .missingParent(let i): return "parent-\(i) was not created"
        }
    }
}
