/// One way a workload breaks its tenant's policy: the field of the workload's spec and what is
/// wrong with it.
public struct TenantPolicyViolation: Hashable, Sendable, CustomStringConvertible {
    /// The field path in the workload's spec, e.g. `spec.tolerations[0]`.
    public var field: String
    /// What is not allowed and what is, e.g. `toleration {operator: Exists} is not allowed ...`.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `<field>: <message>`.
    public var description: String { "\(field): \(message)" }

    /// Every violation's description joined by `"; "`: the message of a `PolicyViolation`.
    public static func summary(_ violations: [TenantPolicyViolation]) -> String {
        violations.map(\.description).joined(separator: "; ")
    }
}
