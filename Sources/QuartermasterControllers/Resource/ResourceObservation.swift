import Foundation
import KubeCore
import KubeRuntime

/// What the Resource reconciler observed, the input of ``ResourceStatusComputation``. Every
/// field is a fact about the cluster now, never a guess or a timer.
public struct ResourceObservation: Hashable, Sendable {
    /// The template lookup and parameter validation (`ResourceTemplateCatalog.resolve`).
    public var template: Result<ResolvedResourceTemplate, ResourceTemplateError>
    /// The quota check of the template's needs; `nil` when not checked yet. Only consulted
    /// until the child has been applied: once it exists its usage is part of the quota.
    public var quota: QuotaCheckResult?
    /// The child's name is taken by an object this Resource does not control (another owner's,
    /// or nobody's); `nil` when the name is free or the child is this Resource's. Nothing is
    /// applied while it is set.
    public var conflict: ChildNameConflict?
    /// The Resource's name is reserved for the operator's objects
    /// (``QuartermasterReservedNames``): the message; `nil` otherwise. Nothing is applied while
    /// it is set.
    public var reservedName: String?
    /// How the child's desired spec breaks the policy of the namespace's Tenant
    /// (``TenantPolicy/violations(of:)``); empty when it complies or there is no Tenant.
    /// Nothing is applied while any is listed.
    public var policyViolations: [TenantPolicyViolation]
    /// The API server refused the child's write (``RefusedWrite``: forbidden, quota, too large,
    /// invalid); `nil` when nothing was refused.
    public var refusal: RefusedWrite?
    /// The namespace exists and is not terminating.
    public var namespaceReady: Bool
    /// Secrets and configuration for the child exist.
    public var configGenerated: Bool
    /// The child object exists with the desired spec.
    public var childApplied: Bool
    /// The child reports ready.
    public var childReady: Bool
    /// What the child is waiting for, e.g. `2/3 nodes ready` (shown while verifying).
    public var childProgress: String?
    /// Set when the child reports failure or `Stalled=True`: its message.
    public var childFailure: String?
    /// The reason of the child's `Stalled=True` condition, when it has one.
    public var childFailureReason: String?
    /// The endpoint and credentials Secret reference are known and written to status.
    public var endpointPublished: Bool
    /// `spec.suspended` of the Resource or of its Tenant.
    public var suspended: Bool
    /// The Resource has a `deletionTimestamp`.
    public var deleting: Bool

    public init(
        template: Result<ResolvedResourceTemplate, ResourceTemplateError>, quota: QuotaCheckResult? = nil,
        conflict: ChildNameConflict? = nil, namespaceReady: Bool = false, configGenerated: Bool = false, childApplied: Bool = false,
        childReady: Bool = false, childProgress: String? = nil, childFailure: String? = nil,
        childFailureReason: String? = nil, endpointPublished: Bool = false, suspended: Bool = false, deleting: Bool = false,
        reservedName: String? = nil, policyViolations: [TenantPolicyViolation] = []
    ) {
        self.reservedName = reservedName
        self.policyViolations = policyViolations
        self.template = template
        self.quota = quota
        self.conflict = conflict
        self.namespaceReady = namespaceReady
        self.configGenerated = configGenerated
        self.childApplied = childApplied
        self.childReady = childReady
        self.childProgress = childProgress
        self.childFailure = childFailure
        self.childFailureReason = childFailureReason
        self.endpointPublished = endpointPublished
        self.suspended = suspended
        self.deleting = deleting
    }
}
