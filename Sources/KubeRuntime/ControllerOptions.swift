import Foundation
import KubeCore
import Logging
import Prometheus

/// How a `Controller` runs, besides what it caches; given to its `ControllerBuilder`.
public struct ControllerOptions<Object: KubeResource>: Sendable {
    /// Worker count. Default 1 (at least 1 is used).
    public var maxConcurrentReconciles: Int
    /// Retry schedule of failed keys. Default: per key 5 ms → 1000 s, and 10/s overall with
    /// burst 100 (`MaxOfRateLimiter.controllerDefault()`).
    public var rateLimiter: any RateLimiter<ObjectKey>
    /// Where metrics go. Default: a private registry (not exported).
    public var registry: PrometheusCollectorRegistry
    /// Which updates of a primary object enqueue it. Default `Predicates.resourceVersionChanged`
    /// (every change, status-only ones included); `Predicates.generationOrMetadataChanged`
    /// ignores status-only changes.
    public var updatePredicate: @Sendable (Object, Object) -> Bool
    /// Where Events about undecodable primary objects go. Default `nil` (none).
    public var events: EventRecorder?
    /// How often every cached primary object is re-enqueued while the workers run; `nil`
    /// never. Default `ResyncPeriod.controllerRuntimeDefault` (10 h ± 10%). A `Manager`
    /// replaces it with `ManagerOptions.syncPeriod` when the controller is added.
    public var resync: ResyncPeriod?
    /// Default label `kube.controller`; the controller adds its name as `controller`.
    public var logger: Logger
    /// The label selector `ControllerBuilder.owns` caches owned objects with: the label every
    /// object the controller creates carries. Default `nil`: every object of the kind.
    public var ownedLabelSelector: String?

    public init(
        maxConcurrentReconciles: Int = 1,
        rateLimiter: any RateLimiter<ObjectKey> = MaxOfRateLimiter<ObjectKey>.controllerDefault(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        updatePredicate: @escaping @Sendable (Object, Object) -> Bool = {
            Predicates.resourceVersionChanged(old: $0.metadata, new: $1.metadata)
        },
        events: EventRecorder? = nil, resync: ResyncPeriod? = .controllerRuntimeDefault,
        logger: Logger = Logger(label: "kube.controller"), ownedLabelSelector: String? = nil
    ) {
        self.maxConcurrentReconciles = maxConcurrentReconciles
        self.rateLimiter = rateLimiter
        self.registry = registry
        self.updatePredicate = updatePredicate
        self.events = events
        self.resync = resync
        self.logger = logger
        self.ownedLabelSelector = ownedLabelSelector
    }
}
