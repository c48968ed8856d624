import Foundation
import KubeClient
import KubeCore
import Logging
import Prometheus
import Synchronization

/// Runs everything a controller process needs: the metrics and health servers, the shared
/// informer cache and every runnable's own caches, leader election, and (on the leader) every
/// runnable's workers.
///
/// ```swift
/// let manager = Manager(client: client, options: options, registry: registry, logger: logger)
/// var builder = ControllerBuilder<Widget>(cache: manager.cache, name: "widgets")
/// manager.add(builder.complete(WidgetReconciler()))
/// try await manager.run()   // returns after SIGTERM/SIGINT; throws LeaderElectionLost
/// ```
///
/// `run()`:
/// 1. starts the metrics server (`/metrics`) and health server (`/healthz`, `/readyz`;
///    ready once `cache` and every runnable `hasSynced`, not ready again once shutdown begins);
/// 2. runs `cache` and every runnable's `runCaches()` at once, on every replica;
/// 3. with leader election, waits to hold the lease, then runs every `runWorkers()`; without,
///    runs them at once;
/// 4. on SIGTERM/SIGINT or `shutdown()`: cancels workers, waits for them, releases the lease,
///    stops caches and servers, and returns — or gives up after `gracefulShutdownTimeout`
///    and throws `ManagerError.gracefulShutdownTimedOut`.
///
/// It throws `LeaderElectionLost` when leadership is lost (the process must exit: another
/// replica may be leading): the workers are cancelled at once and get at most
/// `gracefulShutdownTimeout` to stop, then `run()` throws `LeaderElectionLost` whether or not
/// they stopped (as controller-runtime's manager exits on lost leadership). It also throws
/// the first error any runnable or server throws (everything else is then stopped).
/// Runnables and servers that return normally do not end `run()`: it returns only after a
/// shutdown request (signal, `shutdown()`, or cancellation).
public final class Manager: Sendable {
    public let client: KubeClient
    public let options: ManagerOptions
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger
    /// The elector, when `options.leaderElection` is on.
    public let leaderElector: LeaderElector?
    /// The informers every controller of this manager shares (one per kind, namespaces and
    /// selectors); `run()` runs it on every replica, leader or not.
    public let cache: InformerCache

    private let state = Mutex<State>(State())
    private let stopRequested = OneShotLatch()
    private let clock: any RuntimeClock

    private struct State {
        var runnables: [any Runnable] = []
        var stateSources: [any StateMetricsSource] = []
        var started = false
        var metrics: MetricsServer?
        var health: HealthServer?
        /// Set when the leader elector reported lost leadership.
        var lostLeadership: LeaderElectionLost?
    }

    /// - Parameter clock: the time source of leader election and of the graceful-shutdown
    ///   bound; default `ContinuousRuntimeClock()`.
    public init(
        client: KubeClient, options: ManagerOptions, registry: PrometheusCollectorRegistry,
        logger: Logger = Logger(label: "manager"), clock: any RuntimeClock = ContinuousRuntimeClock()
    ) {
        self.client = client
        self.options = options
        self.registry = registry
        self.logger = logger
        self.clock = clock
        self.cache = InformerCache(client: client, logger: Logger(label: logger.label + ".cache"))
        self.leaderElector =
            options.leaderElection
            ? LeaderElector(
                client: client, options: options.leaderElectionOptions, registry: registry,
                logger: Logger(label: logger.label + ".leader-election"), clock: clock)
            : nil
    }

    /// Adds a runnable. Runnables added after `run()` started are ignored (and logged).
    public func add(_ runnable: any Runnable) {
        let accepted = state.withLock { s in
            guard !s.started else { return false }
            s.runnables.append(runnable)
            return true
        }
        if !accepted { logger.error("runnable added after start is ignored", metadata: ["runnable": "\(runnable.name)"]) }
        if accepted { (runnable as? any ManagerSyncPeriodAdopting)?.adoptManagerSyncPeriod(options.syncPeriod) }
    }

    /// Adds families computed at each scrape of `/metrics` (see ``StateMetricFamily``). Sources
    /// added after `run()` started are ignored (and logged).
    public func addStateMetrics(_ source: any StateMetricsSource) {
        let accepted = state.withLock { s in
            guard !s.started else { return false }
            s.stateSources.append(source)
            return true
        }
        if !accepted { logger.error("state metrics added after start are ignored") }
    }

    /// An event recorder writing through this manager's client, reporting as `component` from
    /// this replica's identity.
    public func makeEventRecorder(component: String) -> EventRecorder {
        EventRecorder(
            client: client, component: component, instance: options.leaderElectionIdentity,
            logger: Logger(label: logger.label + ".events"))
    }

    /// The name of `cache`'s readiness check: `informer-cache`.
    public static let cacheCheckName = "informer-cache"

    /// The cache's readiness (`cacheCheckName`: every informer synced), each runnable's
    /// (`hasSynced`), plus a `shutdown` check that fails once shutdown has begun. This is what
    /// `/readyz` reports.
    public func readiness() -> [(name: String, ready: Bool)] {
        let runnables = state.withLock { $0.runnables }
        var checks = [(name: Self.cacheCheckName, ready: cache.hasSynced)]
        checks += runnables.map { (name: $0.name, ready: $0.hasSynced) }
        if stopRequested.isFired { checks.append((name: "shutdown", ready: false)) }
        return checks
    }

