import Foundation
import KubeCore

/// `Resource.spec`.
///
/// Schema: object, required `template`; unknown fields rejected.
public struct ResourceSpec: Codable, Hashable, Sendable {
    /// The template's name.
    ///
    /// Schema: string, required, enum `ResourceTemplateCatalog.names` (today
    /// `ipfs-cluster-small`, `small-storage`, `medium-storage`, `large-storage`; the planned
    /// `postgres-small` and `postgres-medium` are not accepted yet); description "Built-in
    /// template to build from; list them with quartermaster templates."
    public var template: String
    /// Overrides of the template's parameters; each template accepts only some.
    ///
    /// Schema: `ResourceParameters`; description "Overrides of the template's parameters,
    /// validated against the template."
    public var parameters: ResourceParameters?
    /// Schema: boolean, default `false`; description "Scale the workloads to zero, keeping
    /// all data."
    public var suspended: Bool?

    public init(template: String, parameters: ResourceParameters? = nil, suspended: Bool? = nil) {
        self.template = template
        self.parameters = parameters
        self.suspended = suspended
    }

    /// `suspended`, or `false` when unset.
    public var isSuspended: Bool { suspended ?? false }
}

/// `Resource.spec.parameters`: per-template overrides.
///
/// Schema: object; description "Overrides of the template's parameters."
public struct ResourceParameters: Codable, Hashable, Sendable {
    /// Schema: int-or-string quantity (`x-kubernetes-int-or-string`, quantity pattern);
    /// description "Storage per IPFS node, e.g. 10Gi; range depends on the template."
    public var size: Quantity?
    /// Schema: integer, minimum 1; description "Number of IPFS nodes; only templates with
    /// more than one node accept it."
    public var replicas: Int?
    /// Schema: object name; description "A PostgresInstance of this namespace to restore from
    /// (postgres-medium)."
    public var restoreFrom: String?
    /// Schema: date-time string; description "The time to restore to (needs restoreFrom)."
    public var restoreTime: String?

    public init(size: Quantity? = nil, replicas: Int? = nil, restoreFrom: String? = nil, restoreTime: String? = nil) {
        self.size = size
        self.replicas = replicas
        self.restoreFrom = restoreFrom
        self.restoreTime = restoreTime
    }
}
