import KubeCore

/// The ClusterRoles for people, `quartermaster-admin`, `-editor` and `-viewer`, aggregated into
/// the built-in `admin`, `edit` and `view` roles, so whoever may manage workloads in a namespace
/// may also manage the kinds whose ``KindDeclaration/aggregatedRoles`` is `.workload`
/// (see ``AggregatedRoleAccess`` for what each level grants).
public enum AggregatedRoles {
    /// One aggregated role: its name, the built-in role it aggregates into, and its verbs.
    public struct Level: Sendable {
        public var name: String
        /// `admin`, `edit` or `view`.
        public var aggregatesInto: String
        public var verbs: [String]
        /// Verbs on the `scale` subresource.
        public var scaleVerbs: [String]
    }

    /// admin, editor, viewer.
    public static let levels = [
        Level(
            name: "quartermaster-admin", aggregatesInto: "admin",
            verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
            scaleVerbs: ["get", "update", "patch"]),
        Level(
            name: "quartermaster-editor", aggregatesInto: "edit",
            verbs: ["get", "list", "watch", "create", "update", "patch", "delete"], scaleVerbs: ["get", "update", "patch"]),
        Level(name: "quartermaster-viewer", aggregatesInto: "view", verbs: ["get", "list", "watch"], scaleVerbs: ["get"]),
    ]

    /// The rules of `level` for `kinds`: per covered kind its objects, its scale subresource
    /// (if any) and its status (`get` only); rules with the same verbs merged.
    public static func rules(_ level: Level, for kinds: [KindDeclaration]) -> [DocumentedPolicyRule] {
        var rules: [DocumentedPolicyRule] = []
        for kind in kinds where kind.aggregatedRoles == .workload {
            let resource = kind.resource
            rules.append(DocumentedPolicyRule("", PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: level.verbs)))
            if kind.crd.scale != nil {
                rules.append(
                    DocumentedPolicyRule(
                        "", PolicyRule(apiGroups: [resource.group], resources: ["\(resource.plural)/scale"], verbs: level.scaleVerbs)))
            }
            rules.append(
                DocumentedPolicyRule("", PolicyRule(apiGroups: [resource.group], resources: ["\(resource.plural)/status"], verbs: ["get"])))
        }
        return DocumentedPolicyRule.merged(rules)
    }

    /// The three roles as manifests; `header` goes on the first.
    public static func manifests(for kinds: [KindDeclaration], header: [String]) -> [ClusterRoleManifest] {
        levels.enumerated().map { index, level in
            ClusterRoleManifest(
                name: level.name,
                labels: [
                    "app.kubernetes.io/name": "quartermaster",
                    "rbac.authorization.k8s.io/aggregate-to-\(level.aggregatesInto)": "true",
                ],
                rules: rules(level, for: kinds), header: index == 0 ? header : [])
        }
    }
}
