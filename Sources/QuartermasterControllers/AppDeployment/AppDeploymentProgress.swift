/// `status.progress` of a Deployment (pure): a coarse percentage for progress bars
/// (`quartermaster deploy`), from the phase alone.
///
/// `Queued` 0, `Analyzing` 10, `Building` 30, `Provisioning` 60, `Deploying` 75, `Healthy` 90,
/// `Exposed` 100. `Failed` and `RollingBack` keep the previous value (what was reached before
/// the failure), 0 when there is none.
public enum AppDeploymentProgress {
    /// The percentage of `phase`; `previous` is the stored `status.progress`.
    public static func percent(for phase: AppDeploymentStatus.Phase, previous: Int?) -> Int {
        switch phase {
        case .queued: 0
        case .analyzing: 10
        case .building: 30
        case .provisioning: 60
        case .deploying: 75
        case .healthy: 90
        case .exposed: 100
        case .failed, .rollingBack: min(max(previous ?? 0, 0), 100)
        }
    }
}
