import Foundation
import KubeClient
import KubeCore
import Logging
import Synchronization

/// The type of an event.
public enum EventType: String, Sendable, Hashable {
    case normal = "Normal"
    case warning = "Warning"
}

/// Records `core/v1 Event`s about objects, without ever blocking the caller.
///
/// - `record` only enqueues (a bounded queue of `queueCapacity`, default 1000; events beyond
///   it are dropped); a background task writes them. Write failures are logged, never thrown.
/// - Rate limit: per object and reason, a token bucket of `burst` events (default 25) refilled
///   by one every `refillInterval` (default 5 minutes); events over the limit are dropped.
/// - Aggregation: a repeat of an event already written (same object, type, reason and message)
///   patches that event's `count` and `lastTimestamp` instead of creating a new one. When the
///   old event is gone (events expire, by default after an hour), a new one is created.
///
/// Messages are stored in the cluster and readable by anyone allowed to list events: callers
/// must never put secrets (tokens, passwords, keys, data of `Secret`s) in `reason` or
/// `message`. Messages longer than ``maxMessageLength`` characters are cut to that length,
/// ending in ``truncationMarker`` so that readers know to look at the object's status.
public final class EventRecorder: Sendable {
    /// The longest message recorded: 1024 characters (the limit of an `events.k8s.io` note).
    public static let maxMessageLength = 1024
    /// How a cut message ends.
    public static let truncationMarker = " … (cut; the full message is in the object's status)"

    /// `message`, or its first characters and ``truncationMarker`` when it is longer than
    /// ``maxMessageLength`` (pure).
    public static func bounded(_ message: String) -> String {
        guard message.count > maxMessageLength else { return message }
        return String(message.prefix(maxMessageLength - truncationMarker.count)) + truncationMarker
    }

    /// The `source.component` and `reportingComponent` of recorded events.
    public let component: String
    /// The `reportingInstance` and `source.host` of recorded events.
    public let instance: String
    private let now: @Sendable () -> Date
    private let continuation: AsyncStream<Item>.Continuation
    private let filter: Mutex<EventSpamFilter>
    private let logger: Logger

    enum Item: Sendable {
        case event(PendingEvent)
        case barrier(CheckedContinuation<Void, Never>)
    }

    struct PendingEvent: Sendable {
        var object: ObjectReference
        var type: EventType
        var reason: String
        var message: String
        var action: String?
        var time: Date
    }

    /// - Parameters:
    ///   - component: the controller's name, such as `my-operator`.
    ///   - instance: this replica, default the host name.
    ///   - burst: events allowed at once per object and reason. Default 25.
    ///   - refillInterval: time to regain one allowed event. Default 5 minutes.
    ///   - queueCapacity: events waiting to be written before new ones are dropped. Default 1000.
    ///   - now: the clock, for tests. Default: the system clock.
    public init(
        client: KubeClient, component: String, instance: String = ProcessInfo.processInfo.hostName,
        logger: Logger = Logger(label: "events"), burst: Int = 25, refillInterval: Duration = .seconds(300),
        queueCapacity: Int = 1000, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.component = component
        self.instance = instance
        self.now = now
        self.logger = logger
        self.filter = Mutex(EventSpamFilter(burst: burst, refillInterval: refillInterval))
        let (stream, continuation) = AsyncStream.makeStream(
            of: Item.self, bufferingPolicy: .bufferingOldest(max(1, queueCapacity)))
        self.continuation = continuation
        let writer = EventWriter(client: client, component: component, instance: instance, logger: logger)
        Task {
            for await item in stream {
                switch item {
                case .event(let e): await writer.write(e)
                case .barrier(let c): c.resume()
                }
            }
        }
    }

    deinit { continuation.finish() }

    /// Records an event about `object`. Returns at once; see the type's documentation.
    public func record(
        _ object: some KubeResource, type: EventType, reason: String, message: String, action: String? = nil
    ) {
        record(about: ObjectReference(referencing: object), type: type, reason: reason, message: message, action: action)
    }

