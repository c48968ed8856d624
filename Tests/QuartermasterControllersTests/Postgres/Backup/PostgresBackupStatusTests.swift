import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct PostgresInstanceBackupStatusTests {
    let now = BackupSamples.date("2026-12-03T10:00:00Z")
    static let archive = PostgresArchiveStatus(
        destinationPath: "s3://b/p", encryption: "AES256", serverName: "pg", credentialsSecret: "creds")

    func apply(
        backup: PostgresBackupConfiguration? = .init(), inputs: PostgresInstanceBackupStatus.Inputs,
        report: InstanceReport? = nil, phase: PostgresInstanceStatus.Phase = .ready
    ) -> PostgresInstanceStatus {
        let instance = PostgresSamples.instance { $0.backup = backup }
        var status = PostgresInstanceStatus(phase: phase, currentPrimary: "pg-1")
        status.conditions = []
        return PostgresInstanceBackupStatus.apply(to: status, instance: instance, inputs: inputs, primaryReport: report, now: now)
    }

    func archiving(_ a: InstanceReport.Archiving?) -> InstanceReport {
        InstanceReport(pod: "pg-1", role: "primary", ready: true, archiving: a)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var archive: PostgresArchiveResolution.Outcome
        var credentials: Bool? = true
        var report: InstanceReport.Archiving?
        var status: Condition.Status?
        var reason: String?
        var message: String?
    }

    static let cases = [
        Case(description: "archiving", archive: .resolved(archive),
             report: .init(lastArchivedWAL: "000000010000000000000003", lastArchivedTime: "2026-12-03T09:59:00Z"),
             status: .true, reason: "ArchivingWAL"),
        Case(description: "nothing archived yet", archive: .resolved(archive), report: .init(), status: .true, reason: "ArchivingWAL"),
        Case(description: "a failure newer than the last success", archive: .resolved(archive),
             report: .init(lastArchivedTime: "2026-12-03T09:00:00Z", lastFailedWAL: "000000010000000000000004",
                           lastFailedTime: "2026-12-03T09:30:00Z", message: "An error occurred (AccessDenied)"),
             status: .false, reason: "ArchivingFailed", message: "An error occurred (AccessDenied)"),
        Case(description: "a success after the failure", archive: .resolved(archive),
             report: .init(lastArchivedWAL: "x", lastArchivedTime: "2026-12-03T09:45:00Z", lastFailedTime: "2026-12-03T09:30:00Z"),
             status: .true, reason: "ArchivingWAL"),
        Case(description: "archive not empty", archive: .resolved(archive),
             report: .init(enabled: false, message: "ArchiveNotEmpty: s3://b/p/pg holds WAL"),
             status: .false, reason: "ArchiveNotEmpty"),
        Case(description: "credentials missing", archive: .resolved(archive), credentials: false, report: .init(),
             status: .false, reason: "CredentialsMissing"),
        Case(description: "no store to derive", archive: .unavailable("no object storage"), status: .false, reason: "CredentialsMissing",
             message: "no object storage"),
        Case(description: "no report yet", archive: .resolved(archive), report: nil, status: .unknown, reason: "WaitingForPrimary"),
    ]

    @Test(arguments: cases) func continuousArchiving(_ c: Case) {
        var inputs = PostgresInstanceBackupStatus.Inputs()
        inputs.resolved = true
        inputs.archive = c.archive
        inputs.credentialsPresent = c.credentials
        let status = apply(inputs: inputs, report: c.report.map(archiving))
        let condition = status.conditions?[type: "ContinuousArchiving"]
        #expect(condition?.status == c.status)
        #expect(condition?.reason == c.reason)
        if let message = c.message { #expect(condition?.message == message) }
        if case .resolved(let a) = c.archive { #expect(status.archive == a) } else { #expect(status.archive == nil) }
    }

    @Test func aStalledInstanceKeepsItsArchive() {
        var instance = PostgresSamples.instance { $0.backup = .init() }
        var stored = PostgresInstanceStatus()
        stored.archive = Self.archive
        stored.backupSchedule = .init(nextScheduleTime: "2026-12-04T03:00:00Z")
        stored.conditions = [Condition(type: "ContinuousArchiving", status: .true, reason: "ArchivingWAL", message: "m")]
        instance.status = stored
        let status = PostgresInstanceBackupStatus.apply(
            to: PostgresInstanceStatus(phase: .failed, conditions: stored.conditions), instance: instance, inputs: .init(),
            primaryReport: archiving(.init(lastFailedTime: "2026-12-03T09:00:00Z", message: "x")), now: now)
        #expect(status.archive == Self.archive)
        #expect(status.backupSchedule == stored.backupSchedule)
        #expect(status.conditions?[type: "ContinuousArchiving"]?.reason == "ArchivingWAL")
    }

    @Test func withoutBackupNoCondition() {
        let status = apply(backup: nil, inputs: .init(), report: archiving(.init()))
        #expect(status.conditions?[type: "ContinuousArchiving"] == nil)
        #expect(status.archive == nil)
    }

    @Test func lastBackupsFromTheInstancesBackups() {
        var inputs = PostgresInstanceBackupStatus.Inputs()
        inputs.backups = [
            BackupSamples.backup("a", instance: "pg", stoppedAt: "2026-12-01T03:00:00Z"),
            BackupSamples.backup("b", instance: "pg", stoppedAt: "2026-12-02T03:00:00Z"),
            BackupSamples.backup("c", instance: "pg", phase: .failed, stoppedAt: "2026-12-03T03:00:00Z"),
            BackupSamples.backup("d", instance: "pg", phase: .running),
        ]
        inputs.firstRecoverabilityPoint = .some("2026-12-01T02:59:00Z")
        let status = apply(inputs: inputs)
        #expect(status.lastSuccessfulBackup == "2026-12-02T03:00:00Z")
        #expect(status.lastFailedBackup == "2026-12-03T03:00:00Z")
        #expect(status.firstRecoverabilityPoint == "2026-12-01T02:59:00Z")
    }

    @Test func recoveringUntilThePrimaryReportsItsTarget() {
        var inputs = PostgresInstanceBackupStatus.Inputs()
        inputs.bootstrap = PostgresBootstrapStatus(
            backupID: "20261203T100000", destinationPath: "s3://b/p", serverName: "src", encryption: "AES256",
            credentialsSecret: "creds")
        #expect(apply(backup: nil, inputs: inputs, phase: .provisioning).phase == .recovering)
        #expect(apply(backup: nil, inputs: inputs, phase: .pending).phase == .recovering)
        let done = InstanceReport(
            pod: "pg-1", role: "primary", ready: true,
            recovery: .init(backupID: "20261203T100000", reachedLSN: "0/5000060", reachedTime: "2026-12-03T10:29:59Z", targetReached: true))
        let status = apply(backup: nil, inputs: inputs, report: done, phase: .ready)
        #expect(status.phase == .ready)
        #expect(status.recovery == PostgresRecoveryStatus(
            backupID: "20261203T100000", reachedLSN: "0/5000060", reachedTime: "2026-12-03T10:29:59Z", targetReached: true))
    }
}

