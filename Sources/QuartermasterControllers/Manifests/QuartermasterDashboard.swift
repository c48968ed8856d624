import Foundation

/// The operator's Grafana dashboard, declared once: rows of panels, each with its PromQL.
/// `quartermaster manifests` writes it as Grafana JSON to ``configPath`` (a ConfigMap with the
/// Grafana sidecar's label via `config/grafana`) and ``chartPath`` (the chart's ConfigMap, with
/// `grafanaDashboard.enabled`). `PrometheusScrapeIntegrationTests` runs every panel's query on
/// a real Prometheus scraping the operator and expects data from each.
///
/// Variables: `datasource` (a Prometheus data source), `tenant` (from the quota series) and
/// `namespace` (that tenant's namespace). Queries use Grafana's `$__rate_interval`.
public enum QuartermasterDashboard {
    /// How a panel draws.
    public enum Visual: String, Sendable {
        case stat, timeseries, table, bargauge
    }

    /// One panel: a title, what it shows, and its queries (legend in Grafana's `{{label}}` form).
    public struct Panel: Sendable, Equatable {
        public var title: String
        public var description: String
        public var visual: Visual
        public var queries: [(expression: String, legend: String)]
        /// Width in Grafana's 24 columns. Default 8.
        public var width: Int
        /// Unit (Grafana's id, e.g. `s`, `percentunit`, `reqps`); `nil` for none.
        public var unit: String?

        public init(
            _ title: String, _ visual: Visual, description: String, width: Int = 8, unit: String? = nil,
            _ queries: [(expression: String, legend: String)]
        ) {
            self.title = title
            self.description = description
            self.visual = visual
            self.queries = queries
            self.width = width
            self.unit = unit
        }

        public static func == (a: Panel, b: Panel) -> Bool {
            a.title == b.title && a.description == b.description && a.visual == b.visual && a.width == b.width
                && a.unit == b.unit && a.queries.map(\.expression) == b.queries.map(\.expression)
                && a.queries.map(\.legend) == b.queries.map(\.legend)
        }
    }

    /// A titled row of panels.
    public struct Row: Sendable, Equatable {
        public var title: String
        public var panels: [Panel]
    }

    /// The dashboard's `uid` (stable: links and provisioning refer to it).
    public static let uid = "quartermaster-overview"
    public static let title = "Quartermaster"
    /// Where the JSON is written, relative to the repository root.
    public static let configPath = "config/grafana/quartermaster-dashboard.json"
    public static let chartPath = "\(GeneratedManifests.chart)/dashboards/quartermaster-dashboard.json"

    static let job = #"job="\#(QuartermasterAlerts.job)""#

