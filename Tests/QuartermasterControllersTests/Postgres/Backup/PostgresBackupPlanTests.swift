import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

enum BackupSamples {
    static func date(_ text: String) -> Date {
        guard let d = BackupTime.date(text) else { fatalError("bad sample time \(text)") }
        return d
    }

    static func backup(
        _ name: String, instance: String = "src", phase: PostgresBackupStatus.Phase = .completed, stoppedAt: String? = nil,
        endLSN: String? = nil, id: String? = nil, namespace: String = "ns", destination: String = "s3://b/p", server: String? = nil
    ) -> PostgresBackup {
        var status = PostgresBackupStatus(phase: phase)
        status.backupID = id ?? name
        status.stoppedAt = stoppedAt
        status.endLSN = endLSN
        status.destinationPath = destination
        status.serverName = server ?? instance
        status.credentialsSecret = "creds"
        status.encryption = "AES256"
        var meta = ObjectMeta(name: name, namespace: namespace, labels: [PostgresBackupLabels.instanceKey: instance])
        meta.uid = "uid-\(name)"
        return PostgresBackup(metadata: meta, spec: PostgresBackupSpec(instance: .init(name: instance)), status: status)
    }
}

@Suite struct PostgresBackupSchedulePlanTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var schedule: String? = "0 3 * * *"
        var suspended = false
        var previous: PostgresBackupScheduleStatus?
        var token: String?
        var now = "2026-12-03T10:00:00Z"
        var created: [String]
        var triggers: [PostgresBackupLabels.Trigger] = []
        var last: String?
        var next: String?
    }

    static let cases: [Case] = [
        Case(description: "a new schedule waits for its first slot", created: [], next: "2026-12-04T03:00:00Z"),
        Case(
            description: "a reached slot: one backup named for it",
            previous: .init(nextScheduleTime: "2026-12-03T03:00:00Z"), created: ["pg-20261203030000"], triggers: [.schedule],
            last: "2026-12-03T03:00:00Z", next: "2026-12-04T03:00:00Z"),
        Case(
            description: "three missed slots: one backup, for the latest",
            previous: .init(lastScheduleTime: "2026-11-30T03:00:00Z", nextScheduleTime: "2026-12-01T03:00:00Z"),
            created: ["pg-20261203030000"], triggers: [.schedule], last: "2026-12-03T03:00:00Z", next: "2026-12-04T03:00:00Z"),
        Case(
            description: "suspended: the slot passes without a backup",
            suspended: true, previous: .init(lastScheduleTime: "2026-12-02T03:00:00Z", nextScheduleTime: "2026-12-03T03:00:00Z"),
            created: [], last: "2026-12-02T03:00:00Z", next: "2026-12-04T03:00:00Z"),
        Case(
            description: "not yet due: nothing",
            previous: .init(nextScheduleTime: "2026-12-04T03:00:00Z"), created: [], next: "2026-12-04T03:00:00Z"),
        Case(
            description: "a changed expression: the stored slot is not one of its slots",
            schedule: "30 4 * * *", previous: .init(nextScheduleTime: "2026-12-04T03:00:00Z"), created: [],
            next: "2026-12-04T04:30:00Z"),
        Case(
            description: "a new backup-now token: one backup for now, even while suspended",
            suspended: true, previous: .init(nextScheduleTime: "2026-12-04T03:00:00Z", lastRunNowToken: "a"), token: "b",
            created: ["pg-20261203100000-698391"], triggers: [.annotation], next: "2026-12-04T03:00:00Z"),
        Case(
            description: "the handled token again: nothing",
            previous: .init(nextScheduleTime: "2026-12-04T03:00:00Z", lastRunNowToken: "a"), token: "a", created: [],
            next: "2026-12-04T03:00:00Z"),
        Case(description: "no schedule, no token: no bookkeeping", schedule: nil, created: []),
    ]

    @Test(arguments: cases) func plan(_ c: Case) throws {
        let cron = try c.schedule.map { try CronSchedule(parsing: $0) }
        let plan = PostgresBackupSchedulePlan.plan(
            instance: "pg", schedule: cron, suspended: c.suspended, previous: c.previous, runNowToken: c.token,
            now: BackupSamples.date(c.now))
        #expect(plan.create.map(\.name) == c.created)
        if !c.triggers.isEmpty { #expect(plan.create.map(\.trigger) == c.triggers) }
        #expect(plan.status?.lastScheduleTime == c.last)
        #expect(plan.status?.nextScheduleTime == c.next)
        if let next = c.next {
            #expect(plan.wakeAfter == BackupSamples.date(next).timeIntervalSince(BackupSamples.date(c.now)))
        }
    }

    /// The token a reconcile takes as handled when the instance it reads may be stale.
    struct TokenCase: Sendable, CustomStringConvertible {
        var description: String
        var token: String?
        var status: String?
        var remembered: String?
        /// (name, creationTimestamp, trigger) of the instance's backups in the cache.
        var backups: [(String, String?, PostgresBackupLabels.Trigger)] = []
        var handled: String?
    }

    static func tokenBackupName(_ token: String, _ time: String) -> String {
        PostgresBackupLabels.name(instance: "pg", time: BackupSamples.date(time), token: token)
    }

    static let tokenCases: [TokenCase] = [
        TokenCase(description: "nothing remembered, no backup: the status's", token: "two", status: "one", handled: "one"),
        TokenCase(
            description: "this process created a backup for it; the status read is older", token: "two", status: "one",
            remembered: "two", handled: "two"),
        TokenCase(
            description: "after a restart, the newest annotation backup is the token's", token: "two", status: "one",
            backups: [
                (tokenBackupName("one", "2026-12-03T10:00:00Z"), "2026-12-03T10:00:00Z", .annotation),
                (tokenBackupName("two", "2026-12-03T10:00:05Z"), "2026-12-03T10:00:05Z", .annotation),
            ],
            handled: "two"),
        TokenCase(
            description: "the token set again after another: its old backup is not the newest", token: "one", status: "two",
            backups: [
                (tokenBackupName("one", "2026-12-03T10:00:00Z"), "2026-12-03T10:00:00Z", .annotation),
                (tokenBackupName("two", "2026-12-03T10:00:05Z"), "2026-12-03T10:00:05Z", .annotation),
            ],
            handled: "two"),
        TokenCase(
            description: "a scheduled backup named alike does not count", token: "two", status: "one",
            backups: [("pg-20261203100005-\(PostgresBackupLabels.tokenDigest("two"))", "2026-12-03T10:00:05Z", .schedule)],
            handled: "one"),
        TokenCase(description: "no token", token: nil, status: "one", handled: "one"),
    ]

    @Test(arguments: tokenCases) func handledToken(_ c: TokenCase) {
        let backups = c.backups.map { name, created, trigger in
            var backup = BackupSamples.backup(name, instance: "pg")
            backup.metadata.labels = PostgresBackupLabels.labels(instance: "pg", trigger: trigger)
            backup.metadata.creationTimestamp = created
            return backup
        }
        #expect(
            PostgresBackupSchedulePlan.handledToken(
                instance: "pg", token: c.token, status: c.status, remembered: c.remembered, backups: backups) == c.handled)
    }

    @Test func runsOnceAcrossReconcilesOfTheSameSlot() throws {
        let cron = try CronSchedule(parsing: "@hourly")
        var status: PostgresBackupScheduleStatus?
        var created: [String] = []
        // The clock advances 20 minutes per reconcile across two slots.
        for minute in stride(from: 0, through: 120, by: 20) {
            let now = BackupSamples.date("2026-12-03T10:05:00Z").addingTimeInterval(TimeInterval(minute * 60))
            let plan = PostgresBackupSchedulePlan.plan(
                instance: "pg", schedule: cron, suspended: false, previous: status, runNowToken: nil, now: now)
            created += plan.create.map(\.name)
            status = plan.status
        }
        #expect(created == ["pg-20261203110000", "pg-20261203120000"])
    }
}

