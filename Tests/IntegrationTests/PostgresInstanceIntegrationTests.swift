import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// A PostgresInstance end to end: the operator (every controller, in this process) on the
/// envtest API server and controller manager, and its pods run by the process kubelet exactly
/// from their rendered specs: the `bootstrap` init container copies the built `quartermaster`
/// binary (standing for the operator image's `/quartermaster`) into the pod's `controller`
/// volume, and the `postgres` container runs `quartermaster instance run` with Debian's
/// PostgreSQL 15 as the image's programs, as the local `postgres` user. The operator reaches
/// the instance managers at `podIP:8000` through the kubelet's pod network, and replicas reach
/// the primary at `podIP:5432` the same way.
///
/// Service names do not resolve here: the application connects with the generated Secret's
/// `uri` as written (so `verify-full` checks the certificate against the `-rw` Service name)
/// and `PGHOSTADDR` set to the address the Service would route to (the primary's pod IP).
@Suite("PostgresInstance with real PostgreSQL on envtest", .serialized)
struct PostgresInstanceIntegrationTests {
    static let postgresBin = "/usr/lib/postgresql/15/bin"
    static let psql = "/usr/bin/psql"
    static var runnable: Bool {
        FileManager.default.isExecutableFile(atPath: "\(postgresBin)/postgres")
            && FileManager.default.isExecutableFile(atPath: psql) && geteuid() == 0
    }
    /// Bounds on a hang only, never an expectation of speed: how long a wait may last before
    /// the test gives up (instances that initialise, clone and start on a loaded 2-core machine;
    /// then single steps).
    static let instancesGuard: Duration = .seconds(600)
    static let stepGuard: Duration = .seconds(300)
    /// After a restarted operator has synced its caches: a quiet window, which can only miss a
    /// stray write, never invent one.
    static let quietWindow: Duration = .seconds(5)

    /// Whether two statuses differ only in `instancesStatus[].lsn` / `.receivedLsn`, each moved
    /// by at least a WAL segment (``PostgresLiveFigures/walSegmentBytes``), and in at least one.
    static func onlyWALPositionsMovedBySegments(before: JSONValue?, after: JSONValue?) -> Bool {
        func split(_ status: JSONValue?) -> (rest: Data, positions: [String: UInt64])? {
            guard let status, let data = try? JSONEncoder().encode(status),
                var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else { return nil }
            var positions: [String: UInt64] = [:]
            var instances = object["instancesStatus"] as? [[String: Any]] ?? []
            for index in instances.indices {
                let name = instances[index]["name"] as? String ?? "\(index)"
                for key in ["lsn", "receivedLsn"] {
                    if let text = instances[index].removeValue(forKey: key) as? String {
                        positions["\(name).\(key)"] = PostgresLSN.parse(text)
                    }
                }
            }
            object["instancesStatus"] = instances
            guard let rest = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
            return (rest, positions)
        }
        guard let a = split(before), let b = split(after), a.rest == b.rest, a.positions.keys == b.positions.keys else {
            return false
        }
        let moved = a.positions.compactMap { key, old in b.positions[key].map { new in (old, new) } }.filter { $0 != $1 }
        return !moved.isEmpty
            && moved.allSatisfy { old, new in (old > new ? old - new : new - old) >= PostgresLiveFigures.walSegmentBytes }
    }
    static let skipReason = "needs Debian's PostgreSQL 15 (postgresql-15), psql, and root (to run it as postgres)"

    /// The images of a PostgresInstance's pods on this machine; `binary` stands for the operator
    /// image's `/quartermaster`.
    static func images(binary: String) -> [ProcessKubeletImage] {
        // 9187: an instance's metrics; 9127: a pooler's (each pod has one of the two).
        let ports = [
            5432: "PGPORT", 8000: "QUARTERMASTER_STATUS_PORT", 9187: "QUARTERMASTER_METRICS_PORT", 9127: "QUARTERMASTER_METRICS_PORT",
        ]
        return [
            ProcessKubeletImage(
                image: "ghcr.io/quartermaster-dev/quartermaster*", programs: ["/quartermaster": binary],
                user: "postgres"),
            ProcessKubeletImage(image: "ghcr.io/quartermaster-dev/postgres:15*", portEnvironment: ports, user: "postgres"),
            ProcessKubeletImage(
                image: "docker.io/edoburu/pgbouncer*", paths: ["/usr/bin/pgbouncer": "/usr/sbin/pgbouncer"],
                portEnvironment: ports, user: "postgres"),
        ]
    }

