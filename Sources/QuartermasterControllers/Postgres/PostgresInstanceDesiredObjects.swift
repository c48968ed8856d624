import KubeCore

/// Everything ``PostgresInstanceDesiredState/compute(instance:observation:settings:)`` asks for
/// (Secrets aside: they are created once by the reconciler, never recomputed).
public struct PostgresInstanceDesiredObjects: Sendable, Hashable {
    /// Which serials run and which is the primary.
    public var topology: PostgresInstanceTopology
    /// The pod name the operator wants as primary (`status.targetPrimary`).
    public var targetPrimary: String
    /// Data (and WAL) claims of every wanted serial; created when missing, never changed.
    public var claims: [PersistentVolumeClaim]
    /// One pod per wanted serial (none while suspended), with the role label the operator
    /// wants now and the ``PostgresInstanceDesiredState/podSpecHashAnnotation``.
    public var pods: [Pod]
    /// Pods and claims of removed serials (scale down).
    public var removedPods: [String]
    public var removedClaims: [String]
    public var services: [Service]
    public var serviceAccount: ServiceAccount
    public var role: Role
    public var roleBinding: RoleBinding
    public var networkPolicies: [NetworkPolicy]
    /// The pooler, when enabled.
    public var poolerDeployment: Deployment?
    /// `<name>-primary` when more than one instance runs (applied only where `policy/v1` is
    /// served).
    public var podDisruptionBudget: PodDisruptionBudget?
}
