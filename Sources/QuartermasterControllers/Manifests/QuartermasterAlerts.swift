import Foundation

/// The operator's Prometheus alert rules, declared once. `quartermaster manifests` writes them
/// as a plain rule file (``ruleFilePath``, for Prometheus' `rule_files`), as a `PrometheusRule`
/// for the Prometheus Operator (``prometheusRulePath``, in `config/prometheus`) and into the
/// chart (``chartTemplatePath``, with `prometheusRule.enabled`). `config/prometheus/alerts_test.yaml`
/// tests every rule with `promtool test rules`; `docs/observability.md` says what to do about each.
///
/// The operator's own series carry the scrape job of its metrics Service (``job``); the
/// `quartermaster_*` state series are served only by the operator, so those rules need no job.
public enum QuartermasterAlerts {
    /// How urgent an alert is (its `severity` label).
    public enum Severity: String, Sendable {
        /// Someone must act now: nothing is reconciled, or data is at risk.
        case critical
        /// Needs attention within the working day.
        case warning
    }

    /// One alerting rule.
    public struct Rule: Sendable, Equatable {
        /// `alert:`, e.g. `QuartermasterDown`.
        public var name: String
        /// The PromQL expression; every series it returns is an alert.
        public var expression: String
        /// How long the expression must hold before the alert fires, e.g. `15m`.
        public var duration: String
        public var severity: Severity
        /// One line; may use `{{ $labels.x }}` and `{{ $value }}`.
        public var summary: String
        /// What it means and where to look first.
        public var description: String
    }

    /// The `job` label of the operator's metrics: its Service's name (Prometheus Operator
    /// ServiceMonitors name the job after the Service; `config/prometheus/monitor.yaml`, the chart).
    public static let job = "quartermaster-controller-manager-metrics"
    /// The rule group's name.
    public static let groupName = "quartermaster"
    /// The `PrometheusRule` object's name.
    public static let objectName = "quartermaster-alerts"

    /// The plain rule file, relative to the repository root.
    public static let ruleFilePath = "config/prometheus/alerts.yaml"
    /// The `PrometheusRule` manifest, relative to the repository root.
    public static let prometheusRulePath = "config/prometheus/prometheusrule.yaml"
    /// The chart's template.
    public static let chartTemplatePath = "\(GeneratedManifests.chart)/templates/prometheusrule.yaml"

    /// The reasons of `controller_runtime_reconcile_errors_by_reason_total` that mean the API
    /// server refused a write and only a person can fix it (a grant, a quota, a spec).
    static let refusalReasons = "Forbidden|QuotaExceeded|RequestTooLarge|Invalid|BadRequest|Refused"

