import Foundation

/// The backup schedule and the `quartermaster.dev/backup-now` annotation → the PostgresBackups
/// to create now and the new `status.backupSchedule`, as a pure function of the clock's `now`.
///
/// - `nextScheduleTime` is the slot waited for (first: the cron's next slot after `now`, so a
///   new schedule does not back up at once; recomputed when the expression changed and the
///   stored slot is not one of its slots).
/// - Once `now` reaches it: one backup named for the LATEST slot not after `now` (a run missed
///   while the operator was away is taken once, not once per slot), then the next slot after
///   `now`. While `suspended`, reached slots pass without a backup.
/// - A backup-now token other than `lastRunNowToken`: one backup named for `now` (trigger
///   `annotation`), whatever the schedule or suspension.
/// - ``Plan/wakeAfter``: seconds until the next slot (the reconciler requeues by then).
public enum PostgresBackupSchedulePlan {
    public struct Backup: Sendable, Hashable {
        public var name: String
        public var trigger: PostgresBackupLabels.Trigger
        public var time: Date
    }

    public struct Plan: Sendable, Hashable {
        public var create: [Backup] = []
        public var status: PostgresBackupScheduleStatus?
        public var wakeAfter: TimeInterval?
    }

    /// The backup-now token already handled, for a reconcile that may read a stale instance
    /// (the cache is a hint): `remembered`, the token this process last created a backup for,
    /// when it has one (it is never older than the status it wrote); else the status's
    /// `lastRunNowToken`, unless `token` asked for the newest annotation-triggered backup of
    /// `instance` in `backups` (its name ends in the token's digest and none of the others was
    /// created later): a backup created before a restart whose status write was lost is not
    /// created twice. (One token set again within the same second as another, after it, is
    /// taken as handled.)
    public static func handledToken(
        instance: String, token: String?, status: String?, remembered: String?, backups: [PostgresBackup]
    ) -> String? {
        if let remembered { return remembered }
        guard let token, !token.isEmpty, token != status else { return status }
        let annotated = backups.filter {
            $0.metadata.labels?[PostgresBackupLabels.instanceKey] == instance
                && $0.metadata.labels?[PostgresBackupLabels.triggerKey] == PostgresBackupLabels.Trigger.annotation.rawValue
        }
        let newest = annotated.compactMap { $0.metadata.creationTimestamp.flatMap(BackupTime.date) }.max()
        let suffix = "-\(PostgresBackupLabels.tokenDigest(token))"
        let asked = annotated.contains { backup in
            guard let name = backup.metadata.name, name.hasSuffix(suffix) else { return false }
            guard let newest else { return true }
            return backup.metadata.creationTimestamp.flatMap(BackupTime.date).map { $0 >= newest } ?? false
        }
        return asked ? token : status
    }

    /// Most slots walked to find the latest missed one (a minute schedule missed for a week).
    static let maxSlotsWalked = 20_000

    public static func plan(
        instance: String, schedule: CronSchedule?, suspended: Bool, previous: PostgresBackupScheduleStatus?,
        runNowToken: String?, now: Date
    ) -> Plan {
        var plan = Plan()
        var status = previous ?? PostgresBackupScheduleStatus()
        if let token = runNowToken, !token.isEmpty, token != previous?.lastRunNowToken {
            plan.create.append(
                Backup(name: PostgresBackupLabels.name(instance: instance, time: now, token: token), trigger: .annotation, time: now))
            status.lastRunNowToken = token
        }
        guard let schedule else {
            status.nextScheduleTime = nil
            plan.status = status == PostgresBackupScheduleStatus() ? nil : status
            return plan
        }
        var pending = previous?.nextScheduleTime.flatMap(BackupTime.date)
        if let slot = pending, schedule.next(after: slot.addingTimeInterval(-1)) != slot { pending = nil }
        if pending == nil { pending = schedule.next(after: now) }
        if let slot = pending, slot <= now {
            var latest = slot
            var walked = 0
            while let following = schedule.next(after: latest), following <= now, walked < maxSlotsWalked {
                latest = following
                walked += 1
            }
            if !suspended {
                let name = PostgresBackupLabels.name(instance: instance, time: latest)
                if !plan.create.contains(where: { $0.name == name }) {
                    plan.create.append(Backup(name: name, trigger: .schedule, time: latest))
                }
                status.lastScheduleTime = BackupTime.string(latest)
            }
            pending = schedule.next(after: now)
        }
        status.nextScheduleTime = pending.map(BackupTime.string)
        plan.wakeAfter = pending.map { max(1, $0.timeIntervalSince(now)) }
        plan.status = status
        return plan
    }
}
