import Foundation

/// Lets a pod be scheduled onto nodes with a matching taint.
public struct Toleration: Codable, Hashable, Sendable {
    public var key: String?
    /// `Exists` or `Equal` (the default).
    public var `operator`: String?
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; `nil` matches all effects.
    public var effect: String?
    public var tolerationSeconds: Int64?
    public init(
        key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil,
        tolerationSeconds: Int64? = nil
    ) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }
}

/// Scheduling constraints. Node affinity and pod affinity stay raw JSON; pod anti-affinity
/// is typed.
public struct Affinity: Codable, Hashable, Sendable {
    public var nodeAffinity: JSONValue?
    public var podAffinity: JSONValue?
    public var podAntiAffinity: PodAntiAffinity?
    public init(nodeAffinity: JSONValue? = nil, podAffinity: JSONValue? = nil, podAntiAffinity: PodAntiAffinity? = nil) {
        self.nodeAffinity = nodeAffinity
        self.podAffinity = podAffinity
        self.podAntiAffinity = podAntiAffinity
    }
}

/// Keep pods away from pods matching a selector.
public struct PodAntiAffinity: Codable, Hashable, Sendable {
    public var requiredDuringSchedulingIgnoredDuringExecution: [PodAffinityTerm]?
    public var preferredDuringSchedulingIgnoredDuringExecution: [WeightedPodAffinityTerm]?
    public init(
        requiredDuringSchedulingIgnoredDuringExecution: [PodAffinityTerm]? = nil,
        preferredDuringSchedulingIgnoredDuringExecution: [WeightedPodAffinityTerm]? = nil
    ) {
        self.requiredDuringSchedulingIgnoredDuringExecution = requiredDuringSchedulingIgnoredDuringExecution
        self.preferredDuringSchedulingIgnoredDuringExecution = preferredDuringSchedulingIgnoredDuringExecution
    }
}

/// Pods matching `labelSelector` in `namespaces` (default: the pod's own), counted per
/// `topologyKey` domain (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`).
public struct PodAffinityTerm: Codable, Hashable, Sendable {
    public var labelSelector: LabelSelector?
    public var namespaces: [String]?
    public var topologyKey: String
    public init(labelSelector: LabelSelector? = nil, namespaces: [String]? = nil, topologyKey: String) {
        self.labelSelector = labelSelector
        self.namespaces = namespaces
        self.topologyKey = topologyKey
    }
}

/// A preference with a weight from 1 to 100.
public struct WeightedPodAffinityTerm: Codable, Hashable, Sendable {
    public var weight: Int
    public var podAffinityTerm: PodAffinityTerm
    public init(weight: Int, podAffinityTerm: PodAffinityTerm) {
        self.weight = weight
        self.podAffinityTerm = podAffinityTerm
    }
}

/// Spread pods evenly across topology domains.
public struct TopologySpreadConstraint: Codable, Hashable, Sendable {
    public var maxSkew: Int
    public var topologyKey: String
    /// `DoNotSchedule` or `ScheduleAnyway`.
    public var whenUnsatisfiable: String
    public var labelSelector: LabelSelector?
    public init(maxSkew: Int, topologyKey: String, whenUnsatisfiable: String, labelSelector: LabelSelector? = nil) {
        self.maxSkew = maxSkew
        self.topologyKey = topologyKey
        self.whenUnsatisfiable = whenUnsatisfiable
        self.labelSelector = labelSelector
    }
}
