import Foundation

/// One container of a pod (`core/v1 Container`).
public struct Container: Codable, Hashable, Sendable {
    public var name: String
    public var image: String?
    /// `Always`, `IfNotPresent` or `Never`.
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var env: [EnvVar]?
    public var envFrom: [EnvFromSource]?
    public var ports: [ContainerPort]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var startupProbe: Probe?
    public var securityContext: SecurityContext?
    public var terminationMessagePolicy: String?

    public init(
        name: String, image: String? = nil, imagePullPolicy: String? = nil, command: [String]? = nil,
        args: [String]? = nil, workingDir: String? = nil, env: [EnvVar]? = nil, envFrom: [EnvFromSource]? = nil,
        ports: [ContainerPort]? = nil, resources: ResourceRequirements? = nil, volumeMounts: [VolumeMount]? = nil,
        readinessProbe: Probe? = nil, livenessProbe: Probe? = nil, startupProbe: Probe? = nil,
        securityContext: SecurityContext? = nil, terminationMessagePolicy: String? = nil
    ) {
        self.name = name
        self.image = image
        self.imagePullPolicy = imagePullPolicy
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.env = env
        self.envFrom = envFrom
        self.ports = ports
        self.resources = resources
        self.volumeMounts = volumeMounts
        self.readinessProbe = readinessProbe
        self.livenessProbe = livenessProbe
        self.startupProbe = startupProbe
        self.securityContext = securityContext
        self.terminationMessagePolicy = terminationMessagePolicy
    }
}

/// A port a container listens on.
public struct ContainerPort: Codable, Hashable, Sendable {
    public var name: String?
    public var containerPort: Int
    /// `TCP`, `UDP` or `SCTP`. The initializer sets `TCP`, as servers before v1.26 reject a
    /// server-side apply of two ports that differ only by an omitted `protocol`.
    public var `protocol`: String?
    public init(name: String? = nil, containerPort: Int, protocol: String? = "TCP") {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}

/// One environment variable: a literal `value` or a `valueFrom` reference.
public struct EnvVar: Codable, Hashable, Sendable {
    public var name: String
    public var value: String?
    public var valueFrom: EnvVarSource?
    public init(name: String, value: String? = nil, valueFrom: EnvVarSource? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }

    /// A variable read from a key of a Secret.
    public static func secret(_ name: String, secretName: String, key: String, optional: Bool? = nil) -> EnvVar {
        EnvVar(name: name, valueFrom: EnvVarSource(secretKeyRef: KeySelector(name: secretName, key: key, optional: optional)))
    }

    /// A variable read from a field of the pod (`metadata.name`, `status.podIP`).
    public static func field(_ name: String, fieldPath: String) -> EnvVar {
        EnvVar(name: name, valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: fieldPath)))
    }
}

/// Where an environment variable's value comes from.
public struct EnvVarSource: Codable, Hashable, Sendable {
    public var secretKeyRef: KeySelector?
    public var configMapKeyRef: KeySelector?
    public var fieldRef: ObjectFieldSelector?
    public var resourceFieldRef: ResourceFieldSelector?
    public init(
        secretKeyRef: KeySelector? = nil, configMapKeyRef: KeySelector? = nil, fieldRef: ObjectFieldSelector? = nil,
        resourceFieldRef: ResourceFieldSelector? = nil
    ) {
        self.secretKeyRef = secretKeyRef
        self.configMapKeyRef = configMapKeyRef
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
    }
}

/// A key of a Secret or ConfigMap in the pod's namespace.
public struct KeySelector: Codable, Hashable, Sendable {
    public var name: String?
    public var key: String
    /// Default (when `nil`): required; the pod does not start without it.
    public var optional: Bool?
    public init(name: String? = nil, key: String, optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }
}

/// A field of the pod, such as `metadata.namespace`.
public struct ObjectFieldSelector: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var fieldPath: String
    public init(apiVersion: String? = nil, fieldPath: String) {
        self.apiVersion = apiVersion
        self.fieldPath = fieldPath
    }
}

/// A resource limit or request of a container, such as `limits.memory`.
public struct ResourceFieldSelector: Codable, Hashable, Sendable {
    public var containerName: String?
    public var resource: String
    public var divisor: Quantity?
    public init(containerName: String? = nil, resource: String, divisor: Quantity? = nil) {
        self.containerName = containerName
        self.resource = resource
        self.divisor = divisor
    }
}

/// All keys of a ConfigMap or Secret as environment variables.
public struct EnvFromSource: Codable, Hashable, Sendable {
    public var prefix: String?
    public var configMapRef: OptionalReference?
    public var secretRef: OptionalReference?
    public init(prefix: String? = nil, configMapRef: OptionalReference? = nil, secretRef: OptionalReference? = nil) {
        self.prefix = prefix
        self.configMapRef = configMapRef
        self.secretRef = secretRef
    }

    /// A named object that may be marked optional.
    public struct OptionalReference: Codable, Hashable, Sendable {
        public var name: String?
        public var optional: Bool?
        public init(name: String? = nil, optional: Bool? = nil) {
            self.name = name
            self.optional = optional
        }
    }
}

/// Where a volume is mounted in a container.
public struct VolumeMount: Codable, Hashable, Sendable {
    public var name: String
    public var mountPath: String
    public var subPath: String?
    public var readOnly: Bool?
    public init(name: String, mountPath: String, subPath: String? = nil, readOnly: Bool? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.subPath = subPath
        self.readOnly = readOnly
    }
}
