import Foundation
import KubeCore
import KubeRuntime

/// `Resource.status`, written only by the operator.
///
/// Schema: object; description "How far provisioning has got."
public struct ResourceStatus: ConditionedStatus, Hashable {
    /// Schema: integer (int64); description "The metadata.generation this status describes."
    public var observedGeneration: Int64?
    /// Schema: string, enum of `ResourcePhase`; description "Summary of the Resource's state."
    public var phase: ResourcePhase?
    /// Schema: integer, 0 to 100; description "Percentage of the furthest provisioning stage
    /// reached (0, 20, 40, 60, 80, 100); reflects real state, never a timer."
    public var progress: Int?
    /// Schema: string; description "progress formatted for kubectl, e.g. 60%."
    public var progressText: String?
    /// Schema: array of `ResourceStage`, list-type map keyed by `name`; description "The six
    /// provisioning stages, in order."
    public var stages: [ResourceStage]?
    /// Schema: string; description "Template name and version the Resource was built from,
    /// e.g. small-storage@v1."
    public var templateVersion: String?
    /// Schema: string; description "Where clients reach the Resource, once ready."
    public var endpoint: String?
    /// Schema: object with `name`; description "Secret in the Resource's namespace holding
    /// its credentials."
    public var credentialsSecretRef: LocalObjectReference?
    /// Schema: object with `apiVersion`, `kind`, `name`; description "The object the template
    /// created."
    public var childRef: ResourceChildReference?
    /// Types `Ready`, `Reconciling`, `Stalled`.
    ///
    /// Schema: array of meta/v1 Condition, list-type map keyed by `type`.
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil, phase: ResourcePhase? = nil, progress: Int? = nil,
        progressText: String? = nil, stages: [ResourceStage]? = nil, templateVersion: String? = nil,
        endpoint: String? = nil, credentialsSecretRef: LocalObjectReference? = nil,
        childRef: ResourceChildReference? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.progress = progress
        self.progressText = progressText
        self.stages = stages
        self.templateVersion = templateVersion
        self.endpoint = endpoint
        self.credentialsSecretRef = credentialsSecretRef
        self.childRef = childRef
        self.conditions = conditions
    }

    /// `60` → `"60%"`, clamped to 0...100.
    public static func progressText(_ progress: Int) -> String { "\(min(100, max(0, progress)))%" }
}

/// A Resource's summary state.
///
/// Schema: string, enum `Pending`, `Provisioning`, `Ready`, `Degraded`, `Failed`,
/// `Suspended`, `Deleting`.
public enum ResourcePhase: String, Codable, Hashable, Sendable, CaseIterable {
    /// Accepted; template, quota or namespace not settled yet (stages 1–2).
    case pending = "Pending"
    /// Configuration and workloads being created or becoming ready (stages 3–6).
    case provisioning = "Provisioning"
    /// Every stage done.
    case ready = "Ready"
    /// Was ready; the workloads are not ready now.
    case degraded = "Degraded"
    /// A stage failed (invalid template or parameters, quota exceeded, workloads failed).
    case failed = "Failed"
    /// `spec.suspended` (or the tenant's): workloads at zero, data kept.
    case suspended = "Suspended"
    /// Being deleted.
    case deleting = "Deleting"
}

/// The object a Resource's template created.
public struct ResourceChildReference: Codable, Hashable, Sendable {
    /// Description: "API version of the child, e.g. quartermaster.dev/v1alpha1."
    public var apiVersion: String
    /// Description: "Kind of the child, e.g. IPFSCluster."
    public var kind: String
    /// Description: "Name of the child in the Resource's namespace."
    public var name: String

    public init(apiVersion: String, kind: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }
}