    /// The port `/metrics` listens on, once listening.
    public func metricsPort() async -> UInt16? { await state.withLock { $0.metrics }?.port() }
    /// The port `/healthz` and `/readyz` listen on, once listening.
    public func healthProbePort() async -> UInt16? { await state.withLock { $0.health }?.port() }

    /// Asks `run()` to shut down gracefully. Safe to call at any time, more than once.
    public func shutdown() {
        if !stopRequested.isFired { logger.info("shutdown requested") }
        stopRequested.fire()
    }

    /// Runs until shutdown; see the type's documentation. Can be called once.
    public func run() async throws {
        let runnables: [any Runnable]? = state.withLock { s in
            guard !s.started else { return nil }
            s.started = true
            return s.runnables
        }
        guard let runnables else { throw ManagerError.alreadyStarted }

        let signals =
            options.handleSignals
            ? SignalHandler { [weak self] sig in
                self?.logger.info("received signal, shutting down", metadata: ["signal": "\(sig)"])
                self?.shutdown()
            } : nil
        defer { signals?.cancel() }

        let metrics = try MetricsServer(
            address: options.metricsBindAddress, registry: registry,
            stateSources: state.withLock { $0.stateSources }, logger: Logger(label: logger.label + ".metrics"))
        let health = try HealthServer(
            address: options.healthProbeBindAddress, logger: Logger(label: logger.label + ".health")
        ) { [weak self] in self?.readiness() ?? [] }
        state.withLock { s in
            s.metrics = metrics
            s.health = health
        }

        let finished = OneShotLatch()
        let stop = stopRequested
        let work = Task {
            defer {
                finished.fire()
                stop.fire()
            }
            try await self.runAll(runnables, metrics: metrics, health: health)
            // Everything returned on its own (no runnables, servers disabled, workers done):
            // keep running until shutdown is requested, as the process must not exit early.
            await stop.wait()
        }
        await withTaskCancellationHandler {
            await stop.wait()
        } onCancel: {
            stop.fire()
        }
        let stoppedByRequest = !finished.isFired
        work.cancel()
        // Wait from a fresh task: when run() itself was cancelled, its own waits would end at once.
        let timeout = options.gracefulShutdownTimeout
        let clock = self.clock
        let stoppedInTime = await Task(operation: { await finished.wait(timeout: timeout, clock: clock) }).value
        let lost = state.withLock { $0.lostLeadership }
        guard stoppedInTime else {
            logger.error(
                "runnables did not stop within the graceful shutdown timeout",
                metadata: ["timeout": "\(options.gracefulShutdownTimeout)"])
            // Lost leadership ends the process even when the workers would not stop.
            if let lost { throw lost }
            throw ManagerError.gracefulShutdownTimedOut(options.gracefulShutdownTimeout)
        }
        do {
            try await work.value
        } catch let lost as LeaderElectionLost {
            throw lost
        } catch {
            if let lost {
                logger.warning("error while stopping after lost leadership", metadata: ["error": "\(error)"])
                throw lost
            }
            if stoppedByRequest {
                if !(error is CancellationError) {
                    logger.warning("error while shutting down", metadata: ["error": "\(error)"])
                }
            } else {
                logger.error("manager stopped by an error", metadata: ["error": "\(error)"])
                throw error
            }
        }
        logger.info("manager stopped")
    }

    private func runAll(_ runnables: [any Runnable], metrics: MetricsServer, health: HealthServer) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await metrics.run() }
            group.addTask { try await health.run() }
            group.addTask { await self.cache.run() }
            for r in runnables {
                group.addTask {
                    self.logger.debug("starting caches", metadata: ["runnable": "\(r.name)"])
                    try await r.runCaches()
                }
            }
            group.addTask {
                if let elector = self.leaderElector {
                    try await elector.run(onLost: { [weak self] lost in self?.leadershipLost(lost) }) {
                        try await self.runWorkers(runnables)
                    }
                } else {
                    try await self.runWorkers(runnables)
                }
            }
            // A runnable that returns is done; the first error stops everything.
            while try await group.next() != nil {}
        }
    }

    /// Called by the elector the moment leadership is lost: records it and starts the shutdown,
    /// so the workers' stop is bounded by `gracefulShutdownTimeout`.
    private func leadershipLost(_ lost: LeaderElectionLost) {
        state.withLock { $0.lostLeadership = lost }
        logger.error(
            "leadership lost; stopping workers, then exiting",
            metadata: ["reason": "\(lost.reason)", "grace": "\(options.gracefulShutdownTimeout)"])
        stopRequested.fire()
    }

    private func runWorkers(_ runnables: [any Runnable]) async throws {
        logger.info("starting workers", metadata: ["runnables": "\(runnables.map(\.name))"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for r in runnables { group.addTask { try await r.runWorkers() } }
            while try await group.next() != nil {}
        }
    }
}

/// Errors of `Manager.run()` itself.
public enum ManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `run()` was called a second time.
    case alreadyStarted
    /// Runnables were still running when the graceful shutdown timeout ran out.
    case gracefulShutdownTimedOut(Duration)

    public var description: String {
        switch self {
        case .alreadyStarted: return "the manager was already started"
        case .gracefulShutdownTimedOut(let d): return "runnables did not stop within \(d)"
        }
    }
}
