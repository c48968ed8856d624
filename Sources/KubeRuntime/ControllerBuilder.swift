import Foundation
import KubeClient
import KubeCore
import Logging

/// Declares what one `Controller` caches and what enqueues its keys, then makes the controller
/// (controller-runtime's `NewControllerManagedBy(mgr).For(…).Owns(…).Watches(…).Complete(r)`).
///
/// ```swift
/// var builder = ControllerBuilder<Widget>(
///     cache: manager.cache, name: "widgets", options: ControllerOptions(ownedLabelSelector: "app=widgets"))
/// let caches = WidgetCaches(widgets: builder.primary, gadgets: builder.owns(Gadget.self))
/// manager.add(builder.complete(WidgetReconciler(caches: caches)))
/// ```
///
/// Each declaration returns the typed `Store` it declared, for the reconciler to be built
/// with: a reconciler reads exactly the caches its controller declared. The stores come from
/// the `InformerCache`, shared with every other controller that declared the same kind,
/// namespaces and selectors. `complete(_:)` consumes the builder, so nothing can be declared
/// once the controller exists; the controller's workers start only once every informer it
/// declared has synced.
///
/// What enqueues keys:
/// - the primary kind: adds and deletes enqueue the object's key, updates when
///   `ControllerOptions.updatePredicate` says so;
/// - `owns(_:allObjects:onlyIfServedBy:coalescing:)`: any change to an object whose controller owner reference (`controller: true`,
///   the primary's group and kind) points to a primary object enqueues that owner's key (for an
///   update, the owners of the old and the new object);
/// - `watches(_:options:coalescing:mapping:)`: any change enqueues the keys `mapping` returns
///   (for an update, of the old and the new object), after `coalescing` when given.
///
/// Undecodable objects: a primary one is counted and reported on the object itself
/// (`UndecodableObjectReporter`); one of any other declared kind is counted.
public struct ControllerBuilder<Object: KubeResource>: ~Copyable {
    /// The controller's name.
    public let name: String
    /// The primary kind's cache.
    public let primary: Store<Object>
    private let cache: InformerCache
    private let primaryOptions: ReflectorOptions
    private let options: ControllerOptions<Object>
    private let logger: Logger
    private let queue: WorkQueue<ObjectKey>
    private let metrics: ControllerMetrics
    private let undecodable: UndecodableObjectReporter
    private var informers: [any InformerRunning]
    /// Subscriptions made by `complete`, so a builder dropped unfinished enqueues nothing.
    private var subscriptions: [@Sendable () -> Void] = []

    /// - Parameters:
    ///   - cache: where the informers come from (`Manager.cache` in a manager).
    ///   - name: the controller's name, for logs and the `controller` metrics label.
    ///   - primary: namespaces and selectors of the primary kind. Default: all.
    ///   - options: workers, retries, metrics, predicate, resync, logger, owned-object
    ///     selector; see `ControllerOptions` for the defaults.
    public init(
        cache: InformerCache, name: String, primary: ReflectorOptions = .init(),
        options: ControllerOptions<Object> = .init()
    ) {
        self.cache = cache
        self.name = name
        self.primaryOptions = primary
        self.options = options
        var logger = options.logger
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
        let metrics = ControllerMetrics(registry: options.registry, controller: name)
        metrics.setMaxConcurrentReconciles(max(1, options.maxConcurrentReconciles))
        self.metrics = metrics
        let queue = WorkQueue<ObjectKey>(rateLimiter: options.rateLimiter, metrics: metrics.workQueue)
        self.queue = queue
        let undecodable = UndecodableObjectReporter(
            resource: Object.resource, controller: name, client: cache.client, events: options.events,
            registry: options.registry, logger: logger)
        self.undecodable = undecodable
        let informer = cache.informer(Object.self, options: primary)
        self.primary = informer.store
        informers = [informer]
        let predicate = options.updatePredicate
        subscriptions.append {
            informer.subscribe(
                handler: { event in
                    switch event {
                    case .added(let o), .deleted(let o):
                        queue.add(o.key)
                    case .updated(let old, let new):
                        if predicate(old, new) { queue.add(new.key) }
                    }
                },
                undecodable: { bad in
                    undecodable.count()
                    Task { await undecodable.report(bad) }
                })
        }
    }

