import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A primary run by the built `quartermaster instance run`, as the local user `postgres`,
/// reading its PostgresInstance from a file: initialisation, credentials, TLS, HTTP, parameter
/// changes, shutdown and restart.
///
/// Why real processes from the binary rather than library calls in the test process: the
/// tests run as root and PostgreSQL refuses root, so the manager (and the postgres it starts)
/// must be another user; `setpriv` switches user on an `exec`, which only a separate process
/// can do. It also makes SIGTERM and the exit status those of the real entrypoint.
@Suite(
    "Instance manager: a primary", .enabled(if: PostgresTestEnvironment.available, PostgresTestEnvironment.skipReason))
struct PrimaryInstanceTests {
    @Test(
        "initdb with checksums and SCRAM, owner role and database, /readyz and /status, TLS verify-full login, GET-only HTTP, metrics, a rotated password applied"
    )
    func primaryServes() async throws {
        try await PostgresTestSite.with { site in
            try site.writeSpec(PostgresTestSite.instance(parameters: ["work_mem": "8MB"]))
            let layout = site.layout(pod: "pg-1")
            let manager = try site.startInstance(layout)

            #expect(await poll { await layout.isReady() }, "never ready; log:\n\(manager.log)")
            let status = await layout.status()
            #expect(status?["role"] == "primary")
            #expect(status?["ready"] == true)
            #expect(status?["postgresVersion"] == 15)
            #expect(status?["pod"] == "pg-1")
            #expect(status?["pendingRestart"] == false)

            #expect(await layout.sql("SHOW data_checksums") == "on")
            #expect(
                await layout.sql("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'app'")
                    == "t")
            #expect(await layout.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app'") == "app")
            #expect(await layout.sql("SELECT rolreplication FROM pg_roles WHERE rolname = 'streaming_replica'") == "t")
            #expect(await layout.sql("SELECT count(*) FROM pg_proc WHERE proname = 'get_auth'", database: "app") == "1")

            // The application: TCP, TLS verify-full against the Service name, the Secret's password.
            let login = await applicationQuery(
                "SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", port: layout.postgresPort,
                password: TestCertificates.ownerPassword, rootCertificate: site.caCertificate)
            #expect(login == "app|t", "log:\n\(manager.log)")
            let wrongPassword = await applicationQuery(
                "SELECT 1", port: layout.postgresPort, password: "wrong", rootCertificate: site.caCertificate)
            #expect(wrongPassword.contains("password authentication failed"))
            let plain = await applicationQuery(
                "SELECT 1", port: layout.postgresPort, password: TestCertificates.ownerPassword, sslmode: "disable",
                rootCertificate: site.caCertificate)
            #expect(plain.contains("rejects connection"), "\(plain)")
            let wrongName = await applicationQuery(
                "SELECT 1", port: layout.postgresPort, host: "elsewhere.example",
                password: TestCertificates.ownerPassword,
                rootCertificate: site.caCertificate)
            #expect(wrongName.contains("does not match host name"), "\(wrongName)")

            // HTTP is read-only.
            for (method, path) in [("POST", "/status"), ("PUT", "/readyz"), ("DELETE", "/healthz")] {
                #expect(await PostgresTestEnvironment.http(method, port: layout.statusPort, path: path).status == 405)
            }
            #expect(
                await PostgresTestEnvironment.http("POST", port: layout.metricsPort, path: "/metrics").status == 405)
            #expect(await PostgresTestEnvironment.http(port: layout.statusPort, path: "/nothing").status == 404)
            #expect(await PostgresTestEnvironment.http(port: layout.statusPort, path: "/healthz").status == 200)
            let metrics = await PostgresTestEnvironment.http(port: layout.metricsPort, path: "/metrics").body
            for line in [
                "pg_up 1", "pg_is_primary 1", "pg_database_size_bytes{datname=\"app\"}", "pg_wal_lsn_bytes ",
                "pg_replication_lag_bytes 0",
            ] {
                #expect(metrics.contains(line), "\(line) missing from:\n\(metrics)")
            }

