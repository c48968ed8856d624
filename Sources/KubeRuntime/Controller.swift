import Foundation
import KubeClient
import KubeCore
import Logging
import Prometheus
import Synchronization

/// Runs a `Reconciler` for one primary kind, controller-runtime style.
///
/// - A reflector caches the primary kind; adds and deletes enqueue the object's key, updates
///   enqueue it when `updatePredicate` says so (default `Predicates.resourceVersionChanged`:
///   any change, status-only ones included, so a status edited by someone else is rewritten).
///   Reconcilers must be quiet when converged: the controller's own status write comes back
///   as an update, whose reconcile must find nothing to change and write nothing.
/// - `owns(_:)` caches a kind the controller creates; any change to such an object enqueues the
///   key of its controller owner (owner reference with `controller: true` and the primary's
///   group and kind, in the same namespace).
/// - `watches(_:mapping:)` caches any kind and enqueues the keys `mapping` returns.
/// - While the workers run, every cached primary object is re-enqueued every `resync` period
///   (default 10 h ± 10%, controller-runtime's `SyncPeriod`), bypassing `updatePredicate`.
/// - Up to `maxConcurrentReconciles` workers (default 1) take keys from a `WorkQueue`; a key
///   is never reconciled twice at once. Thrown errors are retried with per-key backoff,
///   `TerminalError` is not; errors never leave the worker.
/// - An object of any cached kind that does not decode is left out of its cache and counted;
///   a primary one is reported on the object itself (`UndecodableObjectReporter`).
///
/// Configure with `owns`/`watches` before the manager runs it; registrations after
/// `runCaches` started are ignored (and logged).
public final class Controller<R: Reconciler>: Runnable {
    public typealias Object = R.Object

    /// The label selector `owns` uses by default.
    public static var managedBySelector: String { "app.kubernetes.io/managed-by=quartermaster" }

    public let name: String
    public let reconciler: R
    public let queue: WorkQueue<ObjectKey>
    public let metrics: ControllerMetrics
    /// The primary kind's cache.
    public let store: Store<Object>
    public let maxConcurrentReconciles: Int

    private let client: KubeClient
    private let logger: Logger
    private let primaryOptions: ReflectorOptions
    private let updatePredicate: @Sendable (Object, Object) -> Bool
    private let undecodable: UndecodableObjectReporter
    private let config = Mutex(Config())

    private struct Config {
        var informers: [any InformerRunning] = []
        var stores = StoreRegistry()
        var started = false
        var resync: ResyncPeriod?
    }

