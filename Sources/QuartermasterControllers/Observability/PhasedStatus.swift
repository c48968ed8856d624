import KubeRuntime

/// A status with a machine-readable `phase` and conditions: what the per-kind state metrics
/// (``KindStateMetrics``) read of every object.
public protocol PhasedStatus: ConditionedStatus {
    /// `status.phase` as its string value; `nil` before the controller first wrote one.
    var phaseName: String? { get }
}

extension TenantStatus: PhasedStatus {
    /// Tenants have no phase of their own: `Ready` or `NotReady` from the Ready condition.
    public var phaseName: String? {
        guard let ready = conditions?.first(where: { $0.type == "Ready" }) else { return nil }
        return ready.status == .true ? "Ready" : "NotReady"
    }
}

extension ResourceStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
}

extension IPFSClusterStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
}

extension PostgresInstanceStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
}

extension PostgresBackupStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
}

extension AppDeploymentStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
}
