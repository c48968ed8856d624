import Foundation
import KubeCore
import KubeRuntime

/// The backup and recovery part of a PostgresInstance's status, as a pure function applied to
/// what ``PostgresInstanceStatusComputation`` computed:
///
/// - `archive`: the resolved store (``PostgresArchiveResolution``); `bootstrap`: kept once
///   written (the instance's data came from it); `recovery`: the recovered primary's report.
/// - `lastSuccessfulBackup` / `lastFailedBackup`: the newest stop time of this instance's
///   Completed / Failed PostgresBackups.
/// - `firstRecoverabilityPoint`: from the store's catalog when read, else the previous value.
/// - `backupSchedule`: ``PostgresBackupSchedulePlan``'s.
/// - Phase `Recovering` while `bootstrap` is set, the recovered primary has not reported
///   reaching its target and the instance is otherwise still Pending or Provisioning.
/// - Condition `ContinuousArchiving` (absent without `spec.backup`): True `ArchivingWAL` when
///   the primary archives; False `CredentialsMissing` (no store, or its credentials Secret
///   is missing), `ArchiveNotEmpty` (the store already holds another server's WAL),
///   `ArchivingFailed` (the last failure is newer than the last success; the tool's message);
///   Unknown `WaitingForPrimary` until the primary reports.
public enum PostgresInstanceBackupStatus {
    public static let continuousArchivingCondition = "ContinuousArchiving"

    /// What the reconciler learned of backups this reconcile.
    public struct Inputs: Sendable {
        /// The reconciler got as far as resolving the store (no problem stopped it); otherwise
        /// the stored archive, schedule and `ContinuousArchiving` are kept as they are (a
        /// `Stalled` instance keeps archiving where it did).
        public var resolved = false
        public var archive: PostgresArchiveResolution.Outcome = .none
        /// `nil` when not checked; else whether the credentials Secret exists with its keys.
        public var credentialsPresent: Bool?
        public var bootstrap: PostgresBootstrapStatus?
        /// This instance's PostgresBackups.
        public var backups: [PostgresBackup] = []
        /// The catalog's point when read this reconcile (`.some(nil)`: read, empty).
        public var firstRecoverabilityPoint: String??
        public var schedule: PostgresBackupScheduleStatus?
        public init() {}
    }

    public static func apply(
        to status: PostgresInstanceStatus, instance: PostgresInstance, inputs: Inputs, now: Date
    ) -> PostgresInstanceStatus {
        var status = status
        let previous = instance.status
        if case .resolved(let archive) = inputs.archive { status.archive = archive } else { status.archive = nil }
        if !inputs.resolved { status.archive = previous?.archive }
        status.bootstrap = inputs.bootstrap ?? previous?.bootstrap
        status.recovery = previous?.recovery
        status.firstRecoverabilityPoint = inputs.firstRecoverabilityPoint ?? previous?.firstRecoverabilityPoint
        status.backupSchedule = inputs.resolved ? inputs.schedule : previous?.backupSchedule
        let completed = inputs.backups.filter { $0.status?.phase == .completed }
        let failed = inputs.backups.filter { $0.status?.phase == .failed }
        func newest(_ backups: [PostgresBackup]) -> String? {
            backups.compactMap { $0.status?.stoppedAt }.compactMap { t in BackupTime.date(t).map { (t, $0) } }
                .max { $0.1 < $1.1 }?.0
        }
        status.lastSuccessfulBackup = newest(completed) ?? previous?.lastSuccessfulBackup
        status.lastFailedBackup = newest(failed) ?? previous?.lastFailedBackup
        if instance.spec.backup == nil {
            status.lastSuccessfulBackup = previous?.lastSuccessfulBackup
            status.lastFailedBackup = previous?.lastFailedBackup
        }
        return status
    }

    /// Adds `recovery`, the `Recovering` phase and `ContinuousArchiving` from the primary's report.
    public static func apply(
        to status: PostgresInstanceStatus, instance: PostgresInstance, inputs: Inputs, primaryReport: InstanceReport?,
        now: Date
    ) -> PostgresInstanceStatus {
        var status = apply(to: status, instance: instance, inputs: inputs, now: now)
        if let recovery = primaryReport?.recovery {
            status.recovery = PostgresRecoveryStatus(
                backupID: recovery.backupID, reachedLSN: recovery.reachedLSN, reachedTime: recovery.reachedTime,
                targetReached: recovery.targetReached)
        }
        if status.bootstrap != nil, status.recovery?.targetReached != true,
            status.phase == .pending || status.phase == .provisioning
        {
            status.phase = .recovering
        }

        var conditions = status.conditions ?? []
        func set(_ value: Condition.Status, _ reason: String, _ message: String) {
            conditions.set(
                Condition(
                    type: continuousArchivingCondition, status: value, observedGeneration: instance.metadata.generation,
                    reason: reason, message: message),
                now: now)
        }
        if instance.spec.backup == nil {
            conditions.remove(type: continuousArchivingCondition)
        } else if !inputs.resolved {
            // Kept as it was.
        } else if case .unavailable(let why) = inputs.archive {
            set(.false, "CredentialsMissing", why)
        } else if case .resolved(let archive) = inputs.archive, inputs.credentialsPresent == false {
            set(
                .false, "CredentialsMissing",
                "Secret \(archive.credentialsSecret) is missing or lacks ACCESS_KEY_ID and ACCESS_SECRET_KEY")
        } else if let archiving = primaryReport?.archiving {
            let message = archiving.message ?? ""
            let failedAt = archiving.lastFailedTime.flatMap(BackupTime.date)
            let archivedAt = archiving.lastArchivedTime.flatMap(BackupTime.date)
            if message.hasPrefix("ArchiveNotEmpty") {
                set(.false, "ArchiveNotEmpty", message)
            } else if let failedAt, archivedAt.map({ failedAt >= $0 }) ?? true {
                set(
                    .false, "ArchivingFailed",
                    message.isEmpty ? "archiving \(archiving.lastFailedWAL ?? "WAL") failed" : String(message.prefix(1024)))
            } else if !archiving.enabled {
                set(.false, "ArchivingFailed", message.isEmpty ? "the primary does not archive WAL" : String(message.prefix(1024)))
            } else if let wal = archiving.lastArchivedWAL {
                set(.true, "ArchivingWAL", "last archived \(wal) at \(archiving.lastArchivedTime ?? "an unknown time")")
            } else {
                set(.true, "ArchivingWAL", "archiving is on; no WAL segment archived yet")
            }
        } else if conditions[type: continuousArchivingCondition] == nil {
            set(.unknown, "WaitingForPrimary", "waiting for the primary to report archiving")
        }
        status.conditions = conditions
        return status
    }
}