@Suite struct PostgresRecoveryPlanTests {
    static let backups = [
        BackupSamples.backup("b1", stoppedAt: "2026-12-03T09:00:00Z", endLSN: "0/3000000"),
        BackupSamples.backup("b2", stoppedAt: "2026-12-03T10:00:00Z", endLSN: "0/5000000"),
        BackupSamples.backup("b3", stoppedAt: "2026-12-03T11:00:00Z", endLSN: "0/7000000"),
        BackupSamples.backup("b4", phase: .failed, stoppedAt: "2026-12-03T12:00:00Z", endLSN: "0/9000000"),
        BackupSamples.backup("other", instance: "elsewhere", stoppedAt: "2026-12-03T13:00:00Z", endLSN: "0/A000000"),
        BackupSamples.backup("far", stoppedAt: "2026-12-03T13:00:00Z", endLSN: "0/A000000", namespace: "ns2"),
    ]

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var target: PostgresRecoveryTarget?
        var chosen: String?
    }

    static let cases = [
        Case(description: "latest", target: nil, chosen: "b3"),
        Case(description: "a time between backups", target: .init(time: "2026-12-03T10:30:00Z"), chosen: "b2"),
        Case(description: "a time equal to a stop time", target: .init(time: "2026-12-03T10:00:00Z"), chosen: "b2"),
        Case(description: "a time before every backup", target: .init(time: "2026-12-03T08:00:00Z"), chosen: nil),
        Case(description: "an lsn equal to an end", target: .init(lsn: "0/5000000"), chosen: "b2"),
        Case(description: "an lsn just before an end", target: .init(lsn: "0/6FFFFFF"), chosen: "b2"),
        Case(description: "an lsn before every end", target: .init(lsn: "0/1000000"), chosen: nil),
        Case(description: "a named restore point: the latest", target: .init(name: "before-migration"), chosen: "b3"),
    ]

    @Test(arguments: cases) func baseBackup(_ c: Case) {
        let candidates = PostgresRecoveryPlan.candidates(Self.backups, source: "src", namespace: "ns")
        #expect(Set(candidates.compactMap { $0.metadata.name }) == ["b1", "b2", "b3"])
        #expect(PostgresRecoveryPlan.baseBackup(from: candidates, target: c.target)?.metadata.name == c.chosen)
    }

    @Test func bootstrapCopiesTheSourceStoreAndTarget() throws {
        let target = PostgresRecoveryTarget(time: "2026-12-03T10:30:00Z")
        let b = try #require(PostgresRecoveryPlan.bootstrap(from: Self.backups[1], target: target))
        #expect(b.backupID == "b2")
        #expect(b.destinationPath == "s3://b/p")
        #expect(b.serverName == "src")
        #expect(b.credentialsSecret == "creds")
        #expect(b.target == target)
    }
}