    /// Records an event about the referenced object. Returns at once.
    public func record(
        about object: ObjectReference, type: EventType, reason: String, message: String, action: String? = nil
    ) {
        let time = now()
        let spamKey = [object.apiVersion, object.kind, object.namespace, object.name, object.uid, reason]
            .map { $0 ?? "" }.joined(separator: "\u{1F}")
        guard filter.withLock({ $0.allow(spamKey, now: time) }) else {
            logger.debug(
                "event dropped by rate limit",
                metadata: ["object": "\(object.namespace ?? "")/\(object.name ?? "")", "reason": "\(reason)"])
            return
        }
        let pending = PendingEvent(
            object: object, type: type, reason: reason, message: Self.bounded(message), action: action,
            time: time)
        if case .dropped = continuation.yield(.event(pending)) {
            logger.warning("event queue full, dropping event", metadata: ["reason": "\(reason)"])
        }
    }

    /// Waits until every event recorded before this call has been written (or has failed).
    public func flush() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            switch continuation.yield(.barrier(c)) {
            case .enqueued: break
            case .dropped, .terminated: c.resume()
            @unknown default: c.resume()
            }
        }
    }
}

/// Writes events one at a time and remembers what it wrote, for aggregation.
actor EventWriter {
    private let client: KubeClient
    private let component: String
    private let instance: String
    private let logger: Logger
    private var written: [String: Written] = [:]
    private let maxRemembered = 4096

    private struct Written {
        var name: String
        var namespace: String
        var count: Int32
        var lastSeen: Date
    }

    init(client: KubeClient, component: String, instance: String, logger: Logger) {
        self.client = client
        self.component = component
        self.instance = instance
        self.logger = logger
    }

    func write(_ e: EventRecorder.PendingEvent) async {
        let o = e.object
        let key = [o.apiVersion, o.kind, o.namespace, o.name, o.uid, e.type.rawValue, e.reason, e.message]
            .map { $0 ?? "" }.joined(separator: "\u{1F}")
        let timestamp = APITimestamp.time(e.time)
        if let prior = written[key] {
            let count = prior.count + 1
            do {
                _ = try await client.mergePatch(
                    Event.self, name: prior.name, namespace: prior.namespace,
                    patch: ["count": .int(Int64(count)), "lastTimestamp": .string(timestamp)])
                written[key] = Written(name: prior.name, namespace: prior.namespace, count: count, lastSeen: e.time)
                return
            } catch KubeAPIError.notFound {
                written[key] = nil  // expired: create a new one below
            } catch {
                logger.warning(
                    "could not update event", metadata: ["event": "\(prior.namespace)/\(prior.name)", "error": "\(error)"])
                return
            }
        }
        let namespace = (o.namespace?.isEmpty ?? true) ? "default" : o.namespace ?? "default"
        let nanos = UInt64(max(0, e.time.timeIntervalSince1970 * 1e9))
        let name = "\(o.name ?? "unknown").\(String(nanos, radix: 16))"
        let event = Event(
            metadata: ObjectMeta(name: name, namespace: namespace), involvedObject: o, reason: e.reason,
            message: e.message, type: e.type.rawValue, count: 1, firstTimestamp: timestamp, lastTimestamp: timestamp,
            source: EventSource(component: component, host: instance), reportingComponent: component,
            reportingInstance: instance, action: e.action)
        do {
            let created = try await client.create(event, namespace: namespace)
            remember(key, Written(name: created.metadata.name ?? name, namespace: namespace, count: 1, lastSeen: e.time))
        } catch {
            logger.warning("could not create event", metadata: ["event": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }

    private func remember(_ key: String, _ w: Written) {
        written[key] = w
        if written.count > maxRemembered {
            let keep = written.sorted { $0.value.lastSeen > $1.value.lastSeen }.prefix(maxRemembered / 2)
            written = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