    /// - Parameters:
    ///   - name: the controller's name, for logs and the `controller` metrics label.
    ///   - client: the API client the reflectors use.
    ///   - reconciler: the reconciler.
    ///   - primary: selectors and namespaces of the primary kind. Default: all.
    ///   - maxConcurrentReconciles: worker count. Default 1.
    ///   - rateLimiter: retry schedule of failed keys. Default: per key 5 ms → 1000 s, and 10/s
    ///     overall with burst 100.
    ///   - registry: where metrics go. Default: a private registry (not exported).
    ///   - updatePredicate: which updates of a primary object enqueue it. Default:
    ///     `Predicates.resourceVersionChanged` (every change, status-only ones included);
    ///     `Predicates.generationOrMetadataChanged` ignores status-only changes.
    ///   - events: where Events about undecodable primary objects go. Default `nil` (none).
    ///   - resync: how often every cached primary object is re-enqueued while the workers run;
    ///     `nil` never. Default `ResyncPeriod.controllerRuntimeDefault` (10 h ± 10%). A
    ///     `Manager` replaces it with `ManagerOptions.syncPeriod` when the controller is added.
    ///   - logger: default label `kube.controller`.
    public init(
        name: String, client: KubeClient, reconciler: R, primary: ReflectorOptions = .init(),
        maxConcurrentReconciles: Int = 1,
        rateLimiter: any RateLimiter<ObjectKey> = MaxOfRateLimiter<ObjectKey>.controllerDefault(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        updatePredicate: @escaping @Sendable (R.Object, R.Object) -> Bool = {
            Predicates.resourceVersionChanged(old: $0.metadata, new: $1.metadata)
        },
        events: EventRecorder? = nil,
        resync: ResyncPeriod? = .controllerRuntimeDefault,
        logger: Logger = Logger(label: "kube.controller")
    ) {
        self.name = name
        self.client = client
        self.reconciler = reconciler
        self.primaryOptions = primary
        let workers = max(1, maxConcurrentReconciles)
        self.maxConcurrentReconciles = workers
        self.updatePredicate = updatePredicate
        var logger = logger
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
        let metrics = ControllerMetrics(registry: registry, controller: name)
        self.metrics = metrics
        metrics.setMaxConcurrentReconciles(workers)
        let queue = WorkQueue<ObjectKey>(rateLimiter: rateLimiter, metrics: metrics.workQueue)
        self.queue = queue
        let store = Store<Object>()
        self.store = store
        let predicate = updatePredicate
        let undecodable = UndecodableObjectReporter(
            resource: Object.resource, controller: name, client: client, events: events, registry: registry,
            logger: logger)
        self.undecodable = undecodable
        let reflector = Reflector<Object>(
            client: client, store: store, options: primary, logger: logger,
            handler: { event in
                switch event {
                case .added(let o), .deleted(let o):
                    queue.add(o.key)
                case .updated(let old, let new):
                    if predicate(old, new) { queue.add(new.key) }
                }
            },
            undecodableHandler: { bad in
                undecodable.count()
                Task { await undecodable.report(bad) }
            })
        config.withLock { c in
            c.informers.append(reflector)
            c.stores.register(store)
            c.resync = resync
        }
    }

    /// The resync period the workers will use (`nil`: no resync).
    public var resync: ResyncPeriod? { config.withLock { $0.resync } }

    /// Caches `type`, objects this controller creates, and reconciles their controller owner
    /// whenever one of them changes (add, update or delete).
    ///
    /// - Parameters:
    ///   - labelSelector: default `app.kubernetes.io/managed-by=quartermaster`, so only our own
    ///     objects are cached; `nil` caches all.
    ///   - options: when given, used instead (its selector included); by default the primary's
    ///     namespaces.
    @discardableResult
    ///   - discovery: for a kind the server may not serve: cached only once `discovery` shows
    ///     it served (until then its store stays empty and counts as synced). Default `nil`.
    public func owns<O: KubeResource>(
        _ type: O.Type, labelSelector: String? = "app.kubernetes.io/managed-by=quartermaster",
        options: ReflectorOptions? = nil, onlyIfServedBy discovery: APIDiscovery? = nil
    ) -> Self {
        let options = options ?? ReflectorOptions(labelSelector: labelSelector, namespaces: primaryOptions.namespaces)
        let queue = self.queue
        let owner = Object.resource
        var servedCheck: (@Sendable () async throws -> Bool)?
        if let discovery {
            servedCheck = { try await discovery.serves(O.resource) }
        }
        let undecodable = self.undecodable
        let reflector = Reflector<O>(
            client: client, options: options, logger: logger,
            handler: { event in
                var keys: Set<ObjectKey> = []
                if case .updated(let old, _) = event,
                    let k = Predicates.controllerOwnerKey(of: old.metadata, owner: owner)
                {
                    keys.insert(k)
                }
                if let k = Predicates.controllerOwnerKey(of: event.object.metadata, owner: owner) { keys.insert(k) }
                for k in keys { queue.add(k) }
            },
            undecodableHandler: { _ in undecodable.count() },
            servedCheck: servedCheck)
        register(reflector)
        return self
    }

    /// Caches `type` and reconciles the keys `mapping` returns for any change (for an update,
    /// the keys of the old and the new object).
    @discardableResult
    public func watches<O: KubeResource>(
        _ type: O.Type, options: ReflectorOptions = .init(), mapping: @escaping @Sendable (O) -> [ObjectKey]
    ) -> Self {
        let queue = self.queue
        let undecodable = self.undecodable
        let reflector = Reflector<O>(
            client: client, options: options, logger: logger,
            handler: { event in
                var keys = Set(mapping(event.object))
                if case .updated(let old, _) = event { keys.formUnion(mapping(old)) }
                for k in keys { queue.add(k) }
            },
            undecodableHandler: { _ in undecodable.count() })
        register(reflector)
        return self
    }

    private func register<O: KubeResource>(_ reflector: Reflector<O>) {
        let accepted = config.withLock { c -> Bool in
            guard !c.started else { return false }
            c.informers.append(reflector)
            c.stores.register(reflector.store)
            return true
        }
        if !accepted {
            logger.error("cannot add a watch after the controller started", metadata: ["resource": "\(O.resource)"])
        }
    }

    /// The cache of an owned or watched kind (or the primary), `nil` when not watched.
    public func store<O: KubeResource>(for type: O.Type) -> Store<O>? {
        config.withLock { $0.stores.store(for: type) }
    }

    // MARK: Runnable

    /// `true` once every cache (primary, owned, watched) has completed its first list.
    public var hasSynced: Bool { config.withLock { $0.informers.allSatisfy(\.hasSynced) } }

    /// Runs every reflector until the task is cancelled.
    public func runCaches() async throws {
        let informers = config.withLock { c -> [any InformerRunning] in
            c.started = true
            return c.informers
        }
        logger.info("starting caches", metadata: ["resources": "\(informers.map(\.resourceDescription))"])
        await withTaskGroup(of: Void.self) { group in
            for informer in informers { group.addTask { await informer.run() } }
        }
    }

    /// Waits for the caches to sync, then runs `maxConcurrentReconciles` workers until the task
    /// is cancelled (which shuts the work queue down). Returns normally on cancellation.
    ///
    /// Keys are queued from the moment `runCaches` starts, so workers that start later (a
    /// replica that just became leader) find every object queued. Workers wait for `runCaches`
    /// to sync first; they run once: after cancellation the queue stays shut down (a replica
    /// that loses leadership exits, as with controller-runtime).
    public func runWorkers() async throws {
        while !hasSynced {
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return }
        }
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
        logger[metadataKey: "reconcileID"] = "\(request.reconcileID)"
        logger[metadataKey: "namespace"] = "\(key.namespace ?? "")"
        logger[metadataKey: "name"] = "\(key.name)"
        let context = ReconcileContext(
            controller: name, reconcileID: request.reconcileID, logger: logger, store: store,
            stores: config.withLock { $0.stores }, retries: queue.retries(key))
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
        } catch let error as TerminalError {
            queue.forget(key)
            metrics.reconciled(.error, duration: ContinuousClock.now - started, terminal: true)
            logger.error("reconcile failed with a terminal error, not retrying", metadata: ["error": "\(error.underlying)"])
        } catch {
            let elapsed = ContinuousClock.now - started
            if error is CancellationError && queue.isShuttingDown { return }
            queue.addRateLimited(key)
            metrics.reconciled(.error, duration: elapsed)
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
    /// Replaces the resync period (ignored once `runCaches` started); see
    /// `ManagerOptions.syncPeriod`.
    func adoptManagerSyncPeriod(_ resync: ResyncPeriod?) {
        config.withLock { c in
            guard !c.started else { return }
            c.resync = resync
        }
    }
}
