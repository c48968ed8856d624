/// What the reconciler and the webhook refuse in `spec.backup` and `spec.bootstrap` (pure):
/// a schedule ``CronSchedule`` cannot parse, a retention ``BackupRetention`` cannot parse, a
/// recovery target with more than one of time/lsn/name, an unreadable target time or LSN, an
/// empty source name. Each a sentence naming the field (`Stalled` `InvalidSpec`).
public enum PostgresBackupValidation {
    public static func violations(of spec: PostgresInstanceSpec) -> [String] {
        var out: [String] = []
        if let backup = spec.backup {
            if let schedule = backup.schedule {
                do { _ = try CronSchedule(parsing: schedule) } catch {
                    out.append("spec.backup.schedule \"\(schedule.prefix(128))\" is not a cron expression (5 fields or @hourly/@daily/@weekly/@monthly): \(error)")
                }
            }
            if let retention = backup.retention {
                do { _ = try BackupRetention(parsing: retention) } catch {
                    out.append("spec.backup.retention \"\(retention.prefix(64))\" is not N days, weeks or months (e.g. 30d, 4w, 6m)")
                }
            }
        }
        if let recovery = spec.bootstrap?.recovery {
            if recovery.source.name.isEmpty { out.append("spec.bootstrap.recovery.source.name is required") }
            if let target = recovery.target {
                if target.targetsSet > 1 {
                    out.append("spec.bootstrap.recovery.target sets more than one of time, lsn and name")
                }
                if let time = target.time, BackupTime.date(time) == nil {
                    out.append("spec.bootstrap.recovery.target.time \"\(time.prefix(64))\" is not an RFC3339 time")
                }
                if let lsn = target.lsn, PostgresLSN(lsn) == nil {
                    out.append("spec.bootstrap.recovery.target.lsn \"\(lsn.prefix(64))\" is not an LSN X/Y")
                }
            }
        }
        return out
    }
}
