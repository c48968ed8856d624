import Foundation
import KubeCore
import KubeRuntime

/// A PostgresBackup's previous status + ``PostgresBackupProgress`` → its status, as a pure
/// function.
///
/// - Phases: Pending (not started), Running (the instance manager runs it), Completed, Failed
///   (``PostgresBackupStatus/error`` says why); Completed and Failed are final.
/// - Conditions, with `observedGeneration`: `Ready` (True only when Completed), `Reconciling`
///   (True while Pending or Running), `Stalled` (True only for a refused spec).
/// - The store fields are copied from the instance's `status.archive` when it starts; the
///   report's fields (backupID, times, LSNs, WAL, size) overwrite what it had.
public enum PostgresBackupStatusComputation {
    public static func compute(backup: PostgresBackup, progress: PostgresBackupProgress, now: Date = Date())
        -> PostgresBackupStatus
    {
        var status = backup.status ?? PostgresBackupStatus()
        status.observedGeneration = backup.metadata.generation
        var stalled: (reason: String, message: String)?
        var waiting: (reason: String, message: String)?

        func apply(_ report: BackupReport) {
            status.backupID = report.backupID ?? status.backupID
            status.startedAt = report.startedAt ?? status.startedAt
            status.stoppedAt = report.stoppedAt ?? status.stoppedAt
            status.beginLSN = report.beginLSN ?? status.beginLSN
            status.endLSN = report.endLSN ?? status.endLSN
            status.beginWAL = report.beginWAL ?? status.beginWAL
            status.endWAL = report.endWAL ?? status.endWAL
            status.size = report.size ?? status.size
            switch report.knownPhase {
            case .running: status.phase = .running
            case .completed: status.phase = .completed
            case .failed:
                status.phase = .failed
                status.error = report.error.map { String($0.prefix(1024)) } ?? "the instance manager reports the backup failed"
            }
        }

        switch progress {
        case .waiting(let reason, let message):
            status.phase = .pending
            waiting = (reason, message)
        case .started(let report, let archive, let pod):
            status.destinationPath = archive.destinationPath
            status.endpointURL = archive.endpointURL
            status.region = archive.region
            status.serverName = archive.serverName
            status.encryption = archive.encryption
            status.credentialsSecret = archive.credentialsSecret
            status.caSecret = archive.caSecret
            status.instancePod = pod
            if status.startedAt == nil { status.startedAt = BackupTime.string(now) }
            apply(report)
        case .reported(let report):
            apply(report)
        case .unanswered:
            if status.phase == nil { status.phase = .pending }
        case .failed(let message):
            status.phase = .failed
            status.error = message
        case .stalled(let reason, let message):
            stalled = (reason, message)
            if status.phase == nil { status.phase = .pending }
        }
        if status.phase == .failed, status.stoppedAt == nil { status.stoppedAt = BackupTime.string(now) }

        var conditions = status.conditions ?? []
        let generation = backup.metadata.generation
        func set(_ type: String, _ value: Condition.Status, _ reason: String, _ message: String) {
            conditions.set(
                Condition(type: type, status: value, observedGeneration: generation, reason: reason, message: message),
                now: now)
        }
        let ready = StatusTransition.readyType, stalledType = StatusTransition.stalledType
        if let stalled {
            set(ready, .false, stalled.reason, stalled.message)
            set("Reconciling", .false, "Stalled", "a problem stops the reconciler")
            set(stalledType, .true, stalled.reason, stalled.message)
        } else {
            switch status.phase ?? .pending {
            case .pending:
                let w = waiting ?? ("Pending", "waiting to start")
                set(ready, .false, w.reason, w.message)
                set("Reconciling", .true, w.reason, w.message)
            case .running:
                set(ready, .false, "Running", "the instance manager of \(status.instancePod ?? "the primary") runs the backup")
                set("Reconciling", .true, "Running", "waiting for the backup to finish")
            case .completed:
                set(ready, .true, "Completed", "backup \(status.backupID ?? "") completed")
                set("Reconciling", .false, "Completed", "backup \(status.backupID ?? "") completed")
            case .failed:
                set(ready, .false, "Failed", status.error ?? "the backup failed")
                set("Reconciling", .false, "Failed", status.error ?? "the backup failed")
            }
            set(stalledType, .false, "NoProblems", "no problem stops the reconciler")
        }
        status.conditions = conditions
        return status
    }
}