    /// Every row, top to bottom.
    public static let rows: [Row] = [
        Row(
            title: "Fleet",
            panels: [
                Panel(
                    "Tenants", .stat, description: "Tenants the operator keeps.", width: 4,
                    [(#"count(quartermaster_object_phase{kind="Tenant"})"#, "tenants")]),
                Panel(
                    "Objects not Ready", .stat, description: "Objects of every kind whose Ready condition is not True.",
                    width: 4, [(#"sum(1 - quartermaster_object_condition{condition="Ready"})"#, "not ready")]),
                Panel(
                    "Objects Stalled", .stat, description: "Objects that cannot progress without a change (spec, grant, quota).",
                    width: 4, [(#"sum(quartermaster_object_condition{condition="Stalled"})"#, "stalled")]),
                Panel(
                    "Resources by stage", .bargauge, description: "Resources per current provisioning stage.", width: 12,
                    [("sum by (stage) (quartermaster_resources_by_stage)", "{{stage}}")]),
                Panel(
                    "Objects by kind and phase", .timeseries, description: "status.phase of every object, counted.",
                    width: 12, [("sum by (kind, phase) (quartermaster_objects)", "{{kind}} {{phase}}")]),
                Panel(
                    "First Ready so far, by kind", .timeseries,
                    description: "Objects that became Ready for the first time since the operator started.", width: 12,
                    [("sum by (kind) (quartermaster_time_to_ready_seconds_count)", "{{kind}}")]),
            ]),
        Row(
            title: "Tenant $tenant",
            panels: [
                Panel(
                    "Quota used", .bargauge, description: "What the tenant's namespace uses of each capped quota resource.",
                    width: 12, unit: "percentunit",
                    [(
                        #"quartermaster_tenant_quota_used{tenant="$tenant"} / on (tenant, namespace, resource) (quartermaster_tenant_quota_hard{tenant="$tenant"} > 0)"#,
                        "{{resource}}"
                    )]),
                Panel(
                    "Resources and their stage", .table, description: "Each Resource of the tenant: template, stage, state.",
                    width: 12, [(#"quartermaster_resource_stage{namespace="$namespace"}"#, "{{name}}")]),
                Panel(
                    "Objects of the tenant by phase", .table, description: "Every object in the tenant's namespace.",
                    width: 12, [(#"quartermaster_object_phase{namespace="$namespace"}"#, "{{kind}} {{name}}")]),
                Panel(
                    "Resource progress", .bargauge, description: "Provisioning progress of each Resource, 0 to 100.",
                    width: 12, [(#"quartermaster_resource_progress_percent{namespace="$namespace"}"#, "{{name}}")]),
            ]),
        Row(
            title: "Workloads in $namespace",
            panels: [
                Panel(
                    "Workload metrics answering", .table,
                    description: "Per pod: each metrics source read at the last scrape (1) or not (0): kubo and ipfs-cluster through the metrics proxy, PostgreSQL through the instance manager, PgBouncer through the pooler.",
                    width: 12,
                    [
                        (#"metrics_proxy_upstream_up{namespace="$namespace"}"#, "{{pod}} {{upstream}}"),
                        (#"pg_up{namespace="$namespace"}"#, "{{pod}} postgresql"),
                        (#"pgbouncer_up{namespace="$namespace"}"#, "{{pod}} pgbouncer"),
                    ]),
                Panel(
                    "IPFS pins", .timeseries, description: "Pins each ipfs-cluster peer tracks, and those in error.", width: 12,
                    [
                        (#"sum by (pod) (ipfscluster_pins{namespace="$namespace"})"#, "{{pod}} pins"),
                        (#"sum by (pod) (ipfscluster_pins_pin_error{namespace="$namespace"})"#, "{{pod}} in error"),
                    ]),
                Panel(
                    "kubo connections", .timeseries, description: "libp2p connections each kubo node holds (resource manager).",
                    width: 12, [(#"sum by (pod) (libp2p_rcmgr_connections{namespace="$namespace"})"#, "{{pod}}")]),
                Panel(
                    "Bitswap blocks received", .timeseries, description: "Blocks each kubo node receives per second.",
                    width: 12,
                    [(#"sum by (pod) (rate(ipfs_bitswap_blocks_received{namespace="$namespace"}[$__rate_interval]))"#, "{{pod}}")]),
                Panel(
                    "PostgreSQL connections", .timeseries, description: "Client connections of each instance by state.",
                    width: 12, [(#"sum by (pod, state) (pg_connections{namespace="$namespace"})"#, "{{pod}} {{state}}")]),
                Panel(
                    "PostgreSQL replication lag", .timeseries,
                    description: "Replicas: WAL received but not replayed; primaries: their largest replica's lag.", width: 12,
                    unit: "bytes", [(#"max by (pod) (pg_replication_lag_bytes{namespace="$namespace"})"#, "{{pod}}")]),
                Panel(
                    "PgBouncer clients waiting", .timeseries,
                    description: "Clients waiting for a server connection, per pooler pod (pool too small, or the primary slow).",
                    width: 12, [(#"sum by (pod) (pgbouncer_pools_client_waiting_connections{namespace="$namespace"})"#, "{{pod}}")]),
                Panel(
                    "PgBouncer queries", .timeseries, description: "Queries pooled per second, by database.", width: 12,
                    unit: "reqps",
                    [(
                        #"sum by (database) (rate(pgbouncer_stats_queries_pooled_total{namespace="$namespace"}[$__rate_interval]))"#,
                        "{{database}}"
                    )]),
            ]),
        Row(
            title: "Kinds",
            panels: [
                Panel(
                    "Ready share by kind", .timeseries, description: "Share of each kind's objects that are Ready.",
                    width: 12, unit: "percentunit",
                    [(
                        #"sum by (kind) (quartermaster_object_condition{condition="Ready"}) / count by (kind) (quartermaster_object_condition{condition="Ready"})"#,
                        "{{kind}}"
                    )]),
                Panel(
                    "Objects per kind", .timeseries, description: "Objects of each kind.", width: 12,
                    [("sum by (kind) (quartermaster_objects)", "{{kind}}")]),
            ]),
        Row(
            title: "Operator",
            panels: [
                Panel(
                    "Reconciles", .timeseries, description: "Reconciles per second by controller.", unit: "reqps",
                    [(#"sum by (controller) (rate(controller_runtime_reconcile_total{\#(job)}[$__rate_interval]))"#, "{{controller}}")]),
                Panel(
                    "Reconcile errors by reason", .timeseries,
                    description: "Failed reconciles per second by controller and reason (Conflict is harmless).",
                    unit: "reqps",
                    [(
                        #"sum by (controller, reason) (rate(controller_runtime_reconcile_errors_by_reason_total{\#(job)}[$__rate_interval]))"#,
                        "{{controller}} {{reason}}"
                    )]),
                Panel(
                    "Reconcile time p99", .timeseries, description: "99th percentile of a reconcile's duration.", unit: "s",
                    [(
                        #"histogram_quantile(0.99, sum by (controller, le) (rate(controller_runtime_reconcile_time_seconds_bucket{\#(job)}[$__rate_interval])))"#,
                        "{{controller}}"
                    )]),
                Panel(
                    "Work queue depth", .timeseries, description: "Keys waiting per controller.",
                    [(#"sum by (name) (workqueue_depth{\#(job)})"#, "{{name}}")]),
                Panel(
                    "API requests", .timeseries, description: "Requests to the API server per second by method and code.",
                    unit: "reqps",
                    [(#"sum by (method, code) (rate(rest_client_requests_total{\#(job)}[$__rate_interval]))"#, "{{method}} {{code}}")]),
                Panel(
                    "Replicas and leader", .stat, description: "Replicas scraped, and whether one leads.",
                    [(#"count(up{\#(job)} == 1)"#, "replicas up"), (#"max(leader_election_master_status{\#(job)})"#, "leader")]),
            ]),
    ]

    /// Every panel, in order.
    public static var panels: [Panel] { rows.flatMap(\.panels) }

    /// `expression` as Grafana sends it: `$tenant` and `$namespace` replaced by the chosen
    /// values, `$__rate_interval` by `rateInterval` (default `1m`).
    public static func resolved(_ expression: String, tenant: String, namespace: String, rateInterval: String = "1m") -> String {
        expression.replacingOccurrences(of: "$__rate_interval", with: rateInterval)
            .replacingOccurrences(of: "$tenant", with: tenant).replacingOccurrences(of: "$namespace", with: namespace)
    }

    /// The dashboard as Grafana JSON (schema 39), keys sorted, two-space indent, one trailing newline.
    public static func json() throws -> String {
        var panels: [[String: Any]] = []
        var id = 1
        var y = 0
        let datasource: [String: Any] = ["type": "prometheus", "uid": "${datasource}"]
        for row in rows {
            panels.append([
                "id": id, "type": "row", "title": row.title, "collapsed": false,
                "gridPos": ["h": 1, "w": 24, "x": 0, "y": y], "panels": [],
            ])
            id += 1
            y += 1
            var x = 0
            for panel in row.panels {
                if x + panel.width > 24 {
                    x = 0
                    y += 8
                }
                var fieldConfig: [String: Any] = ["defaults": [:], "overrides": []]
                if let unit = panel.unit { fieldConfig["defaults"] = ["unit": unit] }
                let refs = "ABCDEFGHIJ".map(String.init)
                panels.append([
                    "id": id, "type": panel.visual.rawValue, "title": panel.title, "description": panel.description,
                    "datasource": datasource, "gridPos": ["h": 8, "w": panel.width, "x": x, "y": y],
                    "fieldConfig": fieldConfig,
                    "targets": panel.queries.enumerated().map { index, query in
                        [
                            "datasource": datasource, "expr": query.expression, "legendFormat": query.legend,
                            "refId": refs[index], "instant": panel.visual == .table || panel.visual == .stat,
                        ] as [String: Any]
                    },
                ])
                id += 1
                x += panel.width
            }
            y += 8
        }
        let variable: (String, String, String) -> [String: Any] = { name, label, query in
            [
                "name": name, "label": label, "type": "query", "datasource": datasource,
                "query": ["query": query, "refId": "\(name)"], "definition": query, "refresh": 2, "sort": 1,
                "includeAll": false, "multi": false,
            ]
        }
        let dashboard: [String: Any] = [
            "uid": uid, "title": title, "tags": ["quartermaster", "kubernetes"], "timezone": "browser",
            "schemaVersion": 39, "version": 1, "editable": true, "refresh": "30s",
            "time": ["from": "now-6h", "to": "now"],
            "description": "Quartermaster: fleet, tenants, kinds and the operator itself (docs/observability.md).",
            "templating": [
                "list": [
                    [
                        "name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
                        "current": [:], "hide": 0,
                    ] as [String: Any],
                    variable("tenant", "Tenant", "label_values(quartermaster_tenant_quota_hard, tenant)"),
                    variable(
                        "namespace", "Namespace", #"label_values(quartermaster_tenant_quota_hard{tenant="$tenant"}, namespace)"#),
                ]
            ],
            "panels": panels,
        ]
        let data = try JSONSerialization.data(withJSONObject: dashboard, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
