import Synchronization

/// Since when each PostgresInstance's primary has been unhealthy, kept by the reconciler between
/// reconciles (in memory: after an operator restart the delay starts again, which only delays a
/// failover). Keyed by `namespace/name`.
public final class PostgresFailoverTracking: Sendable {
    private let entries = Mutex<[String: PostgresFailoverPlan.Tracking]>([:])

    public init() {}

    public func get(_ key: String) -> PostgresFailoverPlan.Tracking? { entries.withLock { $0[key] } }

    public func set(_ key: String, _ tracking: PostgresFailoverPlan.Tracking?) {
        entries.withLock { $0[key] = tracking }
    }
}
