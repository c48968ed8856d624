import Foundation
import KubeClient
import KubeCore
import Logging
import Synchronization

/// Keeps a `Store` in step with the API server by listing and then watching one kind, the way
/// client-go's reflector does.
///
/// - The first list asks for `resourceVersion=0`, which the server answers from its watch
///   cache (it ignores paging then).
/// - The watch starts at the list's resource version, asks for bookmarks, and asks the server
///   to end it after a random 300–600 s (`ReflectorOptions.watchTimeoutSeconds`).
/// - When the server ends a watch normally, the next watch resumes from the last resource
///   version seen (object events and bookmarks both advance it); no relist.
/// - 410 Gone (thrown by the list or watch request, or as a watch `ERROR` event — even the
///   first one) relists with no resource version, a consistent read from etcd. Objects that
///   vanished across the relist are reported `deleted`.
/// - After each list the allocator's freed pages go back to the operating system (glibc's
///   `malloc_trim`), so resident memory falls back from the list's peak.
/// - A watch line over the transport's cap (`TransportError.lineTooLong`) relists, as resuming
///   would meet the same event; a watch idle past the transport's idle timeout resumes at once.
/// - Any other failure waits with `Backoff` (0.8 s doubling to 30 s with jitter, reset after
///   2 minutes without a failure; at least the server's `Retry-After` for 429) and retries the
///   step that failed: the list, or the watch from the last resource version (as kube-rs's
///   watcher does; the server answers 410 if that version is too old by then). A watch that ends within a second without any event
///   counts as a failure, so a misbehaving server cannot make it spin.
///
/// Events go to `handler` after the store has been updated, on the reflector's task; the
/// handler must be quick (enqueue keys, not reconcile). `run()` returns promptly when its task
/// is cancelled.
///
/// An object that does not decode as `T` is quarantined, never fatal: lists and watches decode
/// item by item, the object is left out of (or removed from) the store, the resource version
/// still advances, and the rest of the cache syncs. Each distinct version of such an object is
/// logged once and passed once to `undecodableHandler` (the controller counts it and reports it
/// on the object); a deleted one is forgotten.
public final class Reflector<T: KubeResource>: Sendable {
    /// The cache this reflector fills.
    public let store: Store<T>
    public let options: ReflectorOptions
    private let client: KubeClient
    private let logger: Logger
    private let handler: @Sendable (ReflectorEvent<T>) -> Void
    private let undecodableHandler: @Sendable (UndecodableObject) -> Void
    private let servedCheck: (@Sendable () async throws -> Bool)?
    private let scopes: [String?]
    private let state = Mutex(State())
    /// Fired once every namespace has been listed once.
    private let syncedLatch = OneShotLatch()

    private struct State {
        var synced: Set<String> = []
        var resourceVersions: [String: String] = [:]
        /// Quarantined objects by key → the resource version last reported.
        var quarantined: [ObjectKey: String] = [:]
    }

    /// - Parameters:
    ///   - client: the API client.
    ///   - store: the cache to fill. Default: a new one.
    ///   - options: selectors, namespaces, retry schedule. Default: everything, all namespaces.
    ///   - logger: default label `kube.reflector`.
    ///   - handler: called for every change, after the store applied it. Default: nothing.
    ///   - undecodableHandler: called once for each new version of an object that does not
    ///     decode as `T`. Default: nothing (it is still logged).
    ///   - servedCheck: for a kind the server may not serve (`policy/v1` on v1.20): asked before
    ///     the first list; while it answers `false` the reflector reports itself synced with an
    ///     empty store and asks again every `notServedRecheck`. Default `nil`: always served.
    public init(
        client: KubeClient, store: Store<T> = Store(), options: ReflectorOptions = .init(),
        logger: Logger = Logger(label: "kube.reflector"),
        handler: @escaping @Sendable (ReflectorEvent<T>) -> Void = { _ in },
        undecodableHandler: @escaping @Sendable (UndecodableObject) -> Void = { _ in },
        servedCheck: (@Sendable () async throws -> Bool)? = nil
    ) {
        self.servedCheck = servedCheck
        self.client = client
        self.store = store
        self.options = options
        var logger = logger
        logger[metadataKey: "resource"] = "\(T.resource)"
        self.logger = logger
        self.handler = handler
        self.undecodableHandler = undecodableHandler
        if T.resource.namespaced, let namespaces = options.namespaces {
            scopes = namespaces.sorted().map { Optional.some($0) }
        } else {
            scopes = [nil]
        }
    }

