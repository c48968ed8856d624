import Foundation

/// A ClusterRole written out as a committed YAML manifest, for `kubectl apply` or as a Helm
/// chart template.
///
/// The output is deterministic (label keys sorted, rules in order), so a drift test can compare
/// it byte for byte with the committed file. Strings in rules and label values are written as
/// double-quoted (JSON) scalars, so no value is ever read as another YAML type.
public struct ClusterRoleManifest: Sendable {
    /// How the metadata labels are written.
    public enum Flavor: Sendable, Hashable {
        /// Every label written out; for `kubectl apply` and kustomize.
        case plain
        /// For a Helm chart's `templates/`: the labels named in `replacing` come from the
        /// chart's named template `include` (its standard labels), the others are written out.
        /// Default `replacing`: ``helmStandardLabels``.
        case helmTemplate(include: String, replacing: Set<String> = ClusterRoleManifest.helmStandardLabels)
    }

    /// The labels a chart's standard-labels template writes: `app.kubernetes.io/` `name`,
    /// `instance`, `version` and `managed-by`. Others (`app.kubernetes.io/component`, aggregation
    /// labels) are written out in both flavours.
    public static let helmStandardLabels: Set<String> = [
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
        "app.kubernetes.io/managed-by",
    ]

    /// The role; `metadata.name`, `metadata.labels` and `rules` are written.
    public var role: ClusterRole
    /// One reason per rule of `role.rules`, written as a comment above it, one comment line per
    /// line of the reason (`nil`: none).
    public var ruleReasons: [String?]
    /// Comment lines at the top of the file (without `#`).
    public var header: [String]

    public init(role: ClusterRole, ruleReasons: [String?] = [], header: [String] = []) {
        self.role = role
        self.ruleReasons = ruleReasons
        self.header = header
    }

    /// A role named `name` with `labels` and exactly `rules`, each preceded by its reason.
    public init(name: String, labels: [String: String], rules: [DocumentedPolicyRule], header: [String] = []) {
        self.init(
            role: ClusterRole(metadata: ObjectMeta(name: name, labels: labels), rules: rules.map(\.rule)),
            ruleReasons: rules.map { $0.reason.isEmpty ? nil : $0.reason }, header: header)
    }

    /// Several roles as one file: their manifests separated by `---` lines.
    public static func yaml(_ manifests: [ClusterRoleManifest], _ flavor: Flavor = .plain) -> String {
        manifests.map { $0.yaml(flavor) }.joined(separator: "---\n")
    }

    /// The manifest text in `flavor`, ending in a newline.
    public func yaml(_ flavor: Flavor = .plain) -> String {
        var lines = header.map { $0.isEmpty ? "#" : "# \($0)" }
        lines += [
            "apiVersion: \(ClusterRole.resource.apiVersion)",
            "kind: \(ClusterRole.resource.kind)",
            "metadata:",
            "  name: \(Self.quoted(role.metadata.name ?? ""))",
        ]
        var labels = (role.metadata.labels ?? [:]).sorted { $0.key < $1.key }
        var labelLines: [String] = []
        if case .helmTemplate(let include, let replaced) = flavor {
            labelLines.append("    {{- include \(Self.quoted(include)) . | nindent 4 }}")
            labels.removeAll { replaced.contains($0.key) }
        }
        labelLines += labels.map { "    \($0.key): \(Self.quoted($0.value))" }
        if !labelLines.isEmpty { lines += ["  labels:"] + labelLines }
        lines.append("rules:")
        for (index, rule) in (role.rules ?? []).enumerated() {
            if index < ruleReasons.count, let reason = ruleReasons[index] {
                lines += reason.split(separator: "\n", omittingEmptySubsequences: false).map { "  # \($0)" }
            }
            var fields: [String] = []
            if let groups = rule.apiGroups { fields.append("apiGroups: \(Self.list(groups))") }
            if let resources = rule.resources { fields.append("resources: \(Self.list(resources))") }
            if let names = rule.resourceNames { fields.append("resourceNames: \(Self.list(names))") }
            if let urls = rule.nonResourceURLs { fields.append("nonResourceURLs: \(Self.list(urls))") }
            fields.append("verbs: \(Self.list(rule.verbs))")
            for (i, field) in fields.enumerated() { lines.append((i == 0 ? "  - " : "    ") + field) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON string literal, which is also a YAML double-quoted scalar.
    static func quoted(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }

    /// A YAML flow sequence of double-quoted strings: `["get", "list"]`.
    static func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }
}