    /// Caches `type`, a kind the controller creates, with `ControllerOptions.ownedLabelSelector`
    /// in the primary's namespaces; a change to such an object reconciles its controller owner.
    ///
    /// - Parameters:
    ///   - allObjects: cache every object of the kind in the primary's namespaces, not only
    ///     those matching `ownedLabelSelector`: for a kind another controller caches whole (the
    ///     two then share one informer), or when the reconciler must see objects it does not
    ///     own (a name taken by someone else's object). Only objects with a controller owner
    ///     reference to the primary kind enqueue anything. Default `false`.
    ///   - discovery: for a kind the server may not serve: cached only once `discovery` shows
    ///     it served (until then its store stays empty and counts as synced). Default `nil`.
    ///   - coalescing: how long a change waits before its owner is reconciled, so that a burst
    ///     of changes to owned objects (a quota's `used`, rewritten as each object is admitted)
    ///     makes one reconcile (``WorkQueue/addAfter(_:_:)``). Default `.zero`: at once.
    /// - Returns: the kind's cache.
    @discardableResult
    public mutating func owns<O: KubeResource>(
        _ type: O.Type, allObjects: Bool = false, onlyIfServedBy discovery: APIDiscovery? = nil,
        coalescing: Duration = .zero
    ) -> Store<O> {
        var reflectorOptions = primaryOptions
        reflectorOptions.labelSelector = allObjects ? nil : options.ownedLabelSelector
        reflectorOptions.fieldSelector = nil
        let informer = cache.informer(O.self, options: reflectorOptions, onlyIfServedBy: discovery)
        let queue = self.queue
        let owner = Object.resource
        let undecodable = self.undecodable
        declare(informer) {
            informer.subscribe(
                handler: { event in
                    var keys: Set<ObjectKey> = []
                    if case .updated(let old, _) = event,
                        let k = Predicates.controllerOwnerKey(of: old.metadata, owner: owner)
                    {
                        keys.insert(k)
                    }
                    if let k = Predicates.controllerOwnerKey(of: event.object.metadata, owner: owner) { keys.insert(k) }
                    for k in keys { queue.addAfter(k, coalescing) }
                },
                undecodable: { _ in undecodable.count() })
        }
        return informer.store
    }

    /// Caches `type` as `options` say and reconciles the keys `mapping` returns for any change
    /// (for an update, the keys of the old and the new object).
    ///
    /// - Parameters:
    ///   - options: namespaces and selectors. Default: every object in all namespaces.
    ///   - coalescing: how long a change waits before its keys are reconciled, so that a burst
    ///     of changes mapping to one key (a tenant's many Resources moving through their
    ///     stages) makes one reconcile, not one each: a key already waiting keeps its earlier
    ///     time (``WorkQueue/addAfter(_:_:)``). Default `.zero`: at once.
    /// - Returns: the kind's cache.
    @discardableResult
    public mutating func watches<O: KubeResource>(
        _ type: O.Type, options: ReflectorOptions = .init(), coalescing: Duration = .zero,
        mapping: @escaping @Sendable (O) -> [ObjectKey]
    ) -> Store<O> {
        let informer = cache.informer(O.self, options: options)
        let queue = self.queue
        let undecodable = self.undecodable
        declare(informer) {
            informer.subscribe(
                handler: { event in
                    var keys = Set(mapping(event.object))
                    if case .updated(let old, _) = event { keys.formUnion(mapping(old)) }
                    for k in keys { queue.addAfter(k, coalescing) }
                },
                undecodable: { _ in undecodable.count() })
        }
        return informer.store
    }

    private mutating func declare(_ informer: any InformerRunning, subscription: @escaping @Sendable () -> Void) {
        informers.append(informer)
        subscriptions.append(subscription)
    }

    /// The controller running `reconciler` over everything declared. Consumes the builder:
    /// nothing can be declared afterwards.
    public consuming func complete<R: Reconciler>(_ reconciler: R) -> Controller<R> where R.Object == Object {
        for subscribe in subscriptions { subscribe() }
        return Controller(
            name: name, reconciler: reconciler, queue: queue, metrics: metrics, store: primary, informers: informers,
            maxConcurrentReconciles: max(1, options.maxConcurrentReconciles), resync: options.resync,
            logger: logger)
    }
}