@Suite struct PostgresArchiveResolutionTests {
    static let settings = BackupObjectStoreSettings(destination: "s3://bucket/tenants/", endpointURL: "https://s3:9000", region: "eu")
    static let storage = PostgresArchiveResolution.TenantObjectStorage(tenant: "team-a", settings: settings, hasCA: true)

    func resolve(
        _ backup: PostgresBackupConfiguration?, tenant: String? = "team-a",
        storage: PostgresArchiveResolution.TenantObjectStorage? = storage
    ) throws -> PostgresArchiveResolution.Outcome {
        try PostgresArchiveResolution.resolve(
            instance: PostgresSamples.instance { $0.backup = backup }, tenant: tenant, storage: storage)
    }

    @Test func noBackupNoArchive() throws { #expect(try resolve(nil) == .none) }

    @Test func derivedFromTheTenantsObjectStorage() throws {
        #expect(
            try resolve(.init(schedule: "@daily"))
                == .resolved(
                    PostgresArchiveStatus(
                        destinationPath: "s3://bucket/tenants/team-a", endpointURL: "https://s3:9000", region: "eu",
                        encryption: "AES256", serverName: "pg", credentialsSecret: "quartermaster-backup-credentials",
                        caSecret: .init(name: "quartermaster-backup-ca"))))
    }

