/// A reason the AppDeployment reconciler stops: the object is `Stalled` with it and nothing is
/// created or changed. Reasons may be added (branch `drec`: refused writes, quota, hosts).
public struct AppDeploymentProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// A value the operator refuses or does not know (``AppDeploymentValidation``).
        case invalidSpec = "InvalidSpec"
        /// The spec breaks the policy of the namespace's Tenant (``TenantEnforcement``).
        case policyViolation = "PolicyViolation"
        /// `spec.rollbackTo.revision` is not in `status.history` (``AppDeploymentRevisionPlan``).
        case unknownRevision = "UnknownRevision"
        /// Another owner holds a child's name (``ChildNameConflict``).
        case nameConflict = "NameConflict"
        /// The name starts with a reserved prefix (``QuartermasterReservedNames``).
        case reservedName = "ReservedName"
        /// Another object holds `expose.host` (``HostClaims``).
        case hostConflict = "HostConflict"
        /// A source build has no build namespace: no Tenant, builds disabled, or not created yet.
        case noBuildNamespace = "NoBuildNamespace"
        /// Writes the API server refused (``RefusedWrite``), by class.
        case forbidden = "Forbidden"
        case quotaExceeded = "QuotaExceeded"
        case requestTooLarge = "RequestTooLarge"
        case invalid = "Invalid"
        case badRequest = "BadRequest"
        case refused = "Refused"
    }

    public var reason: Reason
    public var message: String

    public init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