    /// `true` once every namespace this reflector watches has been listed once.
    public var hasSynced: Bool { state.withLock { $0.synced.count == scopes.count } }

    /// Returns once every namespace this reflector watches has been listed once (`hasSynced`),
    /// or when the calling task is cancelled.
    public func waitUntilSynced() async { await syncedLatch.wait() }

    /// The last resource version seen in `namespace` (`nil`: the unscoped loop), for tests and
    /// diagnostics.
    public func lastResourceVersion(namespace: String? = nil) -> String? {
        state.withLock { $0.resourceVersions[namespace ?? ""] }
    }

    /// How often a kind found not served is asked about again. 5 minutes.
    public static var notServedRecheck: Duration { .seconds(300) }

    /// Lists and watches until the task is cancelled. Never throws: failures are retried.
    public func run() async {
        if let servedCheck {
            var backoff = options.backoff
            while !Task.isCancelled {
                do {
                    if try await servedCheck() { break }
                    for scope in scopes { markSynced(namespace: scope) }
                    logger.info("not served by the API server; nothing to cache")
                    try? await Task.sleep(for: Self.notServedRecheck)
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("discovery failed, retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: backoff.next())
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for scope in scopes {
                group.addTask { await self.listAndWatch(namespace: scope) }
            }
        }
    }

    // MARK: The loop

    private struct LoopState {
        /// `nil`: a list is needed before the next watch.
        var resourceVersion: String?
        /// The next list must be consistent (after 410), not from the watch cache.
        var consistentList = false
        /// 410s since the last watch event; a second one in a row backs off.
        var goneInARow = 0
        var eventsInWatch = 0
    }

    private func listAndWatch(namespace: String?) async {
        var backoff = options.backoff
        var loop = LoopState()
        var logger = self.logger
        if let namespace { logger[metadataKey: "namespace"] = "\(namespace)" }
        while !Task.isCancelled {
            do {
                if loop.resourceVersion == nil {
                    let rv = try await list(namespace: namespace, consistent: loop.consistentList)
                    // The list's body, parse state and the replaced content are freed now.
                    FreedMemoryRelease.now()
                    loop.resourceVersion = rv
                    loop.consistentList = false
                    record(namespace: namespace, resourceVersion: rv)
                }
                let started = ContinuousClock.now
                loop.eventsInWatch = 0
                try await watch(namespace: namespace, loop: &loop)
                if Task.isCancelled { return }
                if loop.eventsInWatch == 0 && ContinuousClock.now - started < .seconds(1) {
                    throw ReflectorError.veryShortWatch
                }
                logger.debug("watch closed, resuming", metadata: ["resourceVersion": "\(loop.resourceVersion ?? "")"])
            } catch KubeAPIError.gone(let message) {
                if Task.isCancelled { return }
                loop.resourceVersion = nil
                loop.consistentList = true
                loop.goneInARow += 1
                logger.info("resource version expired, relisting", metadata: ["reason": "\(message)"])
                if loop.goneInARow > 1 {
                    try? await Task.sleep(for: backoff.next())
                }
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                if case TransportError.idle = error {
                    // No event and no bookmark for the idle timeout: a quiet kind (the watch
                    // cache sends no bookmarks for a kind that never changed) or a dead
                    // connection. Either way, watch again from the last version at once.
                    logger.debug("watch idle, resuming", metadata: ["resourceVersion": "\(loop.resourceVersion ?? "")"])
                    continue
                }
                if case TransportError.lineTooLong = error {
                    // Resuming the watch would meet the same oversized event again: relist
                    // (the list has its own, larger cap), after the usual backoff.
                    loop.resourceVersion = nil
                    loop.consistentList = true
                }
                var delay = backoff.next()
                // Throttling: wait at least as long as the server asked.
                if let asked = (error as? KubeAPIError)?.retryAfter, asked > delay { delay = asked }
                logger.warning(
                    "list/watch failed, retrying",
                    metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// Lists everything, replaces the store's content (or the namespace's slice), reports the
    /// differences, and returns the list's resource version.
    private func list(namespace: String?, consistent: Bool) async throws -> String {
        let listOptions = ListOptions(
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
            resourceVersion: consistent ? nil : "0")
        let list = try await client.listPages(
            T.self, namespace: namespace, options: listOptions, pageSize: options.pageSize)
        let items = list.items
        let resourceVersion = list.metadata.resourceVersion ?? ""
        try Task.checkCancellation()
        let previous = store.replaceAll(items, namespace: namespace)
        forgetQuarantined(except: Set(list.undecodable.map(\.key)), namespace: namespace)
        for bad in list.undecodable { quarantine(bad) }
        markSynced(namespace: namespace)
        var seen = Set<ObjectKey>()
        seen.reserveCapacity(items.count)
        for item in items {
            let key = item.key
            seen.insert(key)
            guard let old = previous[key] else {
                handler(.added(item))
                continue
            }
            if old.metadata.uid != item.metadata.uid {
                handler(.deleted(old))
                handler(.added(item))
            } else if old.metadata.resourceVersion != item.metadata.resourceVersion {
                handler(.updated(old: old, new: item))
            }
        }
        for (key, old) in previous where !seen.contains(key) {
            handler(.deleted(old))
        }
        logger.debug("listed", metadata: ["count": "\(items.count)", "resourceVersion": "\(resourceVersion)"])
        return resourceVersion
    }

    private func watch(namespace: String?, loop: inout LoopState) async throws {
        let watchOptions = WatchOptions(
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
            resourceVersion: loop.resourceVersion,
            timeoutSeconds: Int.random(in: options.watchTimeoutSeconds), allowWatchBookmarks: true)
        let events = try await client.watch(T.self, namespace: namespace, options: watchOptions)
        for try await event in events {
            switch event {
            case .added(let object), .modified(let object):
                let old = store.upsert(object)
                advance(&loop, to: object.metadata.resourceVersion, namespace: namespace)
                if let old {
                    handler(.updated(old: old, new: object))
                } else {
                    handler(.added(object))
                }
            case .deleted(let object):
                store.remove(object.key)
                advance(&loop, to: object.metadata.resourceVersion, namespace: namespace)
                handler(.deleted(object))
            case .undecodable(let bad, let deleted):
                // Out of the cache, reported once; the stream (and the version) goes on.
                let old = bad.name == nil ? nil : store.remove(bad.key)
                advance(&loop, to: bad.resourceVersion, namespace: namespace)
                if deleted {
                    state.withLock { _ = $0.quarantined.removeValue(forKey: bad.key) }
                } else {
                    quarantine(bad)
                }
                if let old { handler(.deleted(old)) }
            case .bookmark(let resourceVersion):
                advance(&loop, to: resourceVersion, namespace: namespace)
            case .error(let error):
                throw error
            }
        }
    }

    private func advance(_ loop: inout LoopState, to resourceVersion: String?, namespace: String?) {
        loop.eventsInWatch += 1
        loop.goneInARow = 0
        guard let resourceVersion, !resourceVersion.isEmpty else { return }
        loop.resourceVersion = resourceVersion
        record(namespace: namespace, resourceVersion: resourceVersion)
    }

    /// Logs and reports `bad` unless this version of it was reported already.
    private func quarantine(_ bad: UndecodableObject) {
        let version = bad.resourceVersion ?? ""
        let isNew = state.withLock { s in
            guard s.quarantined[bad.key] != version else { return false }
            s.quarantined[bad.key] = version
            return true
        }
        guard isNew else { return }
        logger.error(
            "object does not decode; ignoring it until it changes",
            metadata: [
                "object": "\(bad.key)", "resourceVersion": "\(version)", "reason": "\(bad.reason)",
            ])
        undecodableHandler(bad)
    }

    /// After a list: forgets quarantined objects of `namespace` (all, when `nil`) that the list
    /// no longer holds as undecodable (deleted, or fixed).
    private func forgetQuarantined(except keys: Set<ObjectKey>, namespace: String?) {
        state.withLock { s in
            s.quarantined = s.quarantined.filter { key, _ in
                keys.contains(key) || (namespace != nil && key.namespace != namespace)
            }
        }
    }

    private func record(namespace: String?, resourceVersion: String) {
        state.withLock { $0.resourceVersions[namespace ?? ""] = resourceVersion }
    }

    private func markSynced(namespace: String?) {
        let all = state.withLock { s in
            s.synced.insert(namespace ?? "")
            return s.synced.count == scopes.count
        }
        if all { syncedLatch.fire() }
    }
}

/// Failures the reflector itself detects.
public enum ReflectorError: Error, Sendable, Equatable {
    /// The server closed a watch within a second without sending anything.
    case veryShortWatch
}
