import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Synchronization
import Testing

/// An instance manager answering the operator's backup routes as the contract says, scripted by
/// the test (no PostgreSQL or object store here: the API server is real, the pods are not).
final class ScriptedBackupInstanceManager: InstanceStatusClient {
    struct NoAnswer: Error {}
    struct State {
        var reports: [String: InstanceReport] = [:]
        /// Backups by name; `nil` phase override answers 404.
        var backups: [String: BackupReport] = [:]
        var forgotten: Set<String> = []
        var started: [String] = []
        var catalog = BackupCatalog(backups: [])
        var retentionPolicies: [String] = []
        var retention: RetentionReport?
        /// The next this many `POST /retention` and catalog reads go unanswered (a busy node).
        var unansweredRetentionStarts = 0
        var unansweredCatalogReads = 0
        /// The next this many retention runs are accepted and then forgotten (the manager restarted).
        var forgottenRetentionRuns = 0
    }
    let state = Mutex(State())

    func report(podIP: String) async throws -> InstanceReport {
        guard let r = state.withLock({ $0.reports[podIP] }) else { throw NoAnswer() }
        return r
    }
    func startBackup(podIP: String, name: String) async throws -> BackupReport {
        try state.withLock { s in
            guard s.reports[podIP]?.role == "primary" else { throw InstanceStatusError.conflict("not the primary") }
            if let known = s.backups[name] { return known }
            let report = BackupReport(name: name, phase: .running, startedAt: "2026-12-03T10:00:01Z")
            s.backups[name] = report
            s.started.append(name)
            return report
        }
    }
    func backup(podIP: String, name: String) async throws -> BackupReport? {
        state.withLock { s in s.forgotten.contains(name) ? nil : s.backups[name] }
    }
    func backupCatalog(podIP: String) async throws -> BackupCatalog {
        try state.withLock { s in
            if s.unansweredCatalogReads > 0 {
                s.unansweredCatalogReads -= 1
                throw NoAnswer()
            }
            return s.catalog
        }
    }
    func startRetention(podIP: String, policy: String) async throws {
        try state.withLock { s in
            if s.unansweredRetentionStarts > 0 {
                s.unansweredRetentionStarts -= 1
                throw NoAnswer()
            }
            s.retentionPolicies.append(policy)
            if s.forgottenRetentionRuns > 0 {
                s.forgottenRetentionRuns -= 1
                s.retention = nil
                return
            }
            s.retention = RetentionReport(phase: "completed", policy: policy)
        }
    }
    func retention(podIP: String) async throws -> RetentionReport? { state.withLock { $0.retention } }

    func complete(_ name: String, id: String, stoppedAt: String, endLSN: String) {
        state.withLock { s in
            s.backups[name] = BackupReport(
                name: name, phase: .completed, backupID: id, startedAt: "2026-12-03T10:00:01Z", stoppedAt: stoppedAt,
                beginLSN: "0/2000028", endLSN: endLSN, size: 1 << 20)
            s.catalog.backups.append(.init(backupID: id, name: name, beginTime: stoppedAt, endTime: stoppedAt))
        }
    }
}

/// A wall clock the test moves.
final class SettableWallClock: Sendable {
    private let date: Mutex<Date>
    init(_ start: Date) { date = Mutex(start) }
    var now: Date { date.withLock { $0 } }
    func set(_ d: Date) { date.withLock { $0 = d } }
}

/// The PostgresBackup and PostgresInstance controllers against a real API server (envtest):
/// the archive written before the first pod (its credentials mounted), ContinuousArchiving from
/// the primary's report, backups from the annotation and the schedule (injected wall clock), a
/// PostgresBackup Pending → Running → Completed and → Failed, retention deleting the
/// PostgresBackups whose backup left the catalog, and a recovery writing status.bootstrap
/// before its first pod.
@Suite("PostgreSQL backups on envtest with a scripted instance manager", .serialized)
struct PostgresBackupIntegrationTests {
    static let hangGuard = Duration.seconds(90)
    static let shutdownBound = Duration.seconds(10)