    @Test func withoutObjectStorageNothingToDerive() throws {
        guard case .unavailable(let why) = try resolve(.init(), storage: nil) else {
            Issue.record("expected unavailable")
            return
        }
        #expect(why.contains("no object storage"))
    }

    @Test func explicitStoreAsWritten() throws {
        let store = PostgresObjectStore(
            destinationPath: "s3://mine/x", credentialsSecret: .init(name: "s3"), caSecret: .init(name: "ca"),
            encryption: .none, serverName: "old")
        #expect(
            try resolve(.init(objectStore: store))
                == .resolved(
                    PostgresArchiveStatus(
                        destinationPath: "s3://mine/x", encryption: "none", serverName: "old", credentialsSecret: "s3",
                        caSecret: .init(name: "ca", key: "ca.crt"))))
    }

    @Test(arguments: [
        ("s3://bucket/tenants/team-a/sub", true), ("s3://bucket/tenants/team-a", true),
        ("s3://bucket/tenants/team-ab", false), ("s3://bucket/tenants/team-b", false), ("s3://other/x", false),
    ])
    func tenantCredentialsOnlyInsideTheTenantsPrefix(path: String, allowed: Bool) throws {
        let store = PostgresObjectStore(destinationPath: path, credentialsSecret: .init(name: "quartermaster-backup-credentials"))
        do {
            _ = try resolve(.init(objectStore: store))
            #expect(allowed)
        } catch let problem as PostgresInstanceProblem {
            #expect(!allowed)
            #expect(problem.reason == .backupDestinationForbidden)
        }
    }
}

@Suite struct PostgresBackupSpecTests {
    @Test func decoderDefaultsMatchTheSchema() throws {
        let json = #"{"backup":{"objectStore":{"destinationPath":"s3://b/p","credentialsSecret":{"name":"c"},"caSecret":{"name":"ca"}},"schedule":"@daily"},"bootstrap":{"recovery":{"source":{"name":"old"}}}}"#
        let spec = try JSONDecoder().decode(PostgresInstanceSpec.self, from: Data(json.utf8))
        let backup = try #require(spec.backup)
        #expect(backup.suspended == false)
        #expect(backup.objectStore?.encryption == .aes256)
        #expect(backup.objectStore?.caSecret?.key == "ca.crt")
        #expect(spec.bootstrap?.recovery?.source.name == "old")
        #expect(spec.unrecognizedValues.isEmpty)

        let schema = PostgresInstanceSpec.schema
        let backupSchema = try #require(schema.properties?.first { $0.name == "backup" }?.schema)
        #expect(backupSchema.properties?.first { $0.name == "suspended" }?.schema.defaultValue == .bool(false))
        let store = try #require(backupSchema.properties?.first { $0.name == "objectStore" }?.schema)
        #expect(store.properties?.first { $0.name == "encryption" }?.schema.defaultValue == .string("AES256"))
        let ca = try #require(store.properties?.first { $0.name == "caSecret" }?.schema)
        #expect(ca.properties?.first { $0.name == "key" }?.schema.defaultValue == .string("ca.crt"))
        #expect(backupSchema.properties?.first { $0.name == "retention" }?.schema.pattern == BackupRetention.pattern)
    }

    @Test func unknownEncryptionIsListed() throws {
        let json = #"{"backup":{"objectStore":{"destinationPath":"s3://b/p","credentialsSecret":{"name":"c"},"encryption":"rot13"}}}"#
        let spec = try JSONDecoder().decode(PostgresInstanceSpec.self, from: Data(json.utf8))
        #expect(spec.unrecognizedValues.count == 1)
    }

