import Foundation
import KubeClient
import KubeCore
import Logging
import Synchronization

/// The informers of a process, shared between its controllers, like controller-runtime's
/// cache: one `SharedInformer` (one reflector, one store, one list and one watch per
/// namespace) for each (kind, namespaces, label selector, field selector), however many
/// controllers declare it. A `Manager` owns one (`Manager.cache`) and runs it on every replica;
/// controllers declare what they read through a `ControllerBuilder` made from it.
///
/// ```swift
/// let cache = InformerCache(client: client)
/// var builder = ControllerBuilder<Widget>(cache: cache, name: "widgets")
/// let gadgets = builder.owns(Gadget.self)
/// let controller = builder.complete(WidgetReconciler(gadgets: gadgets))
/// // a Manager runs its cache itself; without one:
/// async let caches: Void = cache.run()
/// try await controller.runWorkers()
/// ```
///
/// - Informers declared before `run()` start with it; one declared later starts at once.
/// - The first declaration of an informer sets the options that do not tell informers apart
///   (watch timeouts, page size, backoff) and whether discovery must first show the kind served.
/// - Metrics and quarantine of undecodable objects are the `Reflector`'s.
public final class InformerCache: Sendable {
    /// The API client every reflector lists and watches with.
    public let client: KubeClient
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var informers: [InformerKey: any InformerRunning] = [:]
        /// Keys in declaration order, for logs and a stable start order.
        var order: [InformerKey] = []
        var running = false
        /// Starts informers declared while `run()` runs.
        var lateStarts: AsyncStream<any InformerRunning>.Continuation?
    }

    /// - Parameters:
    ///   - client: the API client every reflector lists and watches with.
    ///   - logger: default label `kube.cache`; each reflector adds its `resource`.
    public init(client: KubeClient, logger: Logger = Logger(label: "kube.cache")) {
        self.client = client
        self.logger = logger
    }

    /// The informer for `type` with these namespaces and selectors: the existing one, or a new
    /// one (started at once when the cache runs already).
    ///
    /// - Parameters:
    ///   - options: what to list and watch. Default: everything, in all namespaces.
    ///   - discovery: for a kind the server may not serve (`policy/v1` on v1.20): cached only
    ///     once `discovery` shows it served; until then its store stays empty and counts as
    ///     synced. Applies when this call creates the informer. Default `nil`: always served.
    public func informer<T: KubeResource>(
        _ type: T.Type, options: ReflectorOptions = .init(), onlyIfServedBy discovery: APIDiscovery? = nil
    ) -> SharedInformer<T> {
        let key = InformerKey(type, options: options)
        let (informer, late) = state.withLock { s -> (SharedInformer<T>, AsyncStream<any InformerRunning>.Continuation?) in
            if let existing = s.informers[key] as? SharedInformer<T> { return (existing, nil) }
            var servedCheck: (@Sendable () async throws -> Bool)?
            if let discovery { servedCheck = { try await discovery.serves(T.resource) } }
            let created = SharedInformer<T>(
                client: client, options: options, logger: logger, servedCheck: servedCheck)
            s.informers[key] = created
            s.order.append(key)
            return (created, s.running ? s.lateStarts : nil)
        }
        if let late {
            logger.info("starting an informer declared after the cache started", metadata: ["informer": "\(key)"])
            late.yield(informer)
        }
        return informer
    }

    /// `true` once every informer has completed its first list (or found its kind not served).
    public var hasSynced: Bool { state.withLock { s in s.informers.values.allSatisfy(\.hasSynced) } }

    /// How many informers the cache holds.
    public var informerCount: Int { state.withLock { $0.informers.count } }

    /// How many objects the informers' stores hold together.
    public var cachedObjectCount: Int { state.withLock { $0.informers.values.reduce(0) { $0 + $1.objectCount } } }

    /// Each informer as `resource namespaces=… labelSelector=…`, in declaration order.
    public var informerDescriptions: [String] { state.withLock { $0.order.map(\.description) } }

    /// Runs every informer, and each one declared later, until the task is cancelled. A second
    /// call while one runs returns at once.
    public func run() async {
        let (starts, continuation) = AsyncStream.makeStream(of: (any InformerRunning).self)
        let initial = state.withLock { s -> [any InformerRunning]? in
            guard !s.running else { return nil }
            s.running = true
            s.lateStarts = continuation
            return s.order.compactMap { s.informers[$0] }
        }
        guard let initial else {
            logger.error("the cache runs already")
            return
        }
        defer {
            state.withLock { s in
                s.running = false
                s.lateStarts = nil
            }
            continuation.finish()
        }
        logger.info("starting informers", metadata: ["informers": "\(informerDescriptions)"])
        await withTaskGroup(of: Void.self) { group in
            for informer in initial { group.addTask { await informer.run() } }
            for await informer in starts { group.addTask { await informer.run() } }
        }
    }
}
