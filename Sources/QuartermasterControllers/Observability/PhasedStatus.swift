import KubeRuntime

/// A status with a machine-readable `phase` and conditions: what the per-kind state metrics
/// (``KindStateMetrics``) read of every object.
public protocol PhasedStatus: ConditionedStatus {
    /// `status.phase` as its string value; `nil` before the controller first wrote one.
    var phaseName: String? { get }
    /// `true` when this status is one an object has only before it is first Ready (so its
    /// next Ready is its first: ``TimeToReadyMetrics`` measures it), `false` when it shows the
    /// object was Ready before (degraded, rolled out again, ...).
    var isBeforeFirstReady: Bool { get }
    /// Whether ``TimeToReadyMetrics`` measures the kind. Default `true`.
    static var measuresTimeToReady: Bool { get }
}

extension PhasedStatus {
    public static var measuresTimeToReady: Bool { true }
}

extension TenantStatus: PhasedStatus {
    /// Tenants have no phase of their own: `Ready` or `NotReady` from the Ready condition.
    public var phaseName: String? {
        guard let ready = conditions?.first(where: { $0.type == "Ready" }) else { return nil }
        return ready.status == .true ? "Ready" : "NotReady"
    }

    /// Not measured: a Tenant has no phase, and its `Provisioning` comes back whenever its spec
    /// asks for more (a build namespace), so its status cannot tell a first Ready from a later
    /// one. Tenants are ready within seconds of their quota being counted; the workloads' times
    /// are the ones worth a histogram.
    public static var measuresTimeToReady: Bool { false }
    public var isBeforeFirstReady: Bool { false }
}

extension ResourceStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
    /// No phase yet, `Pending` or `Provisioning` (a Ready Resource that loses its workloads is
    /// `Degraded`).
    public var isBeforeFirstReady: Bool { phase == nil || phase == .pending || phase == .provisioning }
}

extension IPFSClusterStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
    /// No phase yet, `Pending` or `Provisioning` (once Ready it goes `Degraded`, not back).
    public var isBeforeFirstReady: Bool { phase == nil || phase == .pending || phase == .provisioning }
}

extension PostgresInstanceStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
    /// No phase yet, `Pending`, `Provisioning` or `Recovering` (bootstrapping from a backup).
    public var isBeforeFirstReady: Bool {
        phase == nil || phase == .pending || phase == .provisioning || phase == .recovering
    }
}

extension PostgresBackupStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
    /// Not measured: a backup's Ready means Completed, not a workload that serves.
    public static var measuresTimeToReady: Bool { false }
    public var isBeforeFirstReady: Bool { false }
}

extension AppDeploymentStatus: PhasedStatus {
    public var phaseName: String? { phase?.rawValue }
    /// Not `Exposed`, and no revision in the history ever rolled out healthy (a Deployment
    /// rolling out its second revision was Ready before).
    public var isBeforeFirstReady: Bool {
        phase != .exposed
            && !(history ?? []).contains { [.healthy, .superseded, .rolledBack].contains($0.outcome) }
    }
}
