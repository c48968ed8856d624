/// Names the operator keeps for its own objects, refused as the names of the objects users
/// create (IPFSClusters, Resources, and every later kind): their children are named after
/// them, and a child named like one of the operator's own objects (the tenant's NetworkPolicy
/// `quartermaster-allow-same-namespace`, its quota `quartermaster-tenant`, ...) would make two
/// controllers fight over it.
///
/// The one list of reserved names: the reconcilers and the admission webhook read it.
public enum QuartermasterReservedNames {
    /// Prefixes no user object's name may start with: `quartermaster-`, the prefix of every
    /// object the operator names on its own (tenant quota, limit range, network policies,
    /// owner binding, leader lease).
    public static let prefixes = ["quartermaster-"]

    /// `true` when `name` starts with a reserved prefix, or is a prefix without its trailing
    /// `-` (`quartermaster`, whose children would be named `quartermaster-…`).
    public static func isReserved(_ name: String) -> Bool {
        prefixes.contains { prefix in
            name.hasPrefix(prefix) || (prefix.hasSuffix("-") && name == String(prefix.dropLast()))
        }
    }

    /// The message for a reserved `name` (`nil` when it is not reserved), naming the prefixes.
    public static func problem(_ name: String) -> String? {
        guard isReserved(name) else { return nil }
        let list = prefixes.map { "\"\($0)\"" }.joined(separator: ", ")
        return "the name \"\(name)\" is reserved for the operator's own objects (prefixes \(list)); choose another name"
    }
}
