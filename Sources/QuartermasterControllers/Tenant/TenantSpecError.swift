import Foundation

/// Why a Tenant cannot be turned into objects. The reconciler reports it as `Stalled=True`,
/// reason `InvalidSpec`, with `description` as the message; it never retries until the spec
/// changes.
public enum TenantSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The Tenant has no `metadata.name` or `metadata.uid` (it was never read from the server).
    case missingIdentity
    /// The namespace name is not a DNS-1123 label.
    case invalidNamespaceName(String)
    /// The namespace is reserved: `default`, `kube-*`, or the operator's own.
    case reservedNamespace(String)
    /// The spec holds enum values this operator does not know (messages name field and value).
    case unknownValues([String])
    /// An owner has an empty name.
    case emptyOwnerName(index: Int)
    /// A network peer sets neither or both of `namespace` and `namespaceSelector`.
    case invalidNetworkPeer(index: Int)
    /// A quota value is negative.
    case negativeQuota(field: String)
    /// Container limits contradict each other (`defaultRequest <= defaultLimit <= max`).
    case inconsistentLimits([String])
    /// `spec.builds` cannot be turned into a build namespace (messages name field and value).
    case invalidBuilds([String])

    public var description: String {
        switch self {
        case .missingIdentity:
            return "the Tenant has no name or uid"
        case .invalidNamespaceName(let n):
            return
                "spec.namespace \"\(n)\" is not a valid namespace name (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)"
        case .reservedNamespace(let n):
            return
                "spec.namespace \"\(n)\" is reserved (default, kube-* and the operator's own namespace are never a tenant's); choose another"
        case .unknownValues(let messages):
            return messages.joined(separator: "; ")
        case .emptyOwnerName(let i):
            return "spec.owners[\(i)].name must not be empty"
        case .invalidNetworkPeer(let i):
            return "spec.network.allowFrom[\(i)] must set exactly one of namespace and namespaceSelector"
        case .negativeQuota(let field):
            return "spec.quota.\(field) must not be negative"
        case .inconsistentLimits(let messages), .invalidBuilds(let messages):
            return messages.joined(separator: "; ")
        }
    }

    /// `true` when `name` may never be a tenant's namespace: `default`, any `kube-` name, or
    /// `operatorNamespace`.
    public static func isReservedNamespace(_ name: String, operatorNamespace: String?) -> Bool {
        name == "default" || name.hasPrefix("kube-") || name == operatorNamespace
    }

    /// `true` when `name` is a DNS-1123 label, as namespace names must be.
    public static func isValidNamespaceName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63 else { return false }
        let allowed = name.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
        return allowed && name.first != "-" && name.last != "-"
    }
}
