/// `spec.pooler` of a PostgresInstance: PgBouncer's settings.
///
/// Defaults: disabled, 2 instances, pool mode `transaction`, 1000 client connections, pool
/// size 20.
public struct PoolerSettings: Hashable, Sendable {
    public var enabled: Bool
    public var instances: Int
    /// `transaction`, `session` or `statement`.
    public var poolMode: String
    public var maxClientConnections: Int
    public var defaultPoolSize: Int

    public init(
        enabled: Bool = false, instances: Int = 2, poolMode: String = "transaction",
        maxClientConnections: Int = 1000, defaultPoolSize: Int = 20
    ) {
        self.enabled = enabled
        self.instances = instances
        self.poolMode = poolMode
        self.maxClientConnections = maxClientConnections
        self.defaultPoolSize = defaultPoolSize
    }
}
