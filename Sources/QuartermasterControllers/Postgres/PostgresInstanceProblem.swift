import KubeRuntime

/// A reason the PostgresInstance reconciler stops: the instance is `Stalled` with it, and
/// nothing is created or changed (the Secrets and pods that exist are left as they are).
public struct PostgresInstanceProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// `spec.postgresVersion` differs from the major running (`status.postgresVersion`).
        case majorVersionChange = "MajorVersionChange"
        /// A parameter the operator controls, or a `trust` pg_hba line.
        case invalidParameters = "InvalidParameters"
        /// `spec.synchronous.number` is not smaller than `spec.instances` (``PostgresSynchronous``).
        case invalidSynchronous = "InvalidSynchronous"
        /// A value this operator does not know or cannot read (an unknown enum value, a bound
        /// broken by an object stored under an older schema, a quantity that does not parse).
        case invalidSpec = "InvalidSpec"
        /// The spec breaks the policy of the namespace's Tenant (``TenantEnforcement``).
        case policyViolation = "PolicyViolation"
        /// A Secret of one of the instance's names exists and is not the instance's.
        case secretConflict = "SecretConflict"
        /// A Secret of the instance exists but cannot be read (missing keys); never regenerated.
        case invalidSecret = "InvalidSecret"
        /// Another object of a child's name exists (not a Secret).
        case nameConflict = "NameConflict"
        /// The API server refused a write (``RefusedWrite``): its class.
        case forbidden = "Forbidden"
        case quotaExceeded = "QuotaExceeded"
        case requestTooLarge = "RequestTooLarge"
        case invalid = "Invalid"
        case badRequest = "BadRequest"
        case refused = "Refused"
        // Backups and recovery (issue 12, branch bkop).
        /// `spec.backup.objectStore` uses the tenant's credentials outside the tenant's prefix.
        case backupDestinationForbidden = "BackupDestinationForbidden"
        /// No Completed PostgresBackup of the recovery source fits the recovery target.
        case noBackupForTarget = "NoBackupForTarget"
    }

    public var reason: Reason
    public var message: String

    public init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }

    /// The problem of a refused write.
    public static func refused(_ refusal: RefusedWrite) -> PostgresInstanceProblem {
        let reason = Reason(rawValue: refusal.reason.rawValue) ?? .refused
        return PostgresInstanceProblem(reason: reason, message: refusal.description)
    }
}
