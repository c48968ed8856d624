import Foundation
import KubeClient
import KubeCore
import Logging
import Prometheus

/// Tells the owner of an object the operator cannot decode why it is ignored, and counts such
/// objects (`reflector_undecodable_objects_total{controller,resource}`).
///
/// For a primary object it reads the object directly from the API server (as raw JSON: it does
/// not decode as its type) and, unless its status already says so, writes through `/status`
/// `Stalled=True` (reason `UndecodableObject`, the decoding error as message, never a value),
/// `Ready=False` and `Reconciling=False`, each with the object's generation, and records a
/// Warning Event with the same reason. A server that validates the whole object on a status
/// write (before CRD validation ratcheting, e.g. v1.20) refuses that write with 422 when the
/// stored object breaks the current schema; the Event then carries the message, and `kubectl
/// describe` shows it.
public struct UndecodableObjectReporter: Sendable {
    /// The condition reason.
    public static let reason = "UndecodableObject"

    public let resource: ResourceDescriptor
    private let client: KubeClient
    private let events: EventRecorder?
    private let counter: Counter
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - events: where the Warning Event goes; `nil` records none.
    ///   - now: the clock for `lastTransitionTime`. Default: the system clock.
    public init(
        resource: ResourceDescriptor, controller: String, client: KubeClient, events: EventRecorder?,
        registry: PrometheusCollectorRegistry, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.resource = resource
        self.client = client
        self.events = events
        self.logger = logger
        self.now = now
        counter = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "reflector_undecodable_objects", unitName: "total",
                helpText: "Object versions that did not decode and were left out of the cache."),
            labels: [("controller", controller), ("resource", resource.description)])
    }

    /// Counts one undecodable object version (of any kind the controller caches).
    public func count() { counter.increment() }

    /// Reports `bad`, an object of the primary kind, on the object itself. Never throws: a
    /// failure is logged (the object is reported again when it changes).
    public func report(_ bad: UndecodableObject) async {
        guard let name = bad.name else { return }
        let message = "the operator cannot read this object and ignores it until it is fixed: \(bad.reason)"
        events?.record(
            about: ObjectReference(
                apiVersion: resource.apiVersion, kind: resource.kind, namespace: bad.namespace, name: name,
                uid: bad.uid),
            type: .warning, reason: Self.reason, message: message)
        do {
            let namespace = resource.namespaced ? bad.namespace : nil
            let raw = try KubeJSON.decode(
                DynamicObject.self,
                from: try await client.send(APIRequests.get(resource, namespace: namespace, name: name)).body)
            guard raw.metadata.uid == bad.uid || bad.uid == nil else { return }
            let generation = raw.metadata.generation ?? bad.generation
            var conditions = Self.conditions(in: raw)
            var changed = false
            for condition in [
                Condition(type: "Stalled", status: .true, observedGeneration: generation, reason: Self.reason, message: message),
                Condition(type: "Ready", status: .false, observedGeneration: generation, reason: Self.reason, message: message),
                Condition(type: "Reconciling", status: .false, observedGeneration: generation, reason: Self.reason),
            ] {
                if conditions.set(condition, now: now()) { changed = true }
            }
            guard changed else { return }
            let patch = JSONValue.object([
                "metadata": .object(["resourceVersion": .string(raw.metadata.resourceVersion ?? "")]),
                "status": .object(["conditions": try JSONValue(encoding: conditions)]),
            ])
            _ = try await client.send(
                APIRequests.patch(
                    resource, namespace: namespace, name: name, type: .merge, body: KubeJSON.encode(patch),
                    subresource: "status", fieldManager: client.fieldManager))
        } catch KubeAPIError.notFound {
        } catch {
            logger.warning(
                "could not report an undecodable object in its status",
                metadata: ["object": "\(bad.key)", "error": "\(error)"])
        }
    }

    /// The object's `status.conditions` as far as they decode.
    static func conditions(in object: DynamicObject) -> [Condition] {
        guard case .object(let status)? = object["status"], let list = status["conditions"],
            let conditions = try? list.decode(as: [Condition].self)
        else { return [] }
        return conditions
    }
}
