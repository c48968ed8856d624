import Foundation

/// A pod (`core/v1`): containers scheduled together on one node.
public struct Pod: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)

    /// Always encoded; defaults to `v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `Pod`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    /// Written by the kubelet (or by tests through the status subresource).
    public var status: PodStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec? = nil, status: PodStatus? = nil) {
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
        spec = try c.decodeIfPresent(PodSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(PodStatus.self, forKey: .status)
    }
}

/// What a pod runs.
public struct PodSpec: Codable, Hashable, Sendable {
    public var containers: [Container]
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var securityContext: PodSecurityContext?
    public var nodeSelector: [String: String]?
    public var affinity: Affinity?
    public var tolerations: [Toleration]?
    public var topologySpreadConstraints: [TopologySpreadConstraint]?
    public var imagePullSecrets: [LocalObjectReference]?
    public var priorityClassName: String?
    /// `Always` (default), `OnFailure` or `Never`.
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var enableServiceLinks: Bool?
    public var hostname: String?
    public var subdomain: String?
    public var nodeName: String?

    public init(
        containers: [Container], initContainers: [Container]? = nil, volumes: [Volume]? = nil,
        serviceAccountName: String? = nil, automountServiceAccountToken: Bool? = nil,
        securityContext: PodSecurityContext? = nil, nodeSelector: [String: String]? = nil, affinity: Affinity? = nil,
        tolerations: [Toleration]? = nil, topologySpreadConstraints: [TopologySpreadConstraint]? = nil,
        imagePullSecrets: [LocalObjectReference]? = nil, priorityClassName: String? = nil,
        restartPolicy: String? = nil, terminationGracePeriodSeconds: Int64? = nil, enableServiceLinks: Bool? = nil,
        hostname: String? = nil, subdomain: String? = nil, nodeName: String? = nil
    ) {
        self.containers = containers
        self.initContainers = initContainers
        self.volumes = volumes
        self.serviceAccountName = serviceAccountName
        self.automountServiceAccountToken = automountServiceAccountToken
        self.securityContext = securityContext
        self.nodeSelector = nodeSelector
        self.affinity = affinity
        self.tolerations = tolerations
        self.topologySpreadConstraints = topologySpreadConstraints
        self.imagePullSecrets = imagePullSecrets
        self.priorityClassName = priorityClassName
        self.restartPolicy = restartPolicy
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.enableServiceLinks = enableServiceLinks
        self.hostname = hostname
        self.subdomain = subdomain
        self.nodeName = nodeName
    }

    enum CodingKeys: String, CodingKey {
        case containers, initContainers, volumes, serviceAccountName, automountServiceAccountToken, securityContext
        case nodeSelector, affinity, tolerations, topologySpreadConstraints, imagePullSecrets, priorityClassName
        case restartPolicy, terminationGracePeriodSeconds, enableServiceLinks, hostname, subdomain, nodeName
    }

    /// Like the synthesized decoder, but a missing `containers` reads as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        containers = try c.decodeIfPresent([Container].self, forKey: .containers) ?? []
        initContainers = try c.decodeIfPresent([Container].self, forKey: .initContainers)
        volumes = try c.decodeIfPresent([Volume].self, forKey: .volumes)
        serviceAccountName = try c.decodeIfPresent(String.self, forKey: .serviceAccountName)
        automountServiceAccountToken = try c.decodeIfPresent(Bool.self, forKey: .automountServiceAccountToken)
        securityContext = try c.decodeIfPresent(PodSecurityContext.self, forKey: .securityContext)
        nodeSelector = try c.decodeIfPresent([String: String].self, forKey: .nodeSelector)
        affinity = try c.decodeIfPresent(Affinity.self, forKey: .affinity)
        tolerations = try c.decodeIfPresent([Toleration].self, forKey: .tolerations)
        topologySpreadConstraints = try c.decodeIfPresent(
            [TopologySpreadConstraint].self, forKey: .topologySpreadConstraints)
        imagePullSecrets = try c.decodeIfPresent([LocalObjectReference].self, forKey: .imagePullSecrets)
        priorityClassName = try c.decodeIfPresent(String.self, forKey: .priorityClassName)
        restartPolicy = try c.decodeIfPresent(String.self, forKey: .restartPolicy)
        terminationGracePeriodSeconds = try c.decodeIfPresent(Int64.self, forKey: .terminationGracePeriodSeconds)
        enableServiceLinks = try c.decodeIfPresent(Bool.self, forKey: .enableServiceLinks)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        subdomain = try c.decodeIfPresent(String.self, forKey: .subdomain)
        nodeName = try c.decodeIfPresent(String.self, forKey: .nodeName)
    }
}