    func get<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String, _ namespace: String) async throws -> T? {
        try await client.getIfExists(type, name: name, namespace: namespace)
    }

    func run(_ client: KubeClient, _ pod: String, _ namespace: String, ip: String) async throws {
        guard var p = try await get(client, Pod.self, pod, namespace) else { throw EventuallyTimedOut(what: "pod \(pod)") }
        p.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: ip)
        _ = try await client.replaceStatus(p)
    }

    func backupPaths(_ pod: Pod?, directory: String) -> [String] {
        guard let volume = pod?.spec?.volumes?.first(where: { $0.name == "secrets" }),
            case .array(let sources)? = volume.projected?["sources"]
        else { return [] }
        return sources.flatMap { source -> [String] in
            guard case .array(let items)? = source["secret"]?["items"] else { return [] }
            return items.compactMap { if case .string(let p)? = $0["path"], p.hasPrefix("\(directory)/") { return p } else { return nil } }
        }
    }

    func touch(_ client: KubeClient, _ name: String, _ namespace: String, _ value: String) async throws {
        _ = try await client.mergePatch(
            PostgresInstance.self, name: name, namespace: namespace,
            patch: ["metadata": ["labels": ["test.quartermaster.dev/touch": .string(value)]]])
    }

    @Test(
        "archive before the first pod, ContinuousArchiving, backups by annotation and schedule, Failed, retention, recovery",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func lifecycle() async throws {
        let env = try await EnvTest.shared()
        for crd in ["postgresinstances", "postgresbackups", "tenants"] {
            let yaml = try String(
                contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/crds/quartermaster.dev_\(crd).yaml", encoding: .utf8)
            try await env.installCRD(yaml: yaml)
        }
        let ns = try await env.createNamespace("pg-backup")
        let client = try IPFSClusterEnv.adminClient(env)
        _ = try await client.create(
            Secret(
                metadata: ObjectMeta(name: "s3-creds", namespace: ns),
                stringData: ["ACCESS_KEY_ID": "AKIA", "ACCESS_SECRET_KEY": "secret"]))

        let operatorClient = try KubeClient(configuration: env.clientConfiguration(user: .certAdmin), identity: .quartermaster)
        let registry = PrometheusCollectorRegistry()
        let manager = Manager(
            client: operatorClient,
            options: ManagerOptions(
                operatorIdentity: .quartermaster, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
                leaderElection: false, gracefulShutdownTimeout: Self.shutdownBound, handleSignals: false),
            registry: registry, logger: Logger(label: "it.manager"))
        let im = ScriptedBackupInstanceManager()
        let clock = SettableWallClock(BackupTime.date("2026-12-03T10:00:00Z") ?? Date())
        var settings = ControllerSettings(
            namespaces: [ns], registry: registry, events: manager.makeEventRecorder(component: "quartermaster"),
            logger: Logger(label: "it.postgres"), operatorNamespace: "default",
            postgresOperatorImage: "example.org/quartermaster:it", instanceStatusClient: im)
        settings.now = { clock.now }
        manager.add(PostgresInstanceController.make(cache: manager.cache, settings: settings))
        manager.add(PostgresBackupController.make(cache: manager.cache, settings: settings))
        let task = Task { try await manager.run() }
        defer { task.cancel() }

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata:
                  name: pg
                  namespace: \(ns)
                spec:
                  backup:
                    objectStore:
                      destinationPath: s3://bucket/team
                      endpointURL: http://127.0.0.1:9000
                      credentialsSecret: {name: s3-creds}
                    schedule: "0 * * * *"
                    retention: 1d
                """)
        try await eventually("pod pg-1 created", timeout: Self.hangGuard) { try await get(client, Pod.self, "pg-1", ns) != nil }
        let first = try #require(try await get(client, Pod.self, "pg-1", ns))
        #expect(
            backupPaths(first, directory: "backup") == ["backup/ACCESS_KEY_ID", "backup/ACCESS_SECRET_KEY", "backup/ACCESS_SESSION_TOKEN"],
            "the first pod already mounts the archive's credentials: status.archive was written before it")
        let archive = try #require(try await get(client, PostgresInstance.self, "pg", ns)?.status?.archive)
        #expect(archive == PostgresArchiveStatus(
            destinationPath: "s3://bucket/team", endpointURL: "http://127.0.0.1:9000", encryption: "AES256", serverName: "pg",
            credentialsSecret: "s3-creds"))

        try await run(client, "pg-1", ns, ip: "10.0.0.1")
        im.state.withLock {
            $0.reports["10.0.0.1"] = InstanceReport(
                pod: "pg-1", role: "primary", ready: true, postgresVersion: 16,
                archiving: .init(lastArchivedWAL: "000000010000000000000001", lastArchivedTime: "2026-12-03T10:00:00Z"))
        }
        try await eventually("ContinuousArchiving True", timeout: Self.hangGuard) {
            let s = try await get(client, PostgresInstance.self, "pg", ns)?.status
            return s?.conditions?[type: "ContinuousArchiving"]?.reason == "ArchivingWAL" && s?.currentPrimary == "pg-1"
        }
        #expect(try await get(client, Pod.self, "pg-1", ns)?.metadata.uid == first.metadata.uid, "not replaced")
        let next = try await get(client, PostgresInstance.self, "pg", ns)?.status?.backupSchedule?.nextScheduleTime
        #expect(next == "2026-12-03T11:00:00Z")

        im.state.withLock {
            $0.reports["10.0.0.1"]?.archiving = .init(
                lastArchivedWAL: "000000010000000000000001", lastArchivedTime: "2026-12-03T10:00:00Z",
                lastFailedWAL: "000000010000000000000002", lastFailedTime: "2026-12-03T10:00:30Z",
                message: "An error occurred (AccessDenied) when calling the PutObject operation")
        }
        try await touch(client, "pg", ns, "1")
        try await eventually("ContinuousArchiving False with the tool's message", timeout: Self.hangGuard) {
            let c = try await get(client, PostgresInstance.self, "pg", ns)?.status?.conditions?[type: "ContinuousArchiving"]
            return c?.status == .false && c?.reason == "ArchivingFailed"
                && c?.message == "An error occurred (AccessDenied) when calling the PutObject operation"
        }

        // backup-now: Pending → Running → Completed.
        _ = try await client.mergePatch(
            PostgresInstance.self, name: "pg", namespace: ns,
            patch: ["metadata": ["annotations": [PostgresBackupLabels.backupNowAnnotation: "t1"]]])
        let manual = "pg-20261203100000-61d6f5"
        try await eventually("the annotation's backup Running", timeout: Self.hangGuard) {
            try await get(client, PostgresBackup.self, manual, ns)?.status?.phase == .running
        }
        let running = try #require(try await get(client, PostgresBackup.self, manual, ns))
        #expect(running.metadata.labels?["quartermaster.dev/backup-trigger"] == "annotation")
        #expect(running.status?.instancePod == "pg-1")
        #expect(running.status?.destinationPath == "s3://bucket/team")
        im.complete(manual, id: "20261203T100001", stoppedAt: "2026-12-03T10:01:00Z", endLSN: "0/3000000")
        try await eventually("Completed", timeout: Self.hangGuard) {
            try await get(client, PostgresBackup.self, manual, ns)?.status?.phase == .completed
        }
        try await eventually("lastSuccessfulBackup", timeout: Self.hangGuard) {
            try await get(client, PostgresInstance.self, "pg", ns)?.status?.lastSuccessfulBackup == "2026-12-03T10:01:00Z"
        }
        #expect(try await get(client, PostgresInstance.self, "pg", ns)?.status?.backupSchedule?.lastRunNowToken == "t1")

        // The schedule under the injected clock: 11:00 is reached at 11:20.
        clock.set(BackupTime.date("2026-12-03T11:20:00Z") ?? Date())
        try await touch(client, "pg", ns, "2")
        let scheduled = "pg-20261203110000"
        try await eventually("the scheduled backup Running", timeout: Self.hangGuard) {
            try await get(client, PostgresBackup.self, scheduled, ns)?.status?.phase == .running
        }
        #expect(try await get(client, PostgresBackup.self, scheduled, ns)?.metadata.labels?["quartermaster.dev/backup-trigger"] == "schedule")
        // The instance's status is written at the end of the reconcile that created the backup,
        // which may land after the backup controller has started it.
        try await eventually("the next slot 12:00", timeout: Self.hangGuard) {
            try await get(client, PostgresInstance.self, "pg", ns)?.status?.backupSchedule?.nextScheduleTime
                == "2026-12-03T12:00:00Z"
        }

        // Retention after it completes: the store keeps only the new backup, so the older
        // PostgresBackup goes; the new one stays. The manager does not answer the first
        // `POST /retention` nor the first catalog reads (a busy node), and forgets the first run
        // it accepts (a restart): the run is owed and retried until it is done.
        im.state.withLock {
            $0.catalog.backups = []
            $0.unansweredRetentionStarts = 1
            $0.unansweredCatalogReads = 2
            $0.forgottenRetentionRuns = 1
        }
        im.complete(scheduled, id: "20261203T110001", stoppedAt: "2026-12-03T11:01:00Z", endLSN: "0/5000000")
        try await eventually("retention deleted the expired PostgresBackup", timeout: Self.hangGuard) {
            try await get(client, PostgresBackup.self, manual, ns) == nil
        }
        #expect(try await get(client, PostgresBackup.self, scheduled, ns)?.status?.phase == .completed)
        #expect(im.state.withLock { $0.retentionPolicies }.contains("RECOVERY WINDOW OF 1 DAYS"))
        let owedFaults: [Int] = im.state.withLock {
            [$0.unansweredRetentionStarts, $0.unansweredCatalogReads, $0.forgottenRetentionRuns]
        }
        #expect(owedFaults == [0, 0, 0], "the scripted faults were all met")

        // A backup the instance manager forgets (its pod replaced) fails.
        _ = try await client.mergePatch(
            PostgresInstance.self, name: "pg", namespace: ns,
            patch: ["metadata": ["annotations": [PostgresBackupLabels.backupNowAnnotation: "t2"]]])
        let lost = "pg-20261203112000-8b7d2c"
        try await eventually("second manual backup Running", timeout: Self.hangGuard) {
            try await get(client, PostgresBackup.self, lost, ns)?.status?.phase == .running
        }
        im.state.withLock { _ = $0.forgotten.insert(lost) }
        try await eventually("Failed after a 404", timeout: Self.hangGuard) {
            let s = try await get(client, PostgresBackup.self, lost, ns)?.status
            return s?.phase == .failed && s?.error?.contains("no longer knows") == true
        }

        // A backup of an instance without an archive fails at once.
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresBackup
                metadata: {name: nowhere, namespace: \(ns)}
                spec: {instance: {name: missing}}
                """)
        try await eventually("Failed without an instance", timeout: Self.hangGuard) {
            try await get(client, PostgresBackup.self, "nowhere", ns)?.status?.phase == .failed
        }

        // Recovery: status.bootstrap before the first pod, which mounts the source credentials.
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata:
                  name: restored
                  namespace: \(ns)
                spec:
                  bootstrap:
                    recovery:
                      source: {name: pg}
                      target: {time: "2026-12-03T11:30:00Z"}
                """)
        try await eventually("pod restored-1 created", timeout: Self.hangGuard) {
            try await get(client, Pod.self, "restored-1", ns) != nil
        }
        let restoredPod = try await get(client, Pod.self, "restored-1", ns)
        #expect(backupPaths(restoredPod, directory: "recovery").count == 3, "the first pod mounts the source's credentials")
        let bootstrap = try #require(try await get(client, PostgresInstance.self, "restored", ns)?.status?.bootstrap)
        #expect(bootstrap.backupID == "20261203T110001")
        #expect(bootstrap.destinationPath == "s3://bucket/team" && bootstrap.serverName == "pg")
        #expect(bootstrap.target?.time == "2026-12-03T11:30:00Z")
        #expect(try await get(client, PostgresInstance.self, "restored", ns)?.status?.phase == .recovering)

        // None fits: Stalled NoBackupForTarget.
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata: {name: too-early, namespace: \(ns)}
                spec: {bootstrap: {recovery: {source: {name: pg}, target: {time: "2026-12-01T00:00:00Z"}}}}
                """)
        try await eventually("Stalled NoBackupForTarget", timeout: Self.hangGuard) {
            try await get(client, PostgresInstance.self, "too-early", ns)?.status?.conditions?[type: "Stalled"]?.reason
                == "NoBackupForTarget"
        }
        #expect(try await get(client, Pod.self, "too-early-1", ns) == nil)
    }
}
