extension PostgresInstanceSpec.Pooler {
    /// Resources of the `pgbouncer` container of every pooler pod (not configurable yet):
    /// requests cpu `100m`, memory `64Mi`; limits cpu `500m`, memory `128Mi`. The pooler's
    /// Deployment reads it (and the quota footprint counts that Deployment).
    public static let containerResources = PostgresInstanceSpec.ResourceRequirements(
        requests: ["cpu": "100m", "memory": "64Mi"], limits: ["cpu": "500m", "memory": "128Mi"])
}
