import Foundation

/// A StatefulSet (`apps/v1`): pods with stable names and storage.
public struct StatefulSet: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true)

    /// Always encoded; defaults to `apps/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `StatefulSet`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: StatefulSetSpec?
    public var status: StatefulSetStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: StatefulSetSpec? = nil, status: StatefulSetStatus? = nil) {
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
        spec = try c.decodeIfPresent(StatefulSetSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(StatefulSetStatus.self, forKey: .status)
    }
}

public struct StatefulSetSpec: Codable, Hashable, Sendable {
    /// The headless Service that gives pods their DNS names.
    public var serviceName: String?
    /// Server default 1.
    public var replicas: Int?
    public var selector: LabelSelector
    public var template: PodTemplateSpec
    public var volumeClaimTemplates: [PersistentVolumeClaim]?
    /// `OrderedReady` (default) or `Parallel`.
    public var podManagementPolicy: String?
    public var updateStrategy: StatefulSetUpdateStrategy?
    public var revisionHistoryLimit: Int?
    public var minReadySeconds: Int?

    public init(
        serviceName: String? = nil, replicas: Int? = nil, selector: LabelSelector, template: PodTemplateSpec,
        volumeClaimTemplates: [PersistentVolumeClaim]? = nil, podManagementPolicy: String? = nil,
        updateStrategy: StatefulSetUpdateStrategy? = nil, revisionHistoryLimit: Int? = nil,
        minReadySeconds: Int? = nil
    ) {
        self.serviceName = serviceName
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.volumeClaimTemplates = volumeClaimTemplates
        self.podManagementPolicy = podManagementPolicy
        self.updateStrategy = updateStrategy
        self.revisionHistoryLimit = revisionHistoryLimit
        self.minReadySeconds = minReadySeconds
    }
}

public struct StatefulSetUpdateStrategy: Codable, Hashable, Sendable {
    /// `RollingUpdate` (default) or `OnDelete`.
    public var type: String?
    public var rollingUpdate: RollingUpdate?

    public struct RollingUpdate: Codable, Hashable, Sendable {
        /// Pods with an ordinal at or above this are updated. Default 0.
        public var partition: Int?
        public var maxUnavailable: IntOrString?
        public init(partition: Int? = nil, maxUnavailable: IntOrString? = nil) {
            self.partition = partition
            self.maxUnavailable = maxUnavailable
        }
    }

    public init(type: String? = nil, rollingUpdate: RollingUpdate? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

public struct StatefulSetStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var readyReplicas: Int?
    public var currentReplicas: Int?
    public var updatedReplicas: Int?
    public var availableReplicas: Int?
    public var currentRevision: String?
    public var updateRevision: String?
    public var collisionCount: Int?
    public var conditions: [JSONValue]?

    public init(
        observedGeneration: Int64? = nil, replicas: Int? = nil, readyReplicas: Int? = nil,
        currentReplicas: Int? = nil, updatedReplicas: Int? = nil, availableReplicas: Int? = nil,
        currentRevision: String? = nil, updateRevision: String? = nil, collisionCount: Int? = nil,
        conditions: [JSONValue]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.currentReplicas = currentReplicas
        self.updatedReplicas = updatedReplicas
        self.availableReplicas = availableReplicas
        self.currentRevision = currentRevision
        self.updateRevision = updateRevision
        self.collisionCount = collisionCount
        self.conditions = conditions
    }
}
