import Foundation
import KubeClient
import KubeCore
import Logging
import Prometheus
import Synchronization

/// Runs a `Reconciler` for one primary kind, controller-runtime style. Made by
/// `ControllerBuilder.complete(_:)`, which declares what it caches (in a shared
/// `InformerCache`) and what enqueues its keys; see `ControllerBuilder`.
///
/// - While the workers run, every cached primary object is re-enqueued every `resync` period
///   (default 10 h ± 10%, controller-runtime's `SyncPeriod`), bypassing the update predicate.
/// - Up to `maxConcurrentReconciles` workers (default 1) take keys from a `WorkQueue`; a key
///   is never reconciled twice at once. Thrown errors are retried with per-key backoff,
///   `TerminalError` is not; errors never leave the worker.
/// - Reconcilers must be quiet when converged: the controller's own status write comes back
///   as an update, whose reconcile must find nothing to change and write nothing.
///
/// The informers belong to the cache, which its owner runs (a `Manager` runs `Manager.cache`);
/// keys are queued from the moment the cache runs.
public final class Controller<R: Reconciler>: Runnable {
    public typealias Object = R.Object

    public let name: String
    public let reconciler: R
    public let queue: WorkQueue<ObjectKey>
    public let metrics: ControllerMetrics
    /// The primary kind's cache.
    public let store: Store<Object>
    public let maxConcurrentReconciles: Int

    private let logger: Logger
    /// Every informer the controller declared (the primary's first).
    private let informers: [any InformerRunning]
    private let config = Mutex(Config())

    private struct Config {
        var workersStarted = false
        var resync: ResyncPeriod?
    }

    init(
        name: String, reconciler: R, queue: WorkQueue<ObjectKey>, metrics: ControllerMetrics, store: Store<Object>,
        informers: [any InformerRunning], maxConcurrentReconciles: Int, resync: ResyncPeriod?, logger: Logger
    ) {
        self.name = name
        self.reconciler = reconciler
        self.queue = queue
        self.metrics = metrics
        self.store = store
        self.informers = informers
        self.maxConcurrentReconciles = maxConcurrentReconciles
        self.logger = logger
        config.withLock { $0.resync = resync }
    }

    /// The resync period the workers will use (`nil`: no resync).
    public var resync: ResyncPeriod? { config.withLock { $0.resync } }

    /// The informers this controller declared, as `resource` descriptions (the primary's first).
    public var declaredResources: [String] { informers.map(\.resourceDescription) }

    // MARK: Runnable

    /// `true` once every informer the controller declared has completed its first list.
    public var hasSynced: Bool { informers.allSatisfy(\.hasSynced) }

    /// Returns once every informer the controller declared has synced (`hasSynced`), or when
    /// the calling task is cancelled. Woken by the informers' first lists themselves (no
    /// polling), so workers waiting on it start as soon as the last cache has synced.
    public func waitUntilSynced() async {
        for informer in informers {
            await informer.waitUntilSynced()
            if Task.isCancelled { return }
        }
    }

    /// Returns at once: the controller's informers belong to its `InformerCache`, which the
    /// cache's owner runs (a `Manager` runs `Manager.cache`).
    public func runCaches() async throws {}

