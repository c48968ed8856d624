import KubeCore

/// The admission webhook's generated manifests: the ValidatingWebhookConfiguration (one entry
/// per kind with ``KindDeclaration/admission``) and the webhook's RBAC (a namespaced Role for
/// its certificate Secret, a ClusterRole for the one configuration's `caBundle`, both limited
/// by name where the API allows), for kustomize (`config/webhook/`, `config/rbac/`) and the
/// chart (behind `webhook.enabled`).
public enum WebhookManifests {
    /// Where a manifest goes.
    public enum Flavor: Sendable, Hashable {
        /// Kustomize: a fixed namespace, plain labels.
        case plain(namespace: String)
        /// The chart: `{{ .Release.Namespace }}`, the chart's labels, `failurePolicy` from values.
        case chart
    }

    static let plainNamespace = "quartermaster-system"

    static func namespace(_ flavor: Flavor) -> String {
        switch flavor {
        case .plain(let ns): return ns
        case .chart: return "{{ .Release.Namespace }}"
        }
    }

    static func labels(_ flavor: Flavor, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch flavor {
        case .plain:
            return ["\(pad)app.kubernetes.io/name: quartermaster", "\(pad)app.kubernetes.io/component: webhook"]
        case .chart:
            return ["\(pad){{- include \"quartermaster.labels\" . | nindent \(indent) }}", "\(pad)app.kubernetes.io/component: webhook"]
        }
    }

    static func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    /// The ValidatingWebhookConfiguration as YAML.
    public static func configurationYAML(for kinds: [KindDeclaration], _ flavor: Flavor, header: [String]) -> String {
        let ns = namespace(flavor)
        let model = QuartermasterAdmission.configuration(
            kinds: kinds, operatorNamespace: ns, clientConfig: QuartermasterAdmission.serviceClientConfig(namespace: ns))
        var lines = header.map { "# \($0)" }
        if flavor == .chart { lines.insert("{{- if .Values.webhook.enabled }}", at: 0) }
        lines += [
            "apiVersion: \(ValidatingWebhookConfiguration.resource.apiVersion)",
            "kind: ValidatingWebhookConfiguration",
            "metadata:",
            "  name: \(QuartermasterAdmission.configurationName)",
            "  labels:",
        ]
        lines += labels(flavor, indent: 4)
        lines.append("webhooks:")
        for webhook in model.webhooks ?? [] {
            lines.append("  - name: \(webhook.name)")
            lines.append("    admissionReviewVersions: \(list(webhook.admissionReviewVersions))")
            lines.append("    # caBundle is set and rotated by the operator (its certificate Secret).")
            lines.append("    clientConfig:")
            if let service = webhook.clientConfig.service {
                lines.append("      service:")
                lines.append("        name: \(service.name)")
                lines.append("        namespace: \(service.namespace)")
                if let path = service.path { lines.append("        path: \(path)") }
                if let port = service.port { lines.append("        port: \(port)") }
            }
            let policy = flavor == .chart ? "{{ .Values.webhook.failurePolicy }}" : (webhook.failurePolicy ?? "Fail")
            lines.append("    failurePolicy: \(policy)")
            if let matchPolicy = webhook.matchPolicy { lines.append("    matchPolicy: \(matchPolicy)") }
            if let selector = webhook.namespaceSelector {
                lines.append("    namespaceSelector:")
                lines.append("      matchExpressions:")
                for r in selector.matchExpressions ?? [] {
                    lines.append("        - key: \(r.key)")
                    lines.append("          operator: \(r.operator.rawValue)")
                    lines.append("          values: \(list(r.values ?? []))")
                }
            }
            lines.append("    rules:")
            for rule in webhook.rules ?? [] {
                lines.append("      - apiGroups: \(list(rule.apiGroups))")
                lines.append("        apiVersions: \(list(rule.apiVersions))")
                lines.append("        operations: \(list(rule.operations))")
                lines.append("        resources: \(list(rule.resources))")
                if let scope = rule.scope { lines.append("        scope: \(scope)") }
            }
            lines.append("    sideEffects: \(webhook.sideEffects)")
            if let t = webhook.timeoutSeconds { lines.append("    timeoutSeconds: \(t)") }
        }
        if flavor == .chart { lines.append("{{- end }}") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func rules(_ rules: [DocumentedPolicyRule]) -> [String] {
        var lines = ["rules:"]
        for r in rules {
            lines += r.reason.split(separator: "\n").map { "  # \($0)" }
            lines.append("  - apiGroups: \(list(r.rule.apiGroups ?? []))")
            lines.append("    resources: \(list(r.rule.resources ?? []))")
            if let names = r.rule.resourceNames { lines.append("    resourceNames: \(list(names))") }
            lines.append("    verbs: \(list(r.rule.verbs))")
        }
        return lines
    }

    /// The webhook's Role, ClusterRole and their bindings to the manager's ServiceAccount, as YAML.
    public static func rbacYAML(_ flavor: Flavor, header: [String]) -> String {
        let ns = namespace(flavor)
        var lines = header.map { "# \($0)" }
        if flavor == .chart { lines.insert("{{- if .Values.webhook.enabled }}", at: 0) }
        let subject = [
            "subjects:", "  - kind: ServiceAccount", "    name: quartermaster-controller-manager", "    namespace: \(ns)",
        ]
        lines += ["apiVersion: rbac.authorization.k8s.io/v1", "kind: Role", "metadata:", "  name: \(QuartermasterAdmission.secretRoleName)", "  namespace: \(ns)", "  labels:"]
        lines += labels(flavor, indent: 4)
        lines += rules(QuartermasterAdmission.secretRules)
        lines += ["---", "apiVersion: rbac.authorization.k8s.io/v1", "kind: RoleBinding", "metadata:", "  name: quartermaster-webhook-rolebinding", "  namespace: \(ns)", "  labels:"]
        lines += labels(flavor, indent: 4)
        lines += ["roleRef:", "  apiGroup: rbac.authorization.k8s.io", "  kind: Role", "  name: \(QuartermasterAdmission.secretRoleName)"] + subject
        lines += ["---", "apiVersion: rbac.authorization.k8s.io/v1", "kind: ClusterRole", "metadata:", "  name: \(QuartermasterAdmission.configurationRoleName)", "  labels:"]
        lines += labels(flavor, indent: 4)
        lines += rules(QuartermasterAdmission.configurationRules)
        lines += ["---", "apiVersion: rbac.authorization.k8s.io/v1", "kind: ClusterRoleBinding", "metadata:", "  name: quartermaster-webhook-configuration-rolebinding", "  labels:"]
        lines += labels(flavor, indent: 4)
        lines += ["roleRef:", "  apiGroup: rbac.authorization.k8s.io", "  kind: ClusterRole", "  name: \(QuartermasterAdmission.configurationRoleName)"] + subject
        if flavor == .chart { lines.append("{{- end }}") }
        return lines.joined(separator: "\n") + "\n"
    }
}
