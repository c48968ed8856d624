import Foundation

/// A Deployment (`apps/v1`): interchangeable pods rolled out through ReplicaSets.
public struct Deployment: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)

    /// Always encoded; defaults to `apps/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Deployment`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: DeploymentSpec?
    public var status: DeploymentStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: DeploymentSpec? = nil, status: DeploymentStatus? = nil) {
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
        spec = try c.decodeIfPresent(DeploymentSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(DeploymentStatus.self, forKey: .status)
    }
}

public struct DeploymentSpec: Codable, Hashable, Sendable {
    /// Server default 1.
    public var replicas: Int?
    public var selector: LabelSelector
    public var template: PodTemplateSpec
    public var strategy: DeploymentStrategy?
    public var minReadySeconds: Int?
    public var revisionHistoryLimit: Int?
    public var progressDeadlineSeconds: Int?
    public var paused: Bool?

    public init(
        replicas: Int? = nil, selector: LabelSelector, template: PodTemplateSpec, strategy: DeploymentStrategy? = nil,
        minReadySeconds: Int? = nil, revisionHistoryLimit: Int? = nil, progressDeadlineSeconds: Int? = nil,
        paused: Bool? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.strategy = strategy
        self.minReadySeconds = minReadySeconds
        self.revisionHistoryLimit = revisionHistoryLimit
        self.progressDeadlineSeconds = progressDeadlineSeconds
        self.paused = paused
    }
}

public struct DeploymentStrategy: Codable, Hashable, Sendable {
    /// `RollingUpdate` (default) or `Recreate`.
    public var type: String?
    public var rollingUpdate: RollingUpdate?

    public struct RollingUpdate: Codable, Hashable, Sendable {
        /// Server default 25%.
        public var maxUnavailable: IntOrString?
        /// Server default 25%.
        public var maxSurge: IntOrString?
        public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
            self.maxUnavailable = maxUnavailable
            self.maxSurge = maxSurge
        }
    }

    public init(type: String? = nil, rollingUpdate: RollingUpdate? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

public struct DeploymentStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var updatedReplicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?
    public var unavailableReplicas: Int?
    /// `Available`, `Progressing`, `ReplicaFailure` (with `lastUpdateTime` besides the usual).
    public var conditions: [DeploymentCondition]?

    public init(
        observedGeneration: Int64? = nil, replicas: Int? = nil, updatedReplicas: Int? = nil,
        readyReplicas: Int? = nil, availableReplicas: Int? = nil, unavailableReplicas: Int? = nil,
        conditions: [DeploymentCondition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.unavailableReplicas = unavailableReplicas
        self.conditions = conditions
    }
}

public struct DeploymentCondition: Codable, Hashable, Sendable {
    public var type: String
    public var status: String
    public var lastUpdateTime: String?
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?
    public init(
        type: String, status: String, lastUpdateTime: String? = nil, lastTransitionTime: String? = nil,
        reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastUpdateTime = lastUpdateTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