/// The pod template of a workload: metadata (labels must match the selector) and spec.
public struct PodTemplateSpec: Codable, Hashable, Sendable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?
    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// What the kubelet reports about a pod.
public struct PodStatus: Codable, Hashable, Sendable {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var containerStatuses: [ContainerStatus]?
    public var initContainerStatuses: [ContainerStatus]?
    public var podIP: String?
    public var hostIP: String?
    public var startTime: String?
    public var reason: String?
    public var message: String?

    public init(
        phase: String? = nil, conditions: [PodCondition]? = nil, containerStatuses: [ContainerStatus]? = nil,
        initContainerStatuses: [ContainerStatus]? = nil, podIP: String? = nil, hostIP: String? = nil,
        startTime: String? = nil, reason: String? = nil, message: String? = nil
    ) {
        self.phase = phase
        self.conditions = conditions
        self.containerStatuses = containerStatuses
        self.initContainerStatuses = initContainerStatuses
        self.podIP = podIP
        self.hostIP = hostIP
        self.startTime = startTime
        self.reason = reason
        self.message = message
    }

    /// `true` when the `Ready` condition is `True`.
    public var isReady: Bool { conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false }
}

/// A pod condition (`PodScheduled`, `Initialized`, `ContainersReady`, `Ready`); batch/v1 Job
/// conditions have the same shape (``JobCondition``).
public struct PodCondition: Codable, Hashable, Sendable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var lastProbeTime: String?
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?
    public init(
        type: String, status: String, lastProbeTime: String? = nil, lastTransitionTime: String? = nil,
        reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// The state of one container of a pod.
public struct ContainerStatus: Codable, Hashable, Sendable {
    public var name: String
    public var ready: Bool
    public var restartCount: Int
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var started: Bool?
    /// `{"running": {...}}`, `{"waiting": {"reason": ...}}` or `{"terminated": {...}}`.
    public var state: JSONValue?
    public var lastState: JSONValue?
    public init(
        name: String, ready: Bool, restartCount: Int = 0, image: String? = nil, imageID: String? = nil,
        containerID: String? = nil, started: Bool? = nil, state: JSONValue? = nil, lastState: JSONValue? = nil
    ) {
        self.name = name
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
        self.started = started
        self.state = state
        self.lastState = lastState
    }
}

extension ContainerStatus {
    /// `state.terminated`, typed; `nil` when the container has not terminated.
    public var terminated: ContainerStateTerminated? { ContainerStateTerminated(state?["terminated"]) }
    /// `lastState.terminated`, typed: the previous run of a restarted container.
    public var lastTerminated: ContainerStateTerminated? { ContainerStateTerminated(lastState?["terminated"]) }
}

/// A container that has exited (`core/v1 ContainerStateTerminated`).
public struct ContainerStateTerminated: Hashable, Sendable {
    public var exitCode: Int
    public var signal: Int?
    /// `Completed`, `Error`, `OOMKilled`, `DeadlineExceeded`, ...
    public var reason: String?
    /// The termination message: the container's `terminationMessagePath` (default
    /// `/dev/termination-log`, at most 4096 bytes), or with `FallbackToLogsOnError` the log's
    /// tail when that file is empty and the container failed.
    public var message: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var containerID: String?

    public init(
        exitCode: Int, signal: Int? = nil, reason: String? = nil, message: String? = nil,
        startedAt: String? = nil, finishedAt: String? = nil, containerID: String? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.containerID = containerID
    }

    /// Reads a `terminated` object; `nil` when absent or without an integer `exitCode`.
    public init?(_ value: JSONValue?) {
        guard let value, let code = value["exitCode"]?.intValue, let exitCode = Int(exactly: code) else { return nil }
        self.exitCode = exitCode
        self.signal = value["signal"]?.intValue.flatMap { Int(exactly: $0) }
        self.reason = value["reason"]?.stringValue
        self.message = value["message"]?.stringValue
        self.startedAt = value["startedAt"]?.stringValue
        self.finishedAt = value["finishedAt"]?.stringValue
        self.containerID = value["containerID"]?.stringValue
    }

    /// The `terminated` object, as found in a container status's `state`.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["exitCode": .int(Int64(exitCode))]
        if let signal { o["signal"] = .int(Int64(signal)) }
        if let reason { o["reason"] = .string(reason) }
        if let message { o["message"] = .string(message) }
        if let startedAt { o["startedAt"] = .string(startedAt) }
        if let finishedAt { o["finishedAt"] = .string(finishedAt) }
        if let containerID { o["containerID"] = .string(containerID) }
        return .object(o)
    }
}
