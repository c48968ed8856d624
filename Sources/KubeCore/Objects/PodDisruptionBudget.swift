import Foundation

/// A PodDisruptionBudget (`policy/v1`): how many pods voluntary disruptions may take down.
public struct PodDisruptionBudget: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true)

    /// Always encoded; defaults to `policy/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `PodDisruptionBudget`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: PodDisruptionBudgetSpec?
    public var status: PodDisruptionBudgetStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PodDisruptionBudgetSpec? = nil, status: PodDisruptionBudgetStatus? = nil) {
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
        spec = try c.decodeIfPresent(PodDisruptionBudgetSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(PodDisruptionBudgetStatus.self, forKey: .status)
    }
}

public struct PodDisruptionBudgetSpec: Codable, Hashable, Sendable {
    /// Set at most one of `minAvailable` and `maxUnavailable` (a number or a percentage).
    public var minAvailable: IntOrString?
    public var maxUnavailable: IntOrString?
    public var selector: LabelSelector?
    public init(minAvailable: IntOrString? = nil, maxUnavailable: IntOrString? = nil, selector: LabelSelector? = nil) {
        self.minAvailable = minAvailable
        self.maxUnavailable = maxUnavailable
        self.selector = selector
    }
}

public struct PodDisruptionBudgetStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    public var disruptionsAllowed: Int?
    public var currentHealthy: Int?
    public var desiredHealthy: Int?
    public var expectedPods: Int?
    public var conditions: [Condition]?
    public init(
        observedGeneration: Int64? = nil, disruptionsAllowed: Int? = nil, currentHealthy: Int? = nil,
        desiredHealthy: Int? = nil, expectedPods: Int? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.disruptionsAllowed = disruptionsAllowed
        self.currentHealthy = currentHealthy
        self.desiredHealthy = desiredHealthy
        self.expectedPods = expectedPods
        self.conditions = conditions
    }
}
