import KubeCore

/// What the admission webhook checks for a kind, declared on its ``KindDeclaration``: the
/// operator's bounds (what the reconciler would refuse and the CRD schema cannot state on a
/// v1.20 server, which has no CEL), and the Tenant's policy.
///
/// Only CREATE and UPDATE of the main resource are sent (never status or scale, never DELETE),
/// and an UPDATE that leaves `spec` as stored is always allowed, with the problems as
/// warnings: an object that predates a bound or policy can still lose its finalizers and be
/// deleted, and its reconciler reports the problem in status.
public struct KindAdmission: Sendable {
    /// Problems of the object with the operator's bounds, each a sentence for people; empty
    /// when none. Throws when the object cannot be read as the kind (a denial with the error).
    public typealias BoundsCheck = @Sendable (AdmissionInput) throws -> [String]
    /// Problems of the object with its Tenant's policy; empty when none.
    public typealias TenantPolicyCheck = @Sendable (AdmissionInput, Tenant) throws -> [String]

    /// The operator's bounds.
    public var bounds: BoundsCheck
    /// The evaluation of the object against its Tenant's policy (``TenantEnforcement``, the
    /// same pure judgement its reconciler makes). Called only when the namespace has a Tenant.
    /// Default `nil`: the kind has no workload a policy rules on.
    public var tenantPolicy: TenantPolicyCheck?

    public init(bounds: @escaping BoundsCheck, tenantPolicy: TenantPolicyCheck? = nil) {
        self.bounds = bounds
        self.tenantPolicy = tenantPolicy
    }
}