    static func manifest(name: String, namespace: String, instances: Int, extra: String = "") -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: PostgresInstance
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          postgresVersion: 15
          instances: \(instances)
          storage: {size: 1Gi}
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: "1", memory: 1Gi}}
          pooler: {enabled: true, instances: 1}
        \(extra)
        """
    }

    /// The result of one `psql` run.
    struct PSQL: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `sql` through `psql` with the connection string `uri` (not on the command line's
    /// the test process), connecting to `hostAddress` with the CA in `caFile`.
    static func psql(_ uri: String, hostAddress: String, caFile: String, _ sql: String) async throws -> PSQL {
        try await BlockingWork.run { try psqlBlocking(uri, hostAddress: hostAddress, caFile: caFile, sql) }
    }

    private static func psqlBlocking(_ uri: String, hostAddress: String, caFile: String, _ sql: String) throws -> PSQL {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: psql)
        process.arguments = ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql]
        process.environment = [
            "PGHOSTADDR": hostAddress, "PGSSLROOTCERT": caFile, "PGCONNECT_TIMEOUT": "5",
            "PATH": "/usr/bin:/bin",
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PSQL(
            status: process.terminationStatus,
            output: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            error: String(decoding: error, as: UTF8.self))
    }

    static func instance(_ client: KubeClient, _ name: String, _ ns: String) async -> PostgresInstance? {
        try? await client.getIfExists(PostgresInstance.self, name: name, namespace: ns)
    }

    static func condition(_ instance: PostgresInstance?, _ type: String) -> KubeCore.Condition? {
        instance?.status?.conditions?.first { $0.type == type }
    }

    static func ready(_ instance: PostgresInstance?, instances: Int) -> Bool {
        guard let instance, let status = instance.status else { return false }
        return status.phase == .ready && status.readyInstances == instances
            && status.observedGeneration == instance.metadata.generation
            && condition(instance, "Ready")?.status == .true
    }

    @Test(
        "a manifest becomes a primary and streaming replicas: TLS login with the generated Secret, rows replicate, replicas refuse writes, the pooler works, kubectl scale adds a replica, parameters reload or report a restart, data survives a restart, the Secret reaches an accepting namespace, a restarted operator writes nothing",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .enabled(if: runnable, "\(skipReason)"))
    func lifecycle() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager (kube-root-ca.crt, the pooler's Deployment)")
        _ = try await InstallManifestsTests.installCRDs(env)
        let ns = try await env.createNamespace("pg")
        let other = try await env.createNamespace("pg-app")
        let client = try IPFSClusterEnv.adminClient(env)
        let e2e = try await PostgresInstanceE2E.start(env: env, namespace: ns, client: client)
        defer { e2e.removeWorkDirectory() }
        let kubelet = e2e.kubelet
        var op = try e2e.startOperator(otherNamespaces: [other])
        func diagnostics() async -> String { await e2e.diagnostics("pg") }

        // Two instances: a primary and a streaming replica.
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: Self.manifest(
                name: "pg", namespace: ns, instances: 2, extra: "  secretNamespaces: [\(other)]\n  parameters: {work_mem: 8MB}"))
        let readyTwo = await CoreTest.eventually(timeout: Self.instancesGuard) {
            Self.ready(await Self.instance(client, "pg", ns), instances: 2)
        }
        if !readyTwo { Issue.record("readyTwo: \(await diagnostics())") }
        try #require(readyTwo)
        let pg = try #require(await Self.instance(client, "pg", ns))
        #expect(pg.status?.currentPrimary == "pg-1")
        #expect(pg.status?.targetPrimary == "pg-1")
        #expect(pg.status?.instancesStatus?.map(\.role) == [.primary, .replica])
        #expect(pg.status?.endpoints?.rw == "pg-rw.\(ns).svc:5432")
        #expect(pg.status?.credentialsSecretRef?.name == "pg-app")
        let primaryIP = try #require(await kubelet.podIP(namespace: ns, pod: "pg-1"))
        let replicaIP = try #require(await kubelet.podIP(namespace: ns, pod: "pg-2"))
        let rolePrimary = try await client.get(Pod.self, name: "pg-1", namespace: ns).metadata.labels?["quartermaster.dev/role"]
        #expect(rolePrimary == "primary")

        // The application Secret: the URI checks the server's certificate against the -rw name.
        let credentials = try await e2e.credentials("pg")
        let secret = credentials.secret
        func key(_ k: String) -> String { credentials.value(k) }
        #expect(key("uri").hasPrefix("postgresql://app:"))
        #expect(key("uri").contains("@pg-rw.\(ns).svc:5432/app"))
        #expect(key("uri").contains("sslmode=verify-full"))
        let caFile = credentials.caFile
        let uri = credentials.uri
        // The password is nowhere in the status.
        let statusJSON = String(decoding: try JSONEncoder().encode(pg.status), as: UTF8.self)
        #expect(!statusJSON.contains(key("password")))

        var result = try await Self.psql(
            uri, hostAddress: primaryIP, caFile: caFile,
            "CREATE TABLE notes (id int primary key, body text); INSERT INTO notes VALUES (1, 'hello'); SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();"
        )
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasSuffix("t"), "the session is TLS: \(result.output)")
        // verify-full refuses a name the certificate does not carry.
        let wrongName = uri.replacingOccurrences(of: "pg-rw.\(ns).svc", with: "elsewhere.example")
        result = try await Self.psql(wrongName, hostAddress: primaryIP, caFile: caFile, "SELECT 1")
        #expect(result.status != 0 && result.error.contains("does not match"), "\(result.error)")

        // The row reaches the replica (wait for its replay LSN to pass the primary's), and the
        // replica refuses writes.
        func replicated(to address: String) async throws -> Bool {
            let lsn = try await Self.psql(uri, hostAddress: primaryIP, caFile: caFile, "SELECT pg_current_wal_lsn()").output
            return await CoreTest.eventually(timeout: Self.stepGuard) {
                let r = try? await Self.psql(
                    uri, hostAddress: address, caFile: caFile, "SELECT pg_last_wal_replay_lsn() >= '\(lsn)'::pg_lsn")
                return r?.output == "t"
            }
        }
        #expect(try await replicated(to: replicaIP))
        result = try await Self.psql(uri, hostAddress: replicaIP, caFile: caFile, "SELECT body FROM notes WHERE id = 1")
        #expect(result.output == "hello", "\(result.error)")
        result = try await Self.psql(uri, hostAddress: replicaIP, caFile: caFile, "INSERT INTO notes VALUES (2, 'no')")
        #expect(result.status != 0 && result.error.contains("read-only transaction"), "\(result.error)")

        // Through PgBouncer (auth_query with its own role), to the primary.
        let poolerReady = await CoreTest.eventually(timeout: Self.stepGuard) {
            let pods = (try? await client.list(Pod.self, namespace: ns, options: ListOptions(labelSelector: "app.kubernetes.io/component=pooler")).items) ?? []
            return pods.contains { $0.status?.isReady == true }
        }
        if !poolerReady { Issue.record("poolerReady: \(await diagnostics())") }
        let poolerPod = try await client.list(Pod.self, namespace: ns, options: ListOptions(labelSelector: "app.kubernetes.io/component=pooler"))
            .items.first { $0.status?.isReady == true }
        if let name = poolerPod?.metadata.name, let poolerIP = await kubelet.podIP(namespace: ns, pod: name) {
            #expect(key("pooler-uri").contains("@pg-pooler.\(ns).svc:5432/app"))
            result = try await Self.psql(key("pooler-uri"), hostAddress: poolerIP, caFile: caFile, "SELECT body FROM notes WHERE id = 1")
            #expect(result.output == "hello", "through the pooler: \(result.error)")
            // What Prometheus reads at the pod's annotated port: PgBouncer's pools and stats,
            // from the real pooler, after the query above went through it.
            let port = poolerPod?.metadata.annotations?["prometheus.io/port"]
            #expect(port == "9127" && poolerPod?.metadata.annotations?["prometheus.io/scrape"] == "true")
            let scraped = try await PlainHTTPGet.get(
                "http://\(poolerIP):\(port ?? "9127")/metrics", timeout: .seconds(30), maxBodySize: 1 << 20)
            let text = String(decoding: scraped.body, as: UTF8.self)
            #expect(scraped.status == 200 && text.contains("\npgbouncer_up 1\n"), "\(text)")
            #expect(text.contains("pgbouncer_stats_queries_pooled_total{database=\"app\"}"), "\(text)")
        }
        // And the instance's: the primary's annotated port serves PostgreSQL's metrics.
        if let primaryPod = try await client.getIfExists(Pod.self, name: "pg-1", namespace: ns) {
            #expect(primaryPod.metadata.annotations?["prometheus.io/port"] == "9187")
            let scraped = try await PlainHTTPGet.get(
                "http://\(primaryIP):9187/metrics", timeout: .seconds(30), maxBodySize: 1 << 20)
            #expect(String(decoding: scraped.body, as: UTF8.self).contains("pg_up 1"))
        }

        // The Secret reaches the other namespace once it accepts it, and not before.
        #expect(try await client.getIfExists(Secret.self, name: "pg-app", namespace: other) == nil)
        try await env.kubectlChecked(["annotate", "namespace", other, "quartermaster.dev/accept-secrets-from=\(ns)/pg"])
        let copied = await CoreTest.eventually(timeout: Self.stepGuard) {
            (try? await client.getIfExists(Secret.self, name: "pg-app", namespace: other))??.data?["uri"] == secret.data?["uri"]
        }
        #expect(copied)

        // A reloadable parameter applies without a restart; a restart-only one is reported.
        try await env.kubectlChecked(
            ["patch", "pg", "pg", "-n", ns, "--type", "merge", "-p", #"{"spec":{"parameters":{"work_mem":"16MB"}}}"#])
        let reloaded = await CoreTest.eventually(timeout: Self.stepGuard) {
            (try? await Self.psql(uri, hostAddress: primaryIP, caFile: caFile, "SHOW work_mem"))?.output == "16MB"
        }
        if !reloaded { Issue.record("reloaded: \(await diagnostics())") }
        try await env.kubectlChecked(
            ["patch", "pg", "pg", "-n", ns, "--type", "merge", "-p", #"{"spec":{"parameters":{"shared_buffers":"64MB"}}}"#])
        let pendingRestart = await CoreTest.eventually(timeout: Self.stepGuard) {
            let status = await Self.instance(client, "pg", ns)?.status
            return status?.instancesStatus?.first { $0.name == "pg-1" }?.pendingRestart == true
        }
        if !pendingRestart { Issue.record("pendingRestart: \(await diagnostics())") }

        // kubectl scale to 3 adds a replica, which gets the data.
        try await env.kubectlChecked(["scale", "pg", "pg", "-n", ns, "--replicas", "3"])
        let readyThree = await CoreTest.eventually(timeout: Self.instancesGuard) {
            Self.ready(await Self.instance(client, "pg", ns), instances: 3)
        }
        if !readyThree { Issue.record("readyThree: \(await diagnostics())") }
        if readyThree, let thirdIP = await kubelet.podIP(namespace: ns, pod: "pg-3") {
            #expect(try await replicated(to: thirdIP))
            result = try await Self.psql(uri, hostAddress: thirdIP, caFile: caFile, "SELECT body FROM notes WHERE id = 1")
            #expect(result.output == "hello", "\(result.error)")
        }

        // A deleted replica's pod comes back with its data.
        try await client.delete(Pod.self, name: "pg-2", namespace: ns)
        let back = await CoreTest.eventually(timeout: Self.stepGuard) {
            guard let pod = try? await client.getIfExists(Pod.self, name: "pg-2", namespace: ns) else { return false }
            return pod.metadata.deletionTimestamp == nil && pod.status?.isReady == true
        }
        if !back { Issue.record("back: \(await diagnostics())") }
        if back, let address = await kubelet.podIP(namespace: ns, pod: "pg-2") {
            result = try await Self.psql(uri, hostAddress: address, caFile: caFile, "SELECT body FROM notes WHERE id = 1")
            #expect(result.output == "hello", "\(result.error)")
        }

        // Converged: a restarted operator sends no write.
        let settled = await CoreTest.eventually(timeout: Self.stepGuard) {
            Self.ready(await Self.instance(client, "pg", ns), instances: 3)
        }
        #expect(settled)
        await op.stop()
        let statusBefore = await e2e.statusJSON("pg")
        op = try e2e.startOperator(otherNamespaces: [other])
        try await op.waitUntilSynced()
        try await Task.sleep(for: Self.quietWindow)
        if !op.writes.isEmpty {
            let json = { (status: JSONValue?) in
                status.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "?"
            }
            let statusAfter = await e2e.statusJSON("pg")
            // PostgreSQL may have moved on since the last write of the stopped operator (a
            // segment switch after a base backup): a write of WAL positions that moved by a
            // segment or more is owed, not churn. Anything else is.
            if Self.onlyWALPositionsMovedBySegments(before: statusBefore, after: statusAfter) {
                print("PostgresInstanceIntegrationTests: the restarted operator wrote WAL positions that moved by a segment")
            } else {
                Issue.record(
                    "the restarted operator wrote: \(op.writes); status before: \(json(statusBefore)); after: \(json(statusAfter))"
                )
            }
        }

        await op.stop()
        try await env.kubectlChecked(["delete", "pg", "pg", "-n", ns, "--wait=false"])
        await kubelet.stop()
    }
}
