import Foundation

/// `core/v1 Event`: a report about something that happened to an object, shown by
/// `kubectl describe` and `kubectl get events`.
///
/// Timestamps are strings: `firstTimestamp`/`lastTimestamp` are `Time` (RFC 3339, whole
/// seconds), `eventTime` is `MicroTime` (RFC 3339 with six fractional digits).
public struct Event: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)

    public var apiVersion: String = Event.resource.apiVersion
    public var kind: String = Event.resource.kind
    public var metadata: ObjectMeta
    /// The object this event is about.
    public var involvedObject: ObjectReference
    /// A short, machine-readable, UpperCamelCase reason, such as `Reconciled`.
    public var reason: String?
    /// A human-readable description. Must never contain secrets.
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    /// How many times this event has occurred (aggregated repeats).
    public var count: Int32?
    /// When this event was first recorded (`Time`).
    public var firstTimestamp: String?
    /// When this event was most recently recorded (`Time`).
    public var lastTimestamp: String?
    /// The component that reported the event.
    public var source: EventSource?
    /// The controller that emitted the event (JSON name `reportingComponent`).
    public var reportingComponent: String?
    /// The instance (pod or identity) of the controller that emitted the event.
    public var reportingInstance: String?
    /// What action was taken or failed, for `events.k8s.io` consumers.
    public var action: String?
    /// When the event was first observed (`MicroTime`); optional for `core/v1` events.
    public var eventTime: String?

    public init(
        metadata: ObjectMeta, involvedObject: ObjectReference, reason: String? = nil, message: String? = nil,
        type: String? = nil, count: Int32? = nil, firstTimestamp: String? = nil, lastTimestamp: String? = nil,
        source: EventSource? = nil, reportingComponent: String? = nil, reportingInstance: String? = nil,
        action: String? = nil, eventTime: String? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.count = count
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.source = source
        self.reportingComponent = reportingComponent
        self.reportingInstance = reportingInstance
        self.action = action
        self.eventTime = eventTime
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp
        case source, reportingComponent, reportingInstance, action, eventTime
    }

    /// Decodes an event; `apiVersion` and `kind` may be absent (as in list items).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Event.resource.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Event.resource.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        involvedObject = try c.decodeIfPresent(ObjectReference.self, forKey: .involvedObject) ?? ObjectReference()
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        count = try c.decodeIfPresent(Int32.self, forKey: .count)
        firstTimestamp = try c.decodeIfPresent(String.self, forKey: .firstTimestamp)
        lastTimestamp = try c.decodeIfPresent(String.self, forKey: .lastTimestamp)
        source = try c.decodeIfPresent(EventSource.self, forKey: .source)
        reportingComponent = try c.decodeIfPresent(String.self, forKey: .reportingComponent)
        reportingInstance = try c.decodeIfPresent(String.self, forKey: .reportingInstance)
        action = try c.decodeIfPresent(String.self, forKey: .action)
        eventTime = try c.decodeIfPresent(String.self, forKey: .eventTime)
    }
}

/// The component (and optionally host) that reported an event.
public struct EventSource: Codable, Hashable, Sendable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}

extension ObjectReference {
    /// A reference to `object`: its `apiVersion`, `kind`, `name`, `namespace`, `uid` and
    /// `resourceVersion`.
    public init(referencing object: some KubeResource) {
        let r = type(of: object).resource
        self.init(
            apiVersion: r.apiVersion, kind: r.kind,
            namespace: r.namespaced ? object.metadata.namespace : nil, name: object.metadata.name,
            uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion)
    }
}
