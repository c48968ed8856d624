/// An RBAC rule with the reason it is needed; the reason is written above the rule as a comment
/// in a generated manifest (see ``ClusterRoleManifest``).
public struct DocumentedPolicyRule: Hashable, Sendable {
    /// Why the rule is needed. May span several lines (each becomes a comment line).
    public var reason: String
    public var rule: PolicyRule

    public init(_ reason: String, _ rule: PolicyRule) {
        self.reason = reason
        self.rule = rule
    }

    /// Every `(apiGroup, resource, resourceName, verb)` the rule grants (`resourceName` `nil`:
    /// every name). Non-resource URLs are not covered.
    public var grants: Set<PolicyGrant> {
        var out: Set<PolicyGrant> = []
        for group in rule.apiGroups ?? [] {
            for resource in rule.resources ?? [] {
                for verb in rule.verbs {
                    if let names = rule.resourceNames {
                        for name in names { out.insert(PolicyGrant(group: group, resource: resource, name: name, verb: verb)) }
                    } else {
                        out.insert(PolicyGrant(group: group, resource: resource, name: nil, verb: verb))
                    }
                }
            }
        }
        return out
    }

    /// The rules with the same effective permissions, merged deterministically:
    ///
    /// 1. Rules with the same reason, API groups, verbs and resource names become one rule
    ///    whose resources are theirs joined in order of first appearance (each once).
    /// 2. A rule is left out when the rules kept before it already grant all it grants; rules
    ///    are considered broadest first (most grants; ties in order of appearance), so a narrow
    ///    rule never splits a broad one. A rule left out adds its reason (as a line of its own)
    ///    to the first kept rule that grants all of it, if there is one.
    ///
    /// The result is in order of first appearance and grants exactly the union of the input's
    /// ``grants`` (rules with non-resource URLs are kept as they are).
    public static func merged(_ rules: [DocumentedPolicyRule]) -> [DocumentedPolicyRule] {
        struct Key: Hashable {
            var reason: String
            var apiGroups: [String]?
            var verbs: [String]
            var resourceNames: [String]?
        }
        var joined: [DocumentedPolicyRule] = []
        var index: [Key: Int] = [:]
        for documented in rules {
            let rule = documented.rule
            let key = Key(
                reason: documented.reason, apiGroups: rule.apiGroups, verbs: rule.verbs, resourceNames: rule.resourceNames)
            if rule.nonResourceURLs == nil, let i = index[key] {
                var resources = joined[i].rule.resources ?? []
                for resource in rule.resources ?? [] where !resources.contains(resource) { resources.append(resource) }
                joined[i].rule.resources = resources
            } else {
                if rule.nonResourceURLs == nil { index[key] = joined.count }
                joined.append(documented)
            }
        }
        let grants = joined.map(\.grants)
        let broadestFirst = joined.indices.sorted {
            grants[$0].count > grants[$1].count || (grants[$0].count == grants[$1].count && $0 < $1)
        }
        var granted: Set<PolicyGrant> = []
        var kept: [Bool] = Array(repeating: false, count: joined.count)
        for i in broadestFirst where joined[i].rule.nonResourceURLs != nil || !grants[i].isSubset(of: granted) {
            kept[i] = true
            granted.formUnion(grants[i])
        }
        var out = joined
        for dropped in joined.indices where !kept[dropped] {
            guard let host = joined.indices.first(where: { kept[$0] && grants[dropped].isSubset(of: grants[$0]) })
            else { continue }
            let reasons = out[host].reason.split(separator: "\n").map(String.init)
            if !reasons.contains(joined[dropped].reason) { out[host].reason += "\n" + joined[dropped].reason }
        }
        return joined.indices.filter { kept[$0] }.map { out[$0] }
    }
}

/// One permission of an RBAC rule: a verb on a resource (or subresource, `pods/log`) of a
/// group, on every object (`name` `nil`) or on the one named.
public struct PolicyGrant: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `""` is the core group.
    public var group: String
    public var resource: String
    public var name: String?
    public var verb: String

    public init(group: String, resource: String, name: String? = nil, verb: String) {
        self.group = group
        self.resource = resource
        self.name = name
        self.verb = verb
    }

    public var description: String {
        "\(verb) \(resource)\(name.map { "/\($0)" } ?? "")\(group.isEmpty ? "" : ".\(group)")"
    }

    public static func < (a: PolicyGrant, b: PolicyGrant) -> Bool { a.description < b.description }
}
