import KubeCore

/// A toleration as tenant policy compares it: `key`, `operator`, `value` and `effect` (the
/// fields that decide which taints it tolerates; `tolerationSeconds` only bounds how long).
///
/// Schema (an entry of `spec.policy.tolerations`): object; `key` string, `operator` enum
/// `Equal`, `Exists`, `value` string, `effect` enum `NoSchedule`, `PreferNoSchedule`,
/// `NoExecute`. Omitted `operator` means `Equal` and omitted `effect` every effect, as in
/// core/v1.
public struct TenantPolicyToleration: Codable, Hashable, Sendable, CustomStringConvertible {
    public var key: String?
    public var `operator`: String?
    public var value: String?
    public var effect: String?

    public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
    }

    /// The toleration's fields read from a core/v1 Toleration as JSON (fields that are not
    /// strings are read as absent, which never widens what it is allowed to match: a missing
    /// key or effect is a broader toleration and so needs an allowed one just as broad).
    public init(json: JSONValue) {
        self.init(
            key: json["key"]?.stringValue, operator: json["operator"]?.stringValue, value: json["value"]?.stringValue,
            effect: json["effect"]?.stringValue)
    }

    /// The toleration with defaults made explicit: operator `Equal` when omitted, empty strings
    /// for an omitted key, value and effect (`Exists` has no value).
    public var normalised: TenantPolicyToleration {
        let op = `operator`.flatMap { $0.isEmpty ? nil : $0 } ?? "Equal"
        return TenantPolicyToleration(
            key: key ?? "", operator: op, value: op == "Exists" ? "" : (value ?? ""), effect: effect ?? "")
    }

    /// `true` when `self` and `other` are the same toleration once normalised: same key,
    /// operator, value and effect.
    public func matches(_ other: TenantPolicyToleration) -> Bool { normalised == other.normalised }

    /// `{key: k, operator: Equal, value: v, effect: NoSchedule}`, omitted fields left out.
    public var description: String {
        let parts = [("key", key), ("operator", `operator`), ("value", value), ("effect", effect)]
            .compactMap { name, v in v.map { "\(name): \($0)" } }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
