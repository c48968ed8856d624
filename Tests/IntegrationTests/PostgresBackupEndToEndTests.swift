import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// Backups and point-in-time recovery end to end: the operator (every controller, in this
/// process) on the envtest API server, the instance managers and PostgreSQL 15 run by the
/// process kubelet (`PostgresInstanceE2E`), barman-cloud as the instance image's tool, and a
/// real S3 server (moto, `MotoS3Server`) on loopback:
///
/// 1. `src` archives its WAL to the bucket (`ContinuousArchiving` True) with its credentials
///    mounted from a Secret at `/etc/quartermaster/backup/`;
/// 2. a PostgresBackup of `src` completes (backupID, LSNs, size) and `src`'s status shows
///    `lastSuccessfulBackup` and `firstRecoverabilityPoint`;
/// 3. row A, a time T, row B, a WAL switch archived;
/// 4. `dst` bootstraps from `src`'s backups with target time T: Ready, `status.recovery`
///    reports the reached point, and `dst` has row A and not row B.
@Suite("PostgresInstance backups and point-in-time recovery with real PostgreSQL and S3 on envtest", .serialized)
struct PostgresBackupEndToEndTests {
    /// Bounds on a hang only, never an expectation of speed.
    static let instancesGuard = PostgresInstanceIntegrationTests.instancesGuard
    static let stepGuard = PostgresInstanceIntegrationTests.stepGuard
    /// A gap between commits so that T lies strictly between row A's and row B's commit
    /// times (T is PostgreSQL's `now()` truncated to the second): ordering, not speed.
    static let commitGap = Duration.seconds(2)
    static let bucket = "backups"

    static var missing: String? {
        if EnvTest.assetsDirectory == nil { return EnvTest.skipReason }
        if !PostgresInstanceIntegrationTests.runnable { return PostgresInstanceIntegrationTests.skipReason }
        return MotoS3Server.missing
    }

