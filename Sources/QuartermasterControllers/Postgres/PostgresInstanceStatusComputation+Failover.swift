import Foundation
import KubeCore
import KubeRuntime

extension PostgresInstanceStatusComputation {
    /// What the failover and disk steps add to a computed status (pure):
    ///
    /// - `targetPrimaryTimestamp`, `fencedInstances`, `promotions`, `lastSwitchoverRequest` from
    ///   `planned` (the status with ``PostgresFailoverPlan``'s changes);
    /// - each `instancesStatus[]` entry's `receivedLsn`, `dataVolume`, `walVolume` from its report,
    ///   and `fenced` (in `fencedInstances`, or its manager says it fenced itself); a volume's
    ///   figures stay as stored until they move by ``PostgresVolumeUsage/settleFraction`` of its
    ///   capacity (``PostgresVolumeUsage/settled(_:previous:)``), and the WAL figures (`lsn`,
    ///   `receivedLsn`, `replicationLagBytes`) until they move by a WAL segment
    ///   (``PostgresLiveFigures``);
    /// - phase `FailingOver` / `SwitchingOver` while the newest promotion's target is the target
    ///   primary and not yet the confirmed one (`Ready` False with that reason, `Reconciling`
    ///   True), unless the instance is Failed or Suspended;
    /// - `DiskPressure` from ``PostgresDiskPlan`` (left as it was when the plan has no figures).
    public static func withFailover(
        _ computed: PostgresInstanceStatus, planned: PostgresInstanceStatus?, reports: [String: InstanceReport],
        diskPressure: (status: Condition.Status, reason: String, message: String)?, generation: Int64?,
        now: Date = Date()
    ) -> PostgresInstanceStatus {
        var status = computed
        status.targetPrimaryTimestamp = planned?.targetPrimaryTimestamp
        status.fencedInstances = planned?.fencedInstances
        status.promotions = planned?.promotions
        status.lastSwitchoverRequest = planned?.lastSwitchoverRequest
        let fenced = Set(planned?.fencedInstances ?? [])
        status.instancesStatus = status.instancesStatus?.map { entry in
            var entry = entry
            let report = reports[entry.name]
            let previous = planned?.instancesStatus?.first { $0.name == entry.name }
            entry.lsn = PostgresLiveFigures.settledLSN(entry.lsn, previous: previous?.lsn)
            entry.receivedLsn = PostgresLiveFigures.settledLSN(report?.receivedLsn, previous: previous?.receivedLsn)
            entry.replicationLagBytes = PostgresLiveFigures.settledLag(
                entry.replicationLagBytes, previous: previous?.replicationLagBytes)
            entry.dataVolume = PostgresVolumeUsage.settled(report?.dataVolume, previous: previous?.dataVolume)
            entry.walVolume = PostgresVolumeUsage.settled(report?.walVolume, previous: previous?.walVolume)
            let isFenced = fenced.contains(entry.name) || report?.fenced == true
            entry.fenced = isFenced ? true : nil
            return entry
        }
        var conditions = status.conditions ?? []
        func set(_ type: String, _ value: Condition.Status, _ reason: String, _ message: String) {
            conditions.set(
                Condition(type: type, status: value, observedGeneration: generation, reason: reason, message: message),
                now: now)
        }
        if let last = status.promotions?.last, let target = status.targetPrimary, last.to == target,
            status.currentPrimary != target, status.phase != .failed, status.phase != .suspended
        {
            let failover = last.reason == .failover
            status.phase = failover ? .failingOver : .switchingOver
            let reason = failover ? "FailingOver" : "SwitchingOver"
            let message = "promoting \(target) (was \(last.from)); waiting for it to report primary"
            set(readyCondition, .false, reason, message)
            set(reconcilingCondition, .true, reason, message)
        }
        if let (value, reason, message) = diskPressure {
            set(PostgresDiskPlan.condition, value, reason, message)
        }
        status.conditions = conditions
        return status
    }
}