    /// Every rule, in the order written.
    public static let all: [Rule] = [
        Rule(
            name: "QuartermasterDown", expression: #"absent(up{job="\#(job)"} == 1)"#, duration: "5m",
            severity: .critical, summary: "No Quartermaster controller manager is being scraped.",
            description:
                "Nothing reconciles Tenants, Resources or workloads while no replica runs; check the Deployment in the operator's namespace and its pods' events."
        ),
        Rule(
            name: "QuartermasterNoLeader", expression: #"max(leader_election_master_status{job="\#(job)"}) < 1"#,
            duration: "5m", severity: .critical, summary: "No Quartermaster replica holds the leader Lease.",
            description:
                "Replicas run but none leads, so nothing is reconciled; check the Lease quartermaster-leader and the replicas' logs for leader-election errors."
        ),
        Rule(
            name: "QuartermasterReconcileErrors",
            expression: """
                sum by (controller) (rate(controller_runtime_reconcile_errors_by_reason_total{job="\(job)",reason!="Conflict"}[10m]))
                  / sum by (controller) (rate(controller_runtime_reconcile_total{job="\(job)"}[10m])) > 0.1
                """,
            duration: "15m", severity: .warning,
            summary: "{{ $labels.controller }}: {{ $value | humanizePercentage }} of reconciles fail.",
            description:
                "More than 10% of the controller's reconciles have failed for 15 minutes (write conflicts not counted); the operator log says why, and controller_runtime_reconcile_errors_by_reason_total by reason."
        ),
        Rule(
            name: "QuartermasterWritesRefused",
            expression: """
                sum by (controller, reason) (increase(controller_runtime_reconcile_errors_by_reason_total{job="\(job)",reason=~"\(refusalReasons)"}[15m])) > 0
                """,
            duration: "15m", severity: .warning,
            summary: "{{ $labels.controller }}: the API server keeps refusing writes ({{ $labels.reason }}).",
            description:
                "Retrying will not help: a grant is missing, a quota is exhausted or an object is invalid. The objects concerned are Stalled with this reason; kubectl get -A the kind and read their Stalled message."
        ),
        Rule(
            name: "QuartermasterWorkQueueBacklog", expression: #"max by (name) (workqueue_depth{job="\#(job)"}) > 100"#,
            duration: "15m", severity: .warning,
            summary: "Work queue {{ $labels.name }} has held over 100 items for 15 minutes.",
            description:
                "The controller cannot keep up: API server latency (rest_client_request_duration_seconds) or too few workers (--max-concurrent-reconciles)."
        ),
        Rule(
            name: "QuartermasterReconcileHung",
            expression: #"max by (name) (workqueue_longest_running_processor_seconds{job="\#(job)"}) > 300"#,
            duration: "5m", severity: .warning, summary: "A {{ $labels.name }} reconcile has run for over 5 minutes.",
            description: "A reconcile is stuck (a request that never returns); the operator log names the object."
        ),
        Rule(
            name: "QuartermasterResourceStuck",
            expression: """
                (time() - quartermaster_resource_stage_started_timestamp_seconds{stage!="Complete"}) > 1800
                  unless on (namespace, name) quartermaster_object_phase{kind="Resource",phase=~"Suspended|Failed"}
                """,
            duration: "5m", severity: .warning,
            summary: "Resource {{ $labels.namespace }}/{{ $labels.name }} has been in stage {{ $labels.stage }} for over 30 minutes.",
            description:
                "Provisioning does not progress; kubectl describe resource -n {{ $labels.namespace }} {{ $labels.name }} shows the stage's message, then the child object's conditions."
        ),
        Rule(
            name: "QuartermasterResourceFailed",
            expression: #"quartermaster_object_phase{kind="Resource",phase="Failed"} == 1"#, duration: "5m",
            severity: .warning, summary: "Resource {{ $labels.namespace }}/{{ $labels.name }} failed.",
            description:
                "A stage failed (template, parameters, quota or workloads); its Ready and Stalled conditions carry the reason."
        ),
        Rule(
            name: "QuartermasterObjectStalled", expression: #"quartermaster_object_condition{condition="Stalled"} == 1"#,
            duration: "15m", severity: .warning,
            summary: "{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} has been Stalled for 15 minutes.",
            description:
                "The operator cannot make progress without a change (spec, grant or quota); the Stalled condition's reason and message say which."
        ),
        Rule(
            name: "QuartermasterWorkloadNotReady",
            expression: """
                quartermaster_object_condition{kind=~"IPFSCluster|PostgresInstance",condition="Ready"} == 0
                  unless on (kind, namespace, name) quartermaster_object_phase{phase=~"Suspended|Deleting"}
                """,
            duration: "15m", severity: .warning,
            summary: "{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for 15 minutes.",
            description:
                "Its pods are not ready or not scheduled; kubectl describe the object, then its StatefulSet's pods and events."
        ),
        Rule(
            name: "QuartermasterTenantQuotaNearlyFull",
            expression: """
                quartermaster_tenant_quota_used / on (tenant, namespace, resource) (quartermaster_tenant_quota_hard > 0) > 0.9
                """,
            duration: "15m", severity: .warning,
            summary: "Tenant {{ $labels.tenant }} uses {{ $value | humanizePercentage }} of its {{ $labels.resource }} quota.",
            description:
                "New Resources of the tenant will be refused (QuotaExceeded) once the quota is used up; raise spec.quota or spec.tier of the Tenant, or remove what it no longer needs."
        ),
        Rule(
            name: "QuartermasterPostgresArchivingFailing",
            expression: #"quartermaster_object_condition{kind="PostgresInstance",condition="ContinuousArchiving"} == 0"#,
            duration: "15m", severity: .critical,
            summary: "PostgresInstance {{ $labels.namespace }}/{{ $labels.name }} is not archiving WAL.",
            description:
                "Point-in-time recovery stops at the last archived segment and WAL piles up on the primary's volume; the ContinuousArchiving condition says why (credentials, object store, permissions)."
        ),
        Rule(
            name: "QuartermasterPostgresBackupFailed",
            expression: """
                quartermaster_postgres_last_failed_backup_timestamp_seconds > on (namespace, name) quartermaster_postgres_last_successful_backup_timestamp_seconds
                  or (quartermaster_postgres_last_failed_backup_timestamp_seconds unless on (namespace, name) quartermaster_postgres_last_successful_backup_timestamp_seconds)
                """,
            duration: "5m", severity: .warning,
            summary: "The newest backup of PostgresInstance {{ $labels.namespace }}/{{ $labels.name }} failed.",
            description: "kubectl get postgresbackups -n {{ $labels.namespace }} shows the failed backup and its message."
        ),
        Rule(
            name: "QuartermasterWorkloadMetricsDown",
            expression: """
                metrics_proxy_upstream_up == 0 or pg_up == 0 or pgbouncer_up == 0
                """,
            duration: "10m", severity: .warning,
            summary: "{{ $labels.namespace }}/{{ $labels.pod }}: {{ $labels.__name__ }} {{ $labels.upstream }} has not answered for 10 minutes.",
            description:
                "The pod is scraped but the process behind it does not answer: kubo or ipfs-cluster (metrics_proxy_upstream_up; the upstream label names which), PostgreSQL (pg_up) or PgBouncer (pgbouncer_up). kubectl logs the pod's container of that name."
        ),
        Rule(
            name: "QuartermasterPgBouncerClientsWaiting",
            expression: #"sum by (namespace, pod, database) (pgbouncer_pools_client_waiting_connections) > 0"#,
            duration: "10m", severity: .warning,
            summary: "Clients of {{ $labels.database }} have waited for a server connection at {{ $labels.pod }} for 10 minutes.",
            description:
                "The pool is too small for the load, or the primary answers slowly; raise spec.pooler.defaultPoolSize of the PostgresInstance, or look for long transactions on the primary."
        ),
        Rule(
            name: "QuartermasterPostgresReplicationLag",
            expression: #"max by (namespace, name, pod) (quartermaster_postgres_replication_lag_bytes{role="replica"}) > 268435456"#,
            duration: "10m", severity: .warning,
            summary: "Replica {{ $labels.pod }} of {{ $labels.namespace }}/{{ $labels.name }} lags {{ $value | humanize1024 }}B behind.",
            description:
                "A lagging replica serves stale reads and loses more on failover; check the replica's volume and network, and write load on the primary."
        ),
    ]