            // A new password in the mounted Secret is applied without a restart.
            try Data("rotated pass".utf8).write(to: URL(fileURLWithPath: site.secrets + "/app/password"))
            #expect(
                await poll {
                    await applicationQuery(
                        "SELECT 1", port: layout.postgresPort, password: "rotated pass",
                        rootCertificate: site.caCertificate) == "1"
                }, "log:\n\(manager.log)")

            #expect(await manager.terminate() == 0, "log:\n\(manager.log)")
        }
    }

    @Test(
        "work_mem reloads without a restart; shared_buffers is reported as pending a restart; SIGTERM stops smart then fast, exit 0; a restart keeps the data and applies it"
    )
    func parametersShutdownRestart() async throws {
        try await PostgresTestSite.with { site in
            try site.writeSpec(PostgresTestSite.instance(parameters: ["work_mem": "8MB"]))
            let layout = site.layout(pod: "pg-1")
            let first = try site.startInstance(layout, extraArguments: ["--smart-shutdown-timeout", "1"])
            #expect(await poll { await layout.isReady() }, "never ready; log:\n\(first.log)")
            #expect(await layout.sql("SHOW work_mem") == "8MB")
            let started = await layout.sql("SELECT pg_postmaster_start_time()")

            // Reloadable: applied by a reload, same postmaster.
            try site.writeSpec(PostgresTestSite.instance(parameters: ["work_mem": "16MB"]))
            #expect(await poll { await layout.sql("SHOW work_mem") == "16MB" }, "log:\n\(first.log)")
            #expect(await layout.sql("SELECT pg_postmaster_start_time()") == started)
            #expect(await layout.status()?["pendingRestart"] == false)

            // Restart-only: PostgreSQL itself says so (pg_settings.pending_restart).
            try site.writeSpec(PostgresTestSite.instance(parameters: ["work_mem": "16MB", "shared_buffers": "64MB"]))
            #expect(await poll { await layout.status()?["pendingRestart"] == true }, "log:\n\(first.log)")
            #expect(await layout.status()?["pendingRestartParameters"] == ["shared_buffers"])
            #expect(await layout.sql("SHOW shared_buffers") == "128MB")

            #expect(
                await layout.sql("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)", database: "app").hasPrefix(
                    "ERROR") == false)

            // A client that keeps a session open makes the smart shutdown wait; fast follows.
            let client = try ChildProcess(
                executable: PostgresTestEnvironment.setpriv,
                arguments: [
                    "--reuid", "postgres", "--regid", "postgres", "--init-groups",
                    PostgresTestEnvironment.binDirectory + "/psql",
                    "-X", "-h", layout.runDirectory, "-p", String(layout.postgresPort), "-U", "postgres", "-d",
                    "postgres",
                    "-c", "SELECT pg_sleep(3600)",
                ], outputFile: site.root + "/client.log")
            #expect(
                await poll {
                    await layout.sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3600)%' AND pid <> pg_backend_pid()"
                    ) == "1"
                })
            #expect(await first.terminate() == 0, "log:\n\(first.log)")
            let log = first.log
            #expect(log.contains("stopping PostgreSQL (smart)"))
            #expect(log.contains("received smart shutdown request"))
            #expect(log.contains("stopping PostgreSQL (fast)"))
            #expect(log.contains("received fast shutdown request"))
            #expect(log.contains("database system is shut down"))
            #expect(await poll { !client.isRunning })
            if client.isRunning { client.send(SIGKILL) }
            _ = await client.waitForExit()

            // Restart on the same data: no initdb, the row is there, shared_buffers now applies.
            let second = try site.startInstance(layout)
            #expect(await poll { await layout.isReady() }, "never ready; log:\n\(second.log)")
            #expect(!second.log.contains("initdb"))
            #expect(await layout.sql("SELECT x FROM kept", database: "app") == "42")
            #expect(await layout.sql("SHOW shared_buffers") == "64MB")
            #expect(await layout.status()?["pendingRestart"] == false)
            #expect(await second.terminate() == 0, "log:\n\(second.log)")
        }
    }
}
