import Foundation
import KubeCore
import KubeRuntime
import Prometheus

/// `quartermaster_time_to_ready_seconds{kind}`: a histogram of the seconds from an object's
/// creation to the status write that first made it Ready, observed by the kind's
/// ``StatusWriter`` (``ReadinessObserver``).
///
/// "First" is judged from the status replaced (``PhasedStatus/isBeforeFirstReady``; none yet
/// counts as before): an object that recovers, or a Deployment that rolls out again, is not
/// counted again. Kinds whose status is not a ``PhasedStatus``, or whose
/// ``PhasedStatus/measuresTimeToReady`` is `false` (Tenants, PostgresBackups), are not counted. An object whose creation time cannot be
/// read, or lies after now (clock skew), is not counted.
public struct TimeToReadyMetrics: ReadinessObserver {
    /// Upper bounds, in seconds: 1 s to 2 h.
    public static let buckets: [Double] = [1, 2, 5, 10, 20, 30, 60, 120, 180, 300, 600, 900, 1800, 3600, 7200]

    private let histogram: ValueHistogram
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - kind: the `kind` label (e.g. `Resource`).
    ///   - now: the clock; default the system's.
    public init(registry: PrometheusCollectorRegistry, kind: String, now: @escaping @Sendable () -> Date = { Date() }) {
        histogram = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "quartermaster_time_to_ready_seconds", unitName: "",
                helpText: "Seconds from an object's creation to its first Ready, per kind."),
            labels: [("kind", kind)], buckets: Self.buckets)
        self.now = now
    }

    public func becameReady<Spec: CustomResourceSpec, Status: ConditionedStatus>(_ object: CustomResource<Spec, Status>) {
        guard let seconds = Self.secondsToFirstReady(object, now: now()) else { return }
        histogram.record(seconds)
    }

    /// What is recorded when `object` (as read, before the write) becomes Ready at `now`, or
    /// `nil` when nothing is (see the type's documentation).
    static func secondsToFirstReady<Spec: CustomResourceSpec, Status: ConditionedStatus>(
        _ object: CustomResource<Spec, Status>, now: Date
    ) -> Double? {
        guard let kind = Status.self as? any PhasedStatus.Type, kind.measuresTimeToReady else { return nil }
        if let replaced = object.status as? any PhasedStatus, !replaced.isBeforeFirstReady { return nil }
        guard let text = object.metadata.creationTimestamp, let created = APITimestamp.parse(text) else { return nil }
        let seconds = now.timeIntervalSince(created)
        return seconds >= 0 ? seconds : nil
    }
}

extension ControllerSettings {
    /// The ``TimeToReadyMetrics`` of `type`'s kind, in ``registry``, on ``now``.
    public func timeToReady<Object: KubeResource>(for type: Object.Type) -> TimeToReadyMetrics {
        TimeToReadyMetrics(registry: registry, kind: Object.resource.kind, now: now)
    }
}
