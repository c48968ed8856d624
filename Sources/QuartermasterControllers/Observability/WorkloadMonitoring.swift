import KubeCore

/// How the workloads' metrics are made scrapeable: one fact for every kind that runs pods.
///
/// - Every metrics port is a container port named `metrics`, and the pod template carries the
///   conventional annotations `prometheus.io/scrape: "true"`, `prometheus.io/port`,
///   `prometheus.io/path` (``annotations(port:)``), so a Prometheus with the usual
///   `kubernetes-pods` scrape job finds it; with the Prometheus Operator the PodMonitors of
///   `config/prometheus` (and the chart's `podMonitors.enabled`) select the same pods by label.
/// - Each workload's NetworkPolicy admits its metrics port from its own namespace and from
///   ``namespaces`` (where Prometheus runs), and from nowhere else.
/// - Processes whose metrics listener must not be reachable as a whole (kubo's RPC API) are
///   scraped through `quartermaster metrics-proxy` (``proxyImage``, port ``proxyPort``), which
///   forwards nothing but fixed loopback URLs.
public struct WorkloadMonitoring: Sendable, Hashable {
    /// The image that holds the `quartermaster` binary (the operator's own). Default
    /// ``ControllerSettings/defaultPostgresOperatorImage``; `quartermaster run --operator-image`.
    public var proxyImage: String
    /// Namespaces (by name) whose pods may scrape the workloads' metrics ports, besides the
    /// workload's own namespace. Default none; `quartermaster run --monitoring-namespace`.
    public var namespaces: [String]

    public init(proxyImage: String = ControllerSettings.defaultPostgresOperatorImage, namespaces: [String] = []) {
        self.proxyImage = proxyImage
        self.namespaces = namespaces
    }

    /// The proxy's port: 9401.
    public static let proxyPort = 9401
    /// The container port name of every metrics endpoint: `metrics`.
    public static let portName = "metrics"
    /// The path every metrics endpoint serves: `/metrics`.
    public static let path = "/metrics"

    /// The proxy's resources: requests 10m CPU and 48Mi, limits 100m CPU and 96Mi (the release
    /// build measured 32.8 MB resident at start, 38.4 MB at most over 200 scrapes of a 150 KB
    /// exposition, about 10 ms of CPU each; `docs/observability.md`). Both limits are set,
    /// so tenants' `limits.*` quotas count the container exactly, without LimitRange defaults.
    public static let proxyResources = ResourceRequirements(
        limits: ["cpu": "100m", "memory": "96Mi"], requests: ["cpu": "10m", "memory": "48Mi"])

    /// `prometheus.io/scrape: "true"`, `prometheus.io/port: "<port>"`, `prometheus.io/path: "/metrics"`.
    public static func annotations(port: Int) -> [String: String] {
        ["prometheus.io/scrape": "true", "prometheus.io/port": String(port), "prometheus.io/path": path]
    }

    /// The keys of ``annotations(port:)``, for kinds that keep them on existing pods.
    public static let annotationKeys = ["prometheus.io/path", "prometheus.io/port", "prometheus.io/scrape"]

    /// The peers a metrics port admits beyond the workload's own namespace: pods of
    /// ``namespaces``, by their `kubernetes.io/metadata.name` label; empty when none.
    public var namespacePeers: [NetworkPolicyPeer] {
        let names = Array(Set(namespaces)).sorted()
        guard !names.isEmpty else { return [] }
        return [
            NetworkPolicyPeer(
                namespaceSelector: LabelSelector(matchExpressions: [
                    .init(key: "kubernetes.io/metadata.name", operator: .in, values: names)
                ]))
        ]
    }

    /// The NetworkPolicy rule of a metrics port: TCP `port` from `peers` (default: every pod of
    /// the workload's own namespace) and from ``namespacePeers``.
    public func ingressRule(
        port: Int, from peers: [NetworkPolicyPeer] = [NetworkPolicyPeer(podSelector: LabelSelector())]
    ) -> NetworkPolicyIngressRule {
        NetworkPolicyIngressRule(from: peers + namespacePeers, ports: [NetworkPolicyPort(protocol: "TCP", port: .int(port))])
    }

    /// The `metrics-proxy` container: serves ``path`` on ``proxyPort`` from `upstreams`
    /// (`name=http://127.0.0.1:PORT/PATH`, earlier ones win a shared family).
    public func proxyContainer(upstreams: [String]) -> Container {
        Container(
            name: "metrics-proxy", image: proxyImage,
            command: ["/quartermaster", "metrics-proxy", "--listen", ":\(Self.proxyPort)"]
                + upstreams.flatMap { ["--upstream", $0] },
            ports: [ContainerPort(name: Self.portName, containerPort: Self.proxyPort)],
            resources: Self.proxyResources,
            securityContext: .restricted,
            terminationMessagePolicy: "FallbackToLogsOnError")
    }
}