    static func manifest(name: String, namespace: String, extra: String) -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: PostgresInstance
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          postgresVersion: 15
          instances: 1
          # Backups, not failover, are under test: a long lease keeps a primary on a loaded
          # machine from fencing itself when one renewal is slow (with one instance there is
          # nothing to fail over to; see docs/postgres-failover.md).
          failoverDelay: 30
          storage: {size: 1Gi}
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: "1", memory: 1Gi}}
        \(extra)
        """
    }

    @Test(
        "a backup of a real instance completes into S3, and a new instance recovers to a time between two commits: the first row is there, the second is not",
        .enabled(if: Self.missing == nil, "\(Self.missing ?? "")"))
    func backupAndPointInTimeRecovery() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager (kube-root-ca.crt)")
        _ = try await InstallManifestsTests.installCRDs(env)
        let ns = try await env.createNamespace("pgbk")
        let client = try IPFSClusterEnv.adminClient(env)
        let e2e = try await PostgresInstanceE2E.start(env: env, namespace: ns, client: client)
        defer { e2e.removeWorkDirectory() }
        let moto = try await MotoS3Server.start(
            logFile: e2e.work.appendingPathComponent("moto.log").path, bucket: Self.bucket)
        let op = try e2e.startOperator()
        do {
            try await run(e2e: e2e, moto: moto)
        } catch {
            await op.stop()
            await e2e.kubelet.stop()
            await moto.stop()
            throw error
        }
        await op.stop()
        try await env.kubectlChecked(["delete", "pg", "src", "dst", "-n", ns, "--wait=false"])
        await e2e.kubelet.stop()
        await moto.stop()
    }

    private func run(e2e: PostgresInstanceE2E, moto: MotoS3Server) async throws {
        let ns = e2e.namespace
        let client = e2e.client
        func diagnostics(_ name: String) async -> String {
            let keys = await moto.keys(prefix: "e2e/")
            return await e2e.diagnostics(name) + "\n--- moto keys: \(keys)"
        }

        // 1. The credentials (moto accepts any). Every key the pod's projection names is
        // given: the process kubelet fails a volume item whose key is missing even when the
        // source is optional (Kubernetes skips it).
        try await e2e.apply(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: s3-creds, namespace: \(ns)}
            stringData: {ACCESS_KEY_ID: e2e-key, ACCESS_SECRET_KEY: e2e-secret, ACCESS_SESSION_TOKEN: ""}
            """)

        // 2. The source instance archives to the bucket.
        try await e2e.apply(
            Self.manifest(
                name: "src", namespace: ns,
                extra: """
                      backup:
                        objectStore:
                          destinationPath: s3://\(Self.bucket)/e2e
                          endpointURL: \(moto.endpoint)
                          region: us-east-1
                          credentialsSecret: {name: s3-creds}
                          encryption: AES256
                    """))
        let srcReady = await e2e.waitUntilReady("src", instances: 1, hangGuard: Self.instancesGuard)
        if !srcReady { Issue.record("srcReady: \(await diagnostics("src"))") }
        try #require(srcReady)
        let archiving = await CoreTest.eventually(timeout: Self.stepGuard) {
            PostgresInstanceIntegrationTests.condition(await e2e.instance("src"), "ContinuousArchiving")?.status == .true
        }
        if !archiving { Issue.record("archiving: \(await diagnostics("src"))") }
        try #require(archiving)
        let srcStatus = await e2e.statusJSON("src")
        #expect(srcStatus?["archive"]?["destinationPath"]?.stringValue == "s3://\(Self.bucket)/e2e", "\(String(describing: srcStatus?["archive"]))")
        #expect(srcStatus?["archive"]?["credentialsSecret"]?.stringValue == "s3-creds")

        // 3. A backup.
        try await e2e.apply(
            """
            apiVersion: quartermaster.dev/v1alpha1
            kind: PostgresBackup
            metadata: {name: src-first, namespace: \(ns)}
            spec: {instance: {name: src}}
            """)
        @Sendable func backupStatus(_ name: String) async -> JSONValue? {
            guard
                let response = try? await client.send(
                    APIRequests.get(PostgresBackup.resource, namespace: ns, name: name)),
                let json = try? JSONDecoder().decode(JSONValue.self, from: response.body)
            else { return nil }
            return json["status"]
        }
        let finished = await CoreTest.eventually(timeout: Self.stepGuard) {
            let phase = await backupStatus("src-first")?["phase"]?.stringValue
            return phase == "Completed" || phase == "Failed"
        }
        let backup = await backupStatus("src-first")
        if !finished || backup?["phase"]?.stringValue != "Completed" {
            Issue.record("backup: \(String(describing: backup)) \(await diagnostics("src"))")
        }
        try #require(backup?["phase"]?.stringValue == "Completed")
        let backupID = try #require(backup?["backupID"]?.stringValue)
        #expect(!backupID.isEmpty)
        #expect(backup?["beginLSN"]?.stringValue?.contains("/") == true, "\(String(describing: backup))")
        #expect(backup?["endLSN"]?.stringValue?.contains("/") == true, "\(String(describing: backup))")
        #expect((backup?["size"]?.intValue ?? 0) > 0, "\(String(describing: backup))")
        #expect(backup?["instancePod"]?.stringValue == "src-1")
        let baseKeys = await moto.keys(prefix: "e2e/src/base/\(backupID)/")
        let allKeys = await moto.keys(prefix: "e2e/")
        #expect(baseKeys.isEmpty == false, "\(allKeys)")
        let recorded = await CoreTest.eventually(timeout: Self.stepGuard) {
            let status = await e2e.statusJSON("src")
            return status?["lastSuccessfulBackup"]?.stringValue != nil
                && status?["firstRecoverabilityPoint"]?.stringValue != nil
        }
        if !recorded { Issue.record("recorded: \(await diagnostics("src"))") }
        #expect(recorded)

        // 4. Row A, the time T, row B; the WAL holding B archived.
        let srcIP = try #require(await e2e.kubelet.podIP(namespace: ns, pod: "src-1"))
        let credentials = try await e2e.credentials("src")
        var result = try await e2e.psql(
            credentials, at: srcIP, "CREATE TABLE notes (id text primary key); INSERT INTO notes VALUES ('A')")
        #expect(result.status == 0, "\(result.error)")
        try await Task.sleep(for: Self.commitGap)
        result = try await e2e.psql(
            credentials, at: srcIP, #"SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#)
        #expect(result.status == 0, "\(result.error)")
        let targetTime = result.output
        try await Task.sleep(for: Self.commitGap)
        result = try await e2e.psql(
            credentials, at: srcIP, "INSERT INTO notes VALUES ('B'); SELECT pg_walfile_name(pg_current_wal_lsn())")
        #expect(result.status == 0, "\(result.error)")
        // psql prints INSERT's command tag first; the segment name is the last line.
        let segmentOfB = result.output.split(separator: "\n").last.map(String.init) ?? ""
        try #require(segmentOfB.count == 24, "the WAL segment of row B: \(result.output) \(result.error)")
        result = try await superuserSQL(e2e, pod: "src-1", "SELECT pg_switch_wal()")
        #expect(result.status == 0, "pg_switch_wal: \(result.error)")
        // The archive itself (the operator does not copy the primary's `/status` `archiving`
        // into `instancesStatus[]`; its ContinuousArchiving message names the last segment).
        let archived = await CoreTest.eventually(timeout: Self.stepGuard) {
            await moto.keys(prefix: "e2e/src/wals/").contains { $0.hasSuffix("/" + segmentOfB) }
        }
        if !archived { Issue.record("archived \(segmentOfB): \(await diagnostics("src"))") }
        try #require(archived)

        // 5. Recovery of a new instance to T.
        try await e2e.apply(
            Self.manifest(
                name: "dst", namespace: ns,
                extra: """
                      bootstrap:
                        recovery:
                          source: {name: src}
                          target: {time: "\(targetTime)"}
                    """))
        let dstReady = await e2e.waitUntilReady("dst", instances: 1, hangGuard: Self.instancesGuard)
        if !dstReady { Issue.record("dstReady (target \(targetTime)): \(await diagnostics("dst"))") }
        try #require(dstReady)
        let dstStatus = await e2e.statusJSON("dst")
        #expect(dstStatus?["bootstrap"]?["backupID"]?.stringValue == backupID, "\(String(describing: dstStatus?["bootstrap"]))")
        let reported = await CoreTest.eventually(timeout: Self.stepGuard) {
            await e2e.statusJSON("dst")?["recovery"]?["targetReached"]?.boolValue == true
        }
        let recovery = await e2e.statusJSON("dst")?["recovery"]
        if !reported { Issue.record("recovery reported: \(await diagnostics("dst"))") }
        #expect(recovery?["backupID"]?.stringValue == backupID, "\(String(describing: recovery))")
        #expect(recovery?["reachedLSN"]?.stringValue?.contains("/") == true, "\(String(describing: recovery))")
        if let reachedTime = recovery?["reachedTime"]?.stringValue {
            // The last transaction replayed committed before T (row A's).
            #expect(String(reachedTime.prefix(19)) < String(targetTime.prefix(19)), "reached \(reachedTime), target \(targetTime)")
        } else {
            Issue.record("no reachedTime: \(String(describing: recovery))")
        }

        // The recovered data: row A, not row B (dst's own generated credentials: the
        // recovered roles' passwords are src's until the operator sets dst's).
        let dstIP = try #require(await e2e.kubelet.podIP(namespace: ns, pod: "dst-1"))
        let dstCredentials = try await e2e.credentials("dst")
        let rows = await CoreTest.eventually(timeout: Self.stepGuard) {
            (try? await e2e.psql(dstCredentials, at: dstIP, "SELECT id FROM notes ORDER BY id"))?.status == 0
        }
        result = try await e2e.psql(dstCredentials, at: dstIP, "SELECT string_agg(id, ',' ORDER BY id) FROM notes")
        if !rows { Issue.record("dst rows: \(result.error) \(await diagnostics("dst"))") }
        #expect(result.output == "A", "dst recovered to \(targetTime): \(result.output) \(result.error)")
        // It is a primary: it takes writes.
        result = try await e2e.psql(dstCredentials, at: dstIP, "INSERT INTO notes VALUES ('C')")
        #expect(result.status == 0, "\(result.error)")
    }

    /// `sql` as the `postgres` superuser over the instance's Unix socket (in the pod's
    /// `controller` volume, `run/`), as the local `postgres` user (peer authentication): what
    /// the application's role may not do (`pg_switch_wal()`).
    func superuserSQL(_ e2e: PostgresInstanceE2E, pod: String, _ sql: String) async throws
        -> PostgresInstanceIntegrationTests.PSQL
    {
        guard let uid = await e2e.kubelet.podUID(namespace: e2e.namespace, pod: pod) else {
            return .init(status: -1, output: "", error: "no pod \(pod)")
        }
        let socketDirectory = "\(e2e.kubelet.directory)/pods/\(uid.prefix(8))/volumes/controller/run"
        let socket = (try? FileManager.default.contentsOfDirectory(atPath: socketDirectory))?
            .first { $0.hasPrefix(".s.PGSQL.") && !$0.hasSuffix(".lock") }
        guard let port = socket?.dropFirst(".s.PGSQL.".count) else {
            return .init(status: -1, output: "", error: "no socket in \(socketDirectory)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid", "postgres", "--regid", "postgres", "--init-groups", PostgresInstanceIntegrationTests.psql,
            "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", String(port), "-U", "postgres",
            "-d", "postgres", "-c", sql,
        ]
        process.environment = ["PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "5"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        await process.exited()
        return .init(
            status: process.terminationStatus,
            output: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            error: String(decoding: error, as: UTF8.self))
    }
}
