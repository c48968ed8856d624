/// One Prometheus Operator `PodMonitor` per workload kind, selecting every such pod in every
/// namespace by the labels the controllers give them, and scraping their `metrics` port
/// (``WorkloadMonitoring``): what the `prometheus.io/*` pod annotations say to a Prometheus
/// without the operator.
///
/// Generated as `config/prometheus/podmonitors.yaml` (``configPath``; `kubectl apply -k
/// config/prometheus`) and as the chart's template (``chartTemplatePath``, with
/// `podMonitors.enabled`).
public enum WorkloadPodMonitors {
    /// One monitor.
    public struct Monitor: Sendable, Hashable {
        /// The PodMonitor's name.
        public var name: String
        /// What it scrapes (a comment in the manifest).
        public var scrapes: String
        /// The pods' labels it selects on.
        public var matchLabels: [String: String]
    }

    public static let configPath = "config/prometheus/podmonitors.yaml"
    public static let chartTemplatePath = "\(GeneratedManifests.chart)/templates/podmonitors.yaml"

    /// IPFSCluster peers (kubo and ipfs-cluster through the metrics proxy), PostgreSQL instances
    /// (the instance manager), and poolers (PgBouncer's pools and stats).
    public static let all: [Monitor] = [
        Monitor(
            name: "quartermaster-ipfscluster",
            scrapes: "IPFSCluster peers: kubo's and ipfs-cluster's metrics through the metrics-proxy container (:9401)",
            matchLabels: labels(name: IPFSClusterNames.appName, component: "peer")),
        Monitor(
            name: "quartermaster-postgresinstance",
            scrapes: "PostgresInstance instances: the instance manager's PostgreSQL metrics (:9187)",
            matchLabels: labels(name: PostgresInstanceNames.appName, component: PostgresInstanceLabels.instanceComponent)),
        Monitor(
            name: "quartermaster-postgres-pooler",
            scrapes: "PostgresInstance poolers: PgBouncer's pools and stats (:9127)",
            matchLabels: labels(name: PostgresInstanceNames.appName, component: PostgresInstanceLabels.poolerComponent)),
    ]

    static func labels(name: String, component: String) -> [String: String] {
        [
            QuartermasterLabels.nameKey: name, QuartermasterLabels.componentKey: component,
            QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue,
        ]
    }

    /// How the monitors are wrapped.
    public enum Flavor: Sendable {
        /// Plain manifests in the operator's namespace of `config/`.
        case config
        /// The chart's template, behind `podMonitors.enabled`, with the chart's labels, the
        /// extra `podMonitors.labels` and `podMonitors.interval`.
        case chart
    }

    /// The monitors as one multi-document YAML file.
    public static func yaml(_ flavor: Flavor, monitors: [Monitor] = all) -> String {
        var lines = ["# \(GeneratedManifests.generatedNotice)"]
        switch flavor {
        case .config:
            lines += [
                "# Needs the Prometheus Operator (monitoring.coreos.com/v1); not part of config/default. Without it, the",
                "# pods' prometheus.io/scrape, /port and /path annotations say the same (docs/observability.md).",
            ]
        case .chart:
            lines.append("{{- if .Values.podMonitors.enabled }}")
        }
        for (index, monitor) in monitors.enumerated() {
            if index > 0 || flavor == .config { lines.append("---") }
            lines += ["# \(monitor.scrapes)", "apiVersion: monitoring.coreos.com/v1", "kind: PodMonitor", "metadata:", "  name: \(monitor.name)"]
            switch flavor {
            case .config:
                lines += [
                    "  namespace: \(WebhookManifests.plainNamespace)", "  labels:", "    app.kubernetes.io/name: quartermaster",
                    "    app.kubernetes.io/component: workload-metrics",
                ]
            case .chart:
                lines += [
                    "  namespace: {{ .Release.Namespace }}", "  labels:", "    {{- include \"quartermaster.labels\" . | nindent 4 }}",
                    "    app.kubernetes.io/component: workload-metrics", "    {{- with .Values.podMonitors.labels }}",
                    "    {{- toYaml . | nindent 4 }}", "    {{- end }}",
                ]
            }
            lines += ["spec:", "  namespaceSelector:", "    any: true", "  selector:", "    matchLabels:"]
            for key in monitor.matchLabels.keys.sorted() {
                lines.append("      \(key): \(monitor.matchLabels[key] ?? "")")
            }
            lines += [
                "  podMetricsEndpoints:", "    - port: \(WorkloadMonitoring.portName)", "      path: \(WorkloadMonitoring.path)",
                "      interval: \(flavor == .chart ? "{{ .Values.podMonitors.interval }}" : "30s")",
            ]
        }
        if flavor == .chart { lines.append("{{- end }}") }
        return lines.joined(separator: "\n") + "\n"
    }
}