    struct Bad: Sendable, CustomStringConvertible {
        var description: String
        var backup: PostgresBackupConfiguration?
        var target: PostgresRecoveryTarget?
    }

    static let bad = [
        Bad(description: "spec.backup.schedule", backup: .init(schedule: "61 * * * *")),
        Bad(description: "spec.backup.retention", backup: .init(retention: "30y")),
        Bad(description: "more than one", target: .init(time: "2026-12-03T10:00:00Z", lsn: "0/1")),
        Bad(description: "target.lsn", target: .init(lsn: "zz")),
        Bad(description: "target.time", target: .init(time: "yesterday")),
    ]

    @Test(arguments: bad) func invalidBackupSpecStalls(_ c: Bad) {
        let instance = PostgresSamples.instance {
            $0.backup = c.backup
            if let target = c.target { $0.bootstrap = .init(recovery: .init(source: .init(name: "old"), target: target)) }
        }
        let problems = PostgresInstanceValidation.problems(of: instance)
        #expect(problems.map(\.reason) == [.invalidSpec])
        #expect(problems.first?.message.contains(c.description) == true)
        #expect(PostgresBackupValidation.violations(of: instance.spec).count == 1)
    }

    @Test func validBackupSpecPasses() {
        let instance = PostgresSamples.instance {
            $0.backup = .init(schedule: "0 3 * * *", retention: "30d")
            $0.bootstrap = .init(recovery: .init(source: .init(name: "old"), target: .init(lsn: "0/3000060")))
        }
        #expect(PostgresInstanceValidation.problems(of: instance).isEmpty)
    }
}

@Suite struct PostgresRestoreTemplateTests {
    @Test func mediumRestoresFromAnotherInstance() throws {
        let resolved = try ResourceTemplateCatalog.resolve(
            ResourceSpec(template: "postgres-medium", parameters: .init(restoreFrom: "old", restoreTime: "2026-12-03T10:00:00Z")))
        let spec = try resolved.childSpec(suspended: false)
        let decoded = try spec.decode(as: PostgresInstanceSpec.self)
        #expect(decoded.bootstrap?.recovery?.source.name == "old")
        #expect(decoded.bootstrap?.recovery?.target?.time == "2026-12-03T10:00:00Z")
        let latest = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-medium", parameters: .init(restoreFrom: "old")))
        #expect(try latest.childSpec(suspended: false).decode(as: PostgresInstanceSpec.self).bootstrap?.recovery?.target == nil)
        let plain = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-medium"))
        #expect(try plain.childSpec(suspended: false).decode(as: PostgresInstanceSpec.self).bootstrap == nil)
    }

    @Test(arguments: [
        ("postgres-medium", ResourceParameters(restoreTime: "2026-12-03T10:00:00Z"), "needs parameters.restoreFrom"),
        ("postgres-medium", ResourceParameters(restoreFrom: "old", restoreTime: "noon"), "not an RFC3339 time"),
        ("postgres-small", ResourceParameters(restoreFrom: "old"), "not accepted"),
    ])
    func refusedParameters(template: String, parameters: ResourceParameters, says: String) {
        do {
            _ = try ResourceTemplateCatalog.resolve(ResourceSpec(template: template, parameters: parameters))
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains(says))
        }
    }
}

@Suite struct PostgresSmallBackupTemplateTests {
    @Test func backupsOnlyWithTheTenantsObjectStorage() throws {
        var resolved = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-small"))
        #expect(try resolved.childSpec(suspended: false).decode(as: PostgresInstanceSpec.self).backup == nil)
        resolved.tenantHasObjectStorage = true
        let backup = try resolved.childSpec(suspended: false).decode(as: PostgresInstanceSpec.self).backup
        #expect(backup == PostgresBackupConfiguration(schedule: "0 3 * * *", retention: "30d"))
        var medium = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-medium"))
        medium.tenantHasObjectStorage = true
        #expect(try medium.childSpec(suspended: false).decode(as: PostgresInstanceSpec.self).backup == nil)
    }
}
