import Prometheus

/// The instances' volume figures as Prometheus gauges, from the instance managers' reports:
/// `quartermaster_postgres_volume_used_bytes` and `quartermaster_postgres_volume_capacity_bytes`,
/// labels `namespace`, `name` (the PostgresInstance), `pod`, `volume` (`data` or `wal`).
public struct PostgresVolumeMetrics: Sendable {
    public static let usedName = "quartermaster_postgres_volume_used_bytes"
    public static let capacityName = "quartermaster_postgres_volume_capacity_bytes"

    let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Sets both gauges of one volume.
    public func record(namespace: String, name: String, pod: String, volume: String, usage: PostgresVolumeUsage) {
        let labels = [("namespace", namespace), ("name", name), ("pod", pod), ("volume", volume)]
        registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: Self.usedName, unitName: "", helpText: "Bytes used on a PostgreSQL instance's volume"),
            labels: labels
        ).set(Double(usage.usedBytes))
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: Self.capacityName, unitName: "", helpText: "Size of a PostgreSQL instance's volume's file system"),
            labels: labels
        ).set(Double(usage.capacityBytes))
    }
}