@Suite struct PostgresBackupPodsTests {
    func secretsSources(_ status: PostgresInstanceStatus?) throws -> [JSONValue] {
        var instance = PostgresSamples.instance()
        instance.status = status
        let d = try PostgresInstanceDesiredState.compute(instance: instance, observation: .init(), settings: PostgresSamples.settings)
        let volume = try #require(d.pods.first?.spec?.volumes?.first { $0.name == "secrets" })
        guard case .array(let sources)? = volume.projected?["sources"] else { return [] }
        return sources
    }

    func paths(_ sources: [JSONValue], secret: String) -> [String] {
        sources.compactMap { source -> [String]? in
            guard case .object(let s)? = source["secret"], s["name"] == .string(secret), case .array(let items)? = s["items"] else {
                return nil
            }
            #expect(s["optional"] == .bool(true))
            return items.compactMap { if case .string(let p)? = $0["path"] { return p } else { return nil } }
        }.flatMap { $0 }
    }

    @Test func archiveAndBootstrapCredentialsMounted() throws {
        var status = PostgresInstanceStatus()
        status.archive = PostgresArchiveStatus(
            destinationPath: "s3://b/p", encryption: "AES256", serverName: "pg", credentialsSecret: "creds",
            caSecret: .init(name: "ca", key: "bundle.pem"))
        status.bootstrap = PostgresBootstrapStatus(
            backupID: "x", destinationPath: "s3://b/src", serverName: "src", encryption: "AES256", credentialsSecret: "src-creds")
        let sources = try secretsSources(status)
        #expect(paths(sources, secret: "creds") == ["backup/ACCESS_KEY_ID", "backup/ACCESS_SECRET_KEY", "backup/ACCESS_SESSION_TOKEN"])
        #expect(paths(sources, secret: "ca") == ["backup/ca.crt"])
        #expect(paths(sources, secret: "src-creds") == ["recovery/ACCESS_KEY_ID", "recovery/ACCESS_SECRET_KEY", "recovery/ACCESS_SESSION_TOKEN"])
        let plain = try secretsSources(nil)
        #expect(sources.count == plain.count + 3)
    }

