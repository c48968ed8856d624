import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

/// A primary and a replica, then PgBouncer in front of the primary, each a real
/// `quartermaster instance` process running as `postgres` (see `PrimaryInstanceTests` for why).
@Suite(
    "Instance manager: a replica and the pooler",
    .enabled(if: PostgresTestEnvironment.available, PostgresTestEnvironment.skipReason))
struct ReplicaAndPoolerTests {
    @Test(
        "a replica clones with pg_basebackup by certificate, streams, replays the primary's writes and refuses its own; the pooler serves the app through auth_query; both follow a new primary pod IP"
    )
    func replicaAndPooler() async throws {
        try await PostgresTestSite.with { site in
            try site.writeSpec(PostgresTestSite.instance(pods: ["pg-1", "pg-2"], pooler: true))
            let primary = site.layout(pod: "pg-1")
            let replica = site.layout(pod: "pg-2")
            let primaryManager = try site.startInstance(primary)
            #expect(await poll { await primary.isReady() }, "primary never ready; log:\n\(primaryManager.log)")

            let replicaManager = try site.startInstance(replica, primaryPort: primary.postgresPort)
            #expect(await poll { await replica.isReady() }, "replica never ready; log:\n\(replicaManager.log)")
            #expect(replicaManager.log.contains("cloning the primary"))
            let status = await replica.status()
            #expect(status?["role"] == "replica")
            #expect(status?["streaming"] == true)
            #expect(status?["ready"] == true)
            #expect(await replica.sql("SELECT pg_is_in_recovery()") == "t")
            // The primary sees it streaming, by its pod name.
            #expect(await poll { await primary.status()?["replicas"]?.arrayValue?.first?["state"] == "streaming" })
            #expect(await primary.status()?["replicas"]?.arrayValue?.first?["applicationName"] == "pg-2")
            // Replication authenticated by the client certificate.
            #expect(
                await primary.sql(
                    "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid) WHERE r.usename = 'streaming_replica' AND s.ssl AND s.client_dn = '/CN=streaming_replica'"
                ) == "1")

            // A write on the primary reaches the replica: replayed LSN catches up (counted polls).
            #expect(
                await primary.sql(
                    "CREATE TABLE r (x int); INSERT INTO r VALUES (7); ALTER TABLE r OWNER TO app", database: "app"
                ).hasPrefix("ERROR") == false)
            let lsn = await primary.sql("SELECT pg_current_wal_lsn()")
            #expect(
                await poll {
                    await replica.sql("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '\(lsn)') >= 0") == "t"
                })
            #expect(await replica.sql("SELECT x FROM r", database: "app") == "7")
            let refused = await replica.sql("INSERT INTO r VALUES (8)", database: "app")
            #expect(refused.contains("read-only transaction"), "\(refused)")
            let replicaMetrics = await PostgresTestEnvironment.http(port: replica.metricsPort, path: "/metrics").body
            #expect(replicaMetrics.contains("pg_is_primary 0"))

            // PgBouncer in front of the primary: SCRAM through auth_query, TLS to the client.
            let poolerPort = PostgresTestEnvironment.freePort()
            let poolerStatusPort = PostgresTestEnvironment.freePort()
            let poolerMetricsPort = PostgresTestEnvironment.freePort()
            let pooler = try site.startPooler(
                port: poolerPort, statusPort: poolerStatusPort, primaryPort: primary.postgresPort,
                metricsPort: poolerMetricsPort)
            #expect(
                await poll {
                    await PostgresTestEnvironment.http(port: poolerStatusPort, path: "/readyz").status == 200
                },
                "pooler never ready; log:\n\(pooler.log)")
            let through = await applicationQuery(
                "SELECT current_user, inet_server_port(), x FROM r", port: poolerPort, host: "pg-pooler.ns.svc",
                password: TestCertificates.ownerPassword, rootCertificate: site.caCertificate)
            #expect(through == "app|\(primary.postgresPort)|7", "log:\n\(pooler.log)")
            let wrong = await applicationQuery(
                "SELECT 1", port: poolerPort, host: "pg-pooler.ns.svc", password: "wrong",
                rootCertificate: site.caCertificate)
            #expect(wrong.hasPrefix("ERROR"))
            // The pooler's /metrics: PgBouncer's own pools and stats, read from its admin console
            // over its Unix socket (no password; the same uid), after the query above was pooled.
            let poolerMetrics = await PostgresTestEnvironment.http(port: poolerMetricsPort, path: "/metrics")
            #expect(poolerMetrics.status == 200)
            let poolerLines = poolerMetrics.body.split(separator: "\n").map(String.init)
            #expect(poolerLines.contains("pgbouncer_up 1"), "\(poolerMetrics.body)\nlog:\n\(pooler.log)")
            #expect(poolerLines.contains { $0.hasPrefix("pgbouncer_pools_server_idle_connections{database=\"app\",user=\"app\"} ") }, "\(poolerMetrics.body)")
            #expect(poolerLines.contains("# TYPE pgbouncer_stats_queries_pooled_total counter"))
            let pooled = poolerLines.first { $0.hasPrefix("pgbouncer_stats_queries_pooled_total{database=\"app\"} ") }
            #expect(pooled.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 >= 1 } == true, "\(poolerMetrics.body)")
            #expect(poolerLines.contains { $0.hasPrefix("pgbouncer_stats_client_wait_seconds_total{database=\"app\"} ") })
            #expect(await PostgresTestEnvironment.http(port: poolerMetricsPort, path: "/readyz").status == 404)
            #expect(await PostgresTestEnvironment.http("POST", port: poolerStatusPort, path: "/readyz").status == 405)

            // The primary's pod IP changes in the status: the replica rewrites primary_conninfo and
            // reloads (its WAL receiver reconnects there), the pooler rewrites pgbouncer.ini and
            // sends SIGHUP (new server connections go there).
            try site.writeSpec(
                PostgresTestSite.instance(pods: ["pg-1", "pg-2"], pooler: true, podIPs: ["pg-1": "127.0.0.2"]))
            #expect(
                await poll {
                    await replica.sql(
                        "SELECT status FROM pg_stat_wal_receiver WHERE conninfo LIKE '%hostaddr=127.0.0.2 %'")
                        == "streaming"
                }, "log:\n\(replicaManager.log)")
            #expect(
                await poll {
                    await applicationQuery(
                        "SELECT host(inet_server_addr())", port: poolerPort, host: "pg-pooler.ns.svc",
                        password: TestCertificates.ownerPassword, rootCertificate: site.caCertificate) == "127.0.0.2"
                }, "log:\n\(pooler.log)")

            #expect(await pooler.terminate() == 0, "log:\n\(pooler.log)")
            #expect(await replicaManager.terminate() == 0, "log:\n\(replicaManager.log)")
            #expect(await primaryManager.terminate() == 0, "log:\n\(primaryManager.log)")
        }
    }
}
