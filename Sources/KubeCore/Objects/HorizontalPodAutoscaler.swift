import Foundation

/// A HorizontalPodAutoscaler (`autoscaling/v2`): scales a workload's `scale` subresource
/// between `minReplicas` and `maxReplicas` to hold its metrics at their targets.
///
/// Served from Kubernetes v1.23; servers before that (v1.20 serves `autoscaling/v2beta2`) do
/// not: check discovery before applying one.
public struct HorizontalPodAutoscaler: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers",
        namespaced: true)

    /// Always encoded; defaults to `autoscaling/v2`.
    public var apiVersion: String
    /// Always encoded; defaults to `HorizontalPodAutoscaler`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: HorizontalPodAutoscalerSpec?
    public var status: HorizontalPodAutoscalerStatus?

    public init(
        metadata: ObjectMeta = ObjectMeta(), spec: HorizontalPodAutoscalerSpec? = nil,
        status: HorizontalPodAutoscalerStatus? = nil
    ) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(HorizontalPodAutoscalerSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(HorizontalPodAutoscalerStatus.self, forKey: .status)
    }
}

public struct HorizontalPodAutoscalerSpec: Codable, Hashable, Sendable {
    /// The workload whose `scale` subresource is driven.
    public var scaleTargetRef: CrossVersionObjectReference
    /// Server default 1.
    public var minReplicas: Int?
    public var maxReplicas: Int
    /// Server default: 80% average CPU utilization.
    public var metrics: [MetricSpec]?
    /// Scale-up and scale-down rates and stabilization windows, kept raw.
    public var behavior: JSONValue?

    public init(
        scaleTargetRef: CrossVersionObjectReference, minReplicas: Int? = nil, maxReplicas: Int,
        metrics: [MetricSpec]? = nil, behavior: JSONValue? = nil
    ) {
        self.scaleTargetRef = scaleTargetRef
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.metrics = metrics
        self.behavior = behavior
    }
}

/// The object a HorizontalPodAutoscaler scales: `apiVersion`, `kind` and `name` in its namespace.
public struct CrossVersionObjectReference: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String
    public var name: String
    public init(apiVersion: String? = nil, kind: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }

    /// A reference to the object `name` of the kind `descriptor`.
    public init(to descriptor: ResourceDescriptor, name: String) {
        self.init(apiVersion: descriptor.apiVersion, kind: descriptor.kind, name: name)
    }
}

/// One metric to hold at a target. `type` says which of the sources is set: `Resource` (typed
/// here), `ContainerResource`, `Pods`, `Object` or `External` (kept raw).
public struct MetricSpec: Codable, Hashable, Sendable {
    public var type: String
    public var resource: ResourceMetricSource?
    public var containerResource: JSONValue?
    public var pods: JSONValue?
    public var object: JSONValue?
    public var external: JSONValue?

    public init(
        type: String, resource: ResourceMetricSource? = nil, containerResource: JSONValue? = nil, pods: JSONValue? = nil,
        object: JSONValue? = nil, external: JSONValue? = nil
    ) {
        self.type = type
        self.resource = resource
        self.containerResource = containerResource
        self.pods = pods
        self.object = object
        self.external = external
    }

    /// A `Resource` metric: the pods' average utilization of `name` (`cpu`, `memory`), in
    /// percent of their requests.
    public static func averageUtilization(of name: String, percent: Int) -> MetricSpec {
        MetricSpec(
            type: "Resource",
            resource: ResourceMetricSource(name: name, target: MetricTarget(type: "Utilization", averageUtilization: percent)))
    }
}

/// A resource (`cpu`, `memory`) of the pods, averaged over them.
public struct ResourceMetricSource: Codable, Hashable, Sendable {
    public var name: String
    public var target: MetricTarget
    public init(name: String, target: MetricTarget) {
        self.name = name
        self.target = target
    }
}

/// A metric's target: `type` `Utilization` (with `averageUtilization`, percent of requests),
/// `AverageValue` (with `averageValue`) or `Value` (with `value`).
public struct MetricTarget: Codable, Hashable, Sendable {
    public var type: String
    public var averageUtilization: Int?
    public var averageValue: Quantity?
    public var value: Quantity?
    public init(type: String, averageUtilization: Int? = nil, averageValue: Quantity? = nil, value: Quantity? = nil) {
        self.type = type
        self.averageUtilization = averageUtilization
        self.averageValue = averageValue
        self.value = value
    }
}

/// What the autoscaler last saw and decided.
public struct HorizontalPodAutoscalerStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    public var lastScaleTime: String?
    public var currentReplicas: Int?
    public var desiredReplicas: Int?
    /// The metrics' current values, kept raw.
    public var currentMetrics: [JSONValue]?
    /// `AbleToScale`, `ScalingActive`, `ScalingLimited`.
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil, lastScaleTime: String? = nil, currentReplicas: Int? = nil,
        desiredReplicas: Int? = nil, currentMetrics: [JSONValue]? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.lastScaleTime = lastScaleTime
        self.currentReplicas = currentReplicas
        self.desiredReplicas = desiredReplicas
        self.currentMetrics = currentMetrics
        self.conditions = conditions
    }
}
