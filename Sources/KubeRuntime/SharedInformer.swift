import Foundation
import KubeClient
import KubeCore
import Logging
import Synchronization

/// One `Reflector` and its `Store` for one (kind, namespaces, selectors), shared by every
/// controller of an `InformerCache` that declared them, and the list of those who listen.
///
/// Every event the reflector reports (after the store applied it) goes to every subscriber,
/// in subscription order, on the reflector's task; so does every undecodable object version
/// the reflector quarantines (once per version, as `Reflector` reports them).
///
/// A subscriber added after the informer started first receives the objects the store holds
/// as `added` events (as client-go's shared informers replay), so it misses no object;
/// objects quarantined before it subscribed are not replayed to it.
public final class SharedInformer<T: KubeResource>: Sendable {
    /// The cache every subscriber reads.
    public let store: Store<T>
    /// What the reflector lists and watches.
    public let options: ReflectorOptions
    private let reflector: Reflector<T>
    private let fanOut: FanOut

    /// Subscribers, called under one lock: an event reaches each of them once, in order, and
    /// a subscriber added meanwhile (with its replay) sees no event twice or out of order.
    private final class FanOut: Sendable {
        struct Subscriber: Sendable {
            var handler: @Sendable (ReflectorEvent<T>) -> Void
            var undecodable: @Sendable (UndecodableObject) -> Void
        }
        let subscribers = Mutex<[Subscriber]>([])

        func deliver(_ event: ReflectorEvent<T>) {
            subscribers.withLock { list in for s in list { s.handler(event) } }
        }

        func deliver(_ bad: UndecodableObject) {
            subscribers.withLock { list in for s in list { s.undecodable(bad) } }
        }
    }

    /// - Parameters:
    ///   - servedCheck: see `Reflector.init`'s `servedCheck`. Default `nil`: always served.
    init(
        client: KubeClient, options: ReflectorOptions, logger: Logger,
        servedCheck: (@Sendable () async throws -> Bool)? = nil
    ) {
        let store = Store<T>()
        let fanOut = FanOut()
        self.store = store
        self.options = options
        self.fanOut = fanOut
        reflector = Reflector<T>(
            client: client, store: store, options: options, logger: logger,
            handler: { fanOut.deliver($0) }, undecodableHandler: { fanOut.deliver($0) }, servedCheck: servedCheck)
    }

    /// Adds a listener. `handler` must be quick (enqueue keys, never wait): it runs on the
    /// reflector's task, under the lock that orders deliveries.
    ///
    /// - Parameters:
    ///   - handler: every change, after the store applied it; first, the objects already cached
    ///     as `added` events.
    ///   - undecodable: each new version of an object that does not decode. Default: nothing.
    public func subscribe(
        handler: @escaping @Sendable (ReflectorEvent<T>) -> Void,
        undecodable: @escaping @Sendable (UndecodableObject) -> Void = { _ in }
    ) {
        let store = self.store
        fanOut.subscribers.withLock { list in
            for object in store.list() { handler(.added(object)) }
            list.append(FanOut.Subscriber(handler: handler, undecodable: undecodable))
        }
    }

    /// How many subscribers listen.
    public var subscriberCount: Int { fanOut.subscribers.withLock { $0.count } }

    /// `true` once every namespace has been listed once (or the kind was found not served).
    public var hasSynced: Bool { reflector.hasSynced }

    /// Returns once `hasSynced`, or when the calling task is cancelled.
    public func waitUntilSynced() async { await reflector.waitUntilSynced() }

    /// Lists and watches until the task is cancelled.
    func run() async { await reflector.run() }
}