    /// How the rules are wrapped.
    public enum Flavor: Sendable {
        /// A Prometheus rule file (`groups:`), for `rule_files` and `promtool`.
        case ruleFile
        /// A `PrometheusRule` in the operator's namespace of `config/`.
        case prometheusRule
        /// The chart's template: the same, behind `prometheusRule.enabled`, with the chart's
        /// labels and namespace; `{{` and `}}` of the alert templates escaped from Helm.
        case chart
    }

    /// The rules as `flavor`.
    public static func yaml(_ flavor: Flavor, rules: [Rule] = all) -> String {
        let indent: String
        var lines = ["# \(GeneratedManifests.generatedNotice)"]
        switch flavor {
        case .ruleFile:
            lines += [
                "# Quartermaster's alert rules as a Prometheus rule file (rule_files). Each alert and what to do about",
                "# it: docs/observability.md. Tested by `promtool test rules config/prometheus/alerts_test.yaml`.",
            ]
            indent = ""
        case .prometheusRule:
            lines += [
                "# Needs the Prometheus Operator (monitoring.coreos.com/v1); not part of config/default. The same rules",
                "# as config/prometheus/alerts.yaml; each alert and what to do about it: docs/observability.md.",
                "apiVersion: monitoring.coreos.com/v1", "kind: PrometheusRule", "metadata:", "  name: \(objectName)",
                "  namespace: \(WebhookManifests.plainNamespace)", "  labels:", "    app.kubernetes.io/name: quartermaster",
                "    app.kubernetes.io/component: controller-manager", "spec:",
            ]
            indent = "  "
        case .chart:
            lines += [
                "{{- if .Values.prometheusRule.enabled }}", "apiVersion: monitoring.coreos.com/v1", "kind: PrometheusRule",
                "metadata:", "  name: \(objectName)", "  namespace: {{ .Release.Namespace }}", "  labels:",
                "    {{- include \"quartermaster.labels\" . | nindent 4 }}", "    app.kubernetes.io/component: controller-manager",
                "    {{- with .Values.prometheusRule.labels }}", "    {{- toYaml . | nindent 4 }}", "    {{- end }}", "spec:",
            ]
            indent = "  "
        }
        // Helm reads the template before YAML does: escape the quoted scalar, not the text.
        let quote: (String) -> String = { text in flavor == .chart ? helmEscaped(doubleQuoted(text)) : doubleQuoted(text) }
        lines += ["\(indent)groups:", "\(indent)  - name: \(groupName)", "\(indent)    rules:"]
        for rule in rules {
            let p = indent + "      "
            lines.append("\(p)- alert: \(rule.name)")
            lines.append("\(p)  expr: |-")
            for line in rule.expression.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("\(p)    \(flavor == .chart ? helmEscaped(String(line)) : String(line))")
            }
            lines += [
                "\(p)  for: \(rule.duration)", "\(p)  labels:", "\(p)    severity: \(rule.severity.rawValue)",
                "\(p)  annotations:", "\(p)    summary: \(quote(rule.summary))",
                "\(p)    description: \(quote(rule.description))",
            ]
        }
        if flavor == .chart { lines.append("{{- end }}") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as a YAML double-quoted scalar (JSON string escapes are valid YAML ones).
    static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `text` with every `{{` and `}}` written so Helm prints them instead of evaluating them.
    static func helmEscaped(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("{{") {
                out += #"{{ "{{" }}"#
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("}}") {
                out += #"{{ "}}" }}"#
                rest = rest.dropFirst(2)
            } else {
                out.append(rest.removeFirst())
            }
        }
        return out
    }
}