    @Test func theArchiveChangesThePodHash() throws {
        var instance = PostgresSamples.instance()
        let before = try PostgresInstanceDesiredState.compute(instance: instance, observation: .init(), settings: PostgresSamples.settings)
        var status = PostgresInstanceStatus()
        status.archive = PostgresArchiveStatus(destinationPath: "s3://b/p", encryption: "AES256", serverName: "pg", credentialsSecret: "c")
        instance.status = status
        let after = try PostgresInstanceDesiredState.compute(instance: instance, observation: .init(), settings: PostgresSamples.settings)
        let key = PostgresInstanceDesiredState.podSpecHashAnnotation
        #expect(before.pods.first?.metadata.annotations?[key] != after.pods.first?.metadata.annotations?[key])
    }
}

@Suite struct PostgresBackupStatusComputationTests {
    let now = BackupSamples.date("2026-12-03T10:15:00Z")
    static let archive = PostgresArchiveStatus(
        destinationPath: "s3://b/p", endpointURL: "https://s3", region: "eu", encryption: "AES256", serverName: "pg",
        credentialsSecret: "creds")

    func backup(_ status: PostgresBackupStatus? = nil) -> PostgresBackup {
        PostgresBackup(metadata: ObjectMeta(name: "pg-20261203101500", namespace: "ns"), spec: .init(instance: .init(name: "pg")), status: status)
    }

    @Test func lifecycle() {
        let started = PostgresBackupStatusComputation.compute(
            backup: backup(), progress: .started(BackupReport(name: "pg-20261203101500", phase: .running), archive: Self.archive, pod: "pg-1"),
            now: now)
        #expect(started.phase == .running)
        #expect(started.destinationPath == "s3://b/p")
        #expect(started.credentialsSecret == "creds")
        #expect(started.instancePod == "pg-1")
        #expect(started.conditions?[type: "Ready"]?.status == .false)
        #expect(started.conditions?[type: "Reconciling"]?.status == .true)

        let done = PostgresBackupStatusComputation.compute(
            backup: backup(started),
            progress: .reported(
                BackupReport(
                    name: "pg-20261203101500", phase: .completed, backupID: "20261203T101500", startedAt: "2026-12-03T10:15:00Z",
                    stoppedAt: "2026-12-03T10:16:00Z", beginLSN: "0/2000028", endLSN: "0/2000100", size: 4_200_000)),
            now: now)
        #expect(done.phase == .completed)
        #expect(done.backupID == "20261203T101500")
        #expect(done.size == 4_200_000)
        #expect(done.destinationPath == "s3://b/p")
        #expect(done.conditions?[type: "Ready"]?.status == .true)
        #expect(done.conditions?[type: "Reconciling"]?.status == .false)
    }

    @Test func failures() {
        let failed = PostgresBackupStatusComputation.compute(
            backup: backup(), progress: .failed("PostgresInstance pg has no status.archive"), now: now)
        #expect(failed.phase == .failed)
        #expect(failed.error == "PostgresInstance pg has no status.archive")
        #expect(failed.stoppedAt == "2026-12-03T10:15:00Z")
        #expect(failed.conditions?[type: "Ready"]?.reason == "Failed")

        let reported = PostgresBackupStatusComputation.compute(
            backup: backup(PostgresBackupStatus(phase: .running)),
            progress: .reported(BackupReport(name: "x", phase: .failed, error: "barman-cloud-backup: access denied")), now: now)
        #expect(reported.phase == .failed)
        #expect(reported.error == "barman-cloud-backup: access denied")

        let busy = PostgresBackupStatusComputation.compute(backup: backup(), progress: .waiting(reason: "Busy", message: "m"), now: now)
        #expect(busy.phase == .pending)
        #expect(busy.conditions?[type: "Reconciling"]?.reason == "Busy")
    }
}