    /// Waits until every informer the controller declared has synced, then runs
    /// `maxConcurrentReconciles` workers until the task is cancelled (which shuts the work
    /// queue down). Returns normally on cancellation.
    ///
    /// Keys are queued from the moment the cache runs, so workers that start later (a replica
    /// that just became leader) find every object queued. Workers run once: after cancellation
    /// the queue stays shut down (a replica that loses leadership exits, as with
    /// controller-runtime).
    public func runWorkers() async throws {
        config.withLock { $0.workersStarted = true }
        await waitUntilSynced()
        if Task.isCancelled { return }
        logger.info("starting workers", metadata: ["workers": "\(maxConcurrentReconciles)"])
        let queue = self.queue
        await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<maxConcurrentReconciles {
                    group.addTask {
                        await self.work()
                        return true
                    }
                }
                group.addTask {
                    await self.resyncUntilCancelled()
                    return false
                }
                group.addTask {
                    while !Task.isCancelled {
                        queue.reportInProgress()
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                    return false
                }
                var finished = 0
                while let isWorker = await group.next() {
                    if isWorker { finished += 1 }
                    if finished == maxConcurrentReconciles { break }
                }
                group.cancelAll()
            }
        } onCancel: {
            queue.shutDown()
        }
        logger.info("workers stopped")
    }

    /// Every `resync` period (jittered), adds the key of every cached primary object to the
    /// queue, until the task is cancelled. Returns at once when resync is off.
    private func resyncUntilCancelled() async {
        guard let resync else { return }
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do { try await Task.sleep(for: resync.nextDelay(using: &random)) } catch { return }
            let keys = store.keys
            for key in keys { queue.add(key) }
            logger.debug("resync: re-enqueued every cached object", metadata: ["objects": "\(keys.count)"])
        }
    }

    private func work() async {
        while let key = await queue.get() {
            await reconcile(key)
            queue.done(key)
        }
    }

    /// Runs one reconcile and decides what happens to its key. Never throws.
    private func reconcile(_ key: ObjectKey) async {
        metrics.workerStarted()
        defer { metrics.workerFinished() }
        let request = ReconcileRequest(key: key)
        var logger = self.logger
        // One metadata update, not three: a log handler may re-render its metadata on each
        // (swift-log's StreamLogHandler does), and this runs for every reconcile.
        logger.handler.metadata.merge(
            [
                "reconcileID": "\(request.reconcileID)", "namespace": "\(key.namespace ?? "")",
                "name": "\(key.name)",
            ]
        ) { $1 }
        let context = ReconcileContext(
            controller: name, reconcileID: request.reconcileID, logger: logger, store: store,
            retries: queue.retries(key))
        let started = ContinuousClock.now
        do {
            let result = try await reconciler.reconcile(request, context: context)
            let elapsed = ContinuousClock.now - started
            switch result {
            case .done:
                queue.forget(key)
                metrics.reconciled(.success, duration: elapsed)
            case .requeue:
                queue.addRateLimited(key)
                metrics.reconciled(.requeue, duration: elapsed)
            case .requeueAfter(let delay):
                queue.forget(key)
                queue.addAfter(key, delay)
                metrics.reconciled(.requeueAfter, duration: elapsed)
            }
        } catch let refusal as RefusedWrite {
            // Not a network error: the server's answer, in full; retried with backoff.
            queue.addRateLimited(key)
            metrics.failed(with: refusal, duration: ContinuousClock.now - started)
            logger.warning(
                "the API server refused a write, will retry",
                metadata: ["refusal": "\(refusal)", "retries": "\(queue.retries(key))"])
        } catch let error as TerminalError {
            queue.forget(key)
            metrics.failed(with: error, duration: ContinuousClock.now - started)
            logger.error("reconcile failed with a terminal error, not retrying", metadata: ["error": "\(error.underlying)"])
        } catch {
            let elapsed = ContinuousClock.now - started
            if error is CancellationError && queue.isShuttingDown { return }
            queue.addRateLimited(key)
            metrics.failed(with: error, duration: elapsed)
            if case KubeAPIError.conflict = error {
                // A write raced with a newer version of the object (usually our own cache
                // lagging a write): expected and harmless; the retry reads the newer version.
                logger.info(
                    "reconcile hit a write conflict, will retry",
                    metadata: ["error": "\(error)", "retries": "\(queue.retries(key))"])
            } else {
                logger.error(
                    "reconcile failed, will retry", metadata: ["error": "\(error)", "retries": "\(queue.retries(key))"])
            }
        }
    }
}

extension Controller: ManagerSyncPeriodAdopting {
    /// Replaces the resync period (ignored once the workers started); see
    /// `ManagerOptions.syncPeriod`.
    func adoptManagerSyncPeriod(_ resync: ResyncPeriod?) {
        config.withLock { c in
            guard !c.workersStarted else { return }
            c.resync = resync
        }
    }
}
