import KubeCore

/// The build's version, printed by `quartermaster version` and sent in the user agent.
public enum QuartermasterVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}

extension OperatorIdentity {
    /// Quartermaster as the API server sees it: field manager and `managed-by` label
    /// `quartermaster`, annotation `quartermaster.dev/applied-hash`, lease
    /// `quartermaster-leader`, user agent `quartermaster/<version>`.
    public static let quartermaster = OperatorIdentity(
        name: "quartermaster", version: QuartermasterVersion.current, annotationDomain: "quartermaster.dev")
}

/// Name prefixes the operator reserves for objects of its own (tenant NetworkPolicies, roles,
/// quotas: `quartermaster-allow-same-namespace`, ...). The one list: the admission webhook
/// refuses custom resources named with one, and the reconcilers check it before writing.
public enum QuartermasterReservedNames {
    /// `quartermaster-`.
    public static let prefixes = ["quartermaster-"]

    /// The reserved prefix `name` starts with, or `nil`.
    public static func reservedPrefix(of name: String) -> String? {
        prefixes.first { name.hasPrefix($0) }
    }

    /// Why `name` may not be used, or `nil` when it may.
    public static func problem(name: String) -> String? {
        reservedPrefix(of: name).map {
            "the name \"\(name)\" starts with \"\($0)\", which is reserved for the operator's own objects"
        }
    }
}
