import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Failover, switchover, fencing, rejoin and synchronous replication with real PostgreSQL 15
/// processes: two `quartermaster instance run` processes (as `postgres`) sharing the site's
/// spec file (the test plays the operator by rewriting it) and lease file (`FilePrimaryLease`).
/// Every wait is a counted poll (`poll`), bounded only to catch a hang.
@Suite(
    "Instance manager: failover, switchover and synchronous replication",
    .enabled(if: PostgresTestEnvironment.available, PostgresTestEnvironment.skipReason))
struct FailoverTests {
    /// Bounds a wait for a promotion, a rewind or a restart (counted 100 ms polls).
    static let hangGuardPolls = 1200

    /// `failoverDelay` of the tests that wait for a failover: 4 s. A primary's own deadline is
    /// then 3 s after its last renewal, which it attempts every second (`--poll-interval 1`), so
    /// a healthy primary survives a 2 s stall of its manager. With 2 s (the minimum: a 1 s
    /// deadline, renewals every 0.5 s) a half-second stall on two busy cores fenced a primary
    /// that had just started, in the full unit suite.
    static let quickFailoverDelay = 4

    /// A primary pg-1 and a streaming replica pg-2, both ready.
    static func startPair(
        _ site: PostgresTestSite, failoverDelay: Int, synchronous: Int? = nil
    ) async throws -> (PostgresTestSite.InstanceLayout, PostgresTestSite.InstanceLayout, RunningManager, RunningManager)
    {
        try site.writeSpec(
            PostgresTestSite.instance(
                pods: ["pg-1", "pg-2"], failoverDelay: failoverDelay, synchronous: synchronous, currentPrimary: "pg-1"))
        let one = site.layout(pod: "pg-1")
        let two = site.layout(pod: "pg-2")
        let first = try site.startInstance(one, peers: [one, two])
        #expect(await poll { await one.isReady() }, "pg-1 never ready; log:\n\(first.log)")
        let second = try site.startInstance(two, peers: [one, two])
        #expect(await poll { await two.isReady() }, "pg-2 never ready; log:\n\(second.log)")
        return (one, two, first, second)
    }

    /// `psql` as `postgres` with its standard error (warnings included) and status; each of
    /// `statements` is its own `-c`.
    static func sqlWithWarnings(_ layout: PostgresTestSite.InstanceLayout, _ statements: String...) async
        -> ProcessResult
    {
        await PostgresTestEnvironment.runAsPostgres(
            [
                PostgresTestEnvironment.binDirectory + "/psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                layout.runDirectory, "-p", String(layout.postgresPort), "-U", "postgres", "-d", "postgres",
            ] + statements.flatMap { ["-c", $0] })
    }

    @Test(
        "switchover: a healthy primary stops cleanly and releases the lease, the replica promotes, the old primary rejoins on timeline 2 and refuses writes"
    )
    func switchover() async throws {
        try await PostgresTestSite.with { site in
            let (one, two, first, second) = try await Self.startPair(site, failoverDelay: 3)
            #expect(await one.sql("CREATE TABLE s (x int); INSERT INTO s VALUES (1)").hasPrefix("ERROR") == false)
            // The operator moves the target while pg-1 is healthy.
            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: 3, currentPrimary: "pg-1"))
            #expect(
                await poll(attempts: Self.hangGuardPolls) { await two.status()?["role"] == "primary" },
                "pg-2 never promoted; log:\n\(second.log)\npg-1:\n\(first.log)")
            #expect(first.log.contains("primary lease released"), "log:\n\(first.log)")
            #expect(await one.status()?["fenced"] == false, "a clean demotion is not a fence")
            #expect(await two.sql("INSERT INTO s VALUES (2)").hasPrefix("ERROR") == false)
            // The operator confirms the new primary; pg-1 rewinds and follows it.
            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: 3, currentPrimary: "pg-2"))
            #expect(
                await poll(attempts: Self.hangGuardPolls) {
                    let s = await one.status()
                    return s?["role"] == "replica" && s?["streaming"] == true && s?["timeline"] == 2
                }, "pg-1 never rejoined; log:\n\(first.log)")
            #expect(first.log.contains("pg_rewind against pg-2"))
            #expect(await poll { await one.sql("SELECT count(*) FROM s") == "2" })
            let refused = await one.sql("INSERT INTO s VALUES (3)")
            #expect(refused.contains("read-only transaction"), "\(refused)")
            #expect(await two.status()?["replicas"]?.arrayValue?.first?["applicationName"] == "pg-1")
        }
    }

    @Test(
        "a primary that cannot renew the lease fences itself (writes fail); the new target waits until the lease can be taken, then promotes; the fenced one rejoins"
    )
    func fencesWhenTheLeaseCannotBeRenewed() async throws {
        try await PostgresTestSite.with { site in
            let (one, two, first, second) = try await Self.startPair(site, failoverDelay: 3)
            #expect(await one.sql("CREATE TABLE f (x int); INSERT INTO f VALUES (1)").hasPrefix("ERROR") == false)
            // The managers (user postgres) may read the lease but no longer write it.
            #expect(chmod(site.leaseFile, 0o444) == 0)
            #expect(
                await poll(attempts: Self.hangGuardPolls) { await one.status()?["fenced"] == true },
                "pg-1 never fenced; log:\n\(first.log)")
            #expect(first.log.contains("fenced: PostgreSQL killed"))
            #expect(await one.sql("INSERT INTO f VALUES (2)").hasPrefix("ERROR"), "a fenced primary takes no writes")
            #expect(await one.status()?["role"] == "unknown")

            // The operator fails over; pg-2 cannot take the lease while it cannot write it.
            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: 3, currentPrimary: "pg-1",
                    fencedInstances: ["pg-1"]))
            #expect(
                await poll(attempts: Self.hangGuardPolls) { second.log.contains("waiting: the primary lease") },
                "log:\n\(second.log)")
            #expect(await two.sql("SELECT pg_is_in_recovery()") == "t", "no promotion without the lease")
            #expect(chmod(site.leaseFile, 0o644) == 0)
            #expect(
                await poll(attempts: Self.hangGuardPolls) { await two.status()?["role"] == "primary" },
                "pg-2 never promoted; log:\n\(second.log)")
            #expect(await two.sql("SELECT count(*) FROM f") == "1")
            // Read under the lease's own lock: the holder rewrites the file in place every poll,
            // and a plain read can meet it truncated (the full unit suite once did).
            let lease = try await FilePrimaryLease(path: site.leaseFile).read()
            #expect(lease?.holder == "pg-2")

            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: 3, currentPrimary: "pg-2",
                    fencedInstances: ["pg-1"]))
            #expect(
                await poll(attempts: Self.hangGuardPolls) {
                    let s = await one.status()
                    return s?["role"] == "replica" && s?["streaming"] == true && s?["fenced"] == false
                }, "pg-1 never rejoined; log:\n\(first.log)")
        }
    }

    @Test(
        "after a crash (manager and PostgreSQL killed) and a promotion, the old data directory rejoins through pg_rewind and has the new timeline's rows"
    )
    func crashPromoteRewind() async throws {
        try await PostgresTestSite.with { site in
            let (one, two, first, second) = try await Self.startPair(site, failoverDelay: Self.quickFailoverDelay)
            #expect(await one.sql("CREATE TABLE c (x int); INSERT INTO c VALUES (1)").hasPrefix("ERROR") == false)
            let lsn = await one.sql("SELECT pg_current_wal_lsn()")
            #expect(
                await poll { await two.sql("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '\(lsn)') >= 0") == "t" })
            // Kill the manager, then PostgreSQL's whole process group (the postmaster leads it).
            let postmasterPID = try #require(
                (try? String(contentsOfFile: one.pgdata + "/postmaster.pid", encoding: .utf8))?
                    .split(separator: "\n").first.flatMap { pid_t($0) })
            first.child.send(SIGKILL)
            _ = await first.child.waitForExit()
            #expect(kill(-postmasterPID, SIGKILL) == 0)
            #expect(await poll { await one.sql("SELECT 1").hasPrefix("ERROR") })

            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: Self.quickFailoverDelay, currentPrimary: "pg-1",
                    fencedInstances: ["pg-1"]))
            // Ready, not only out of recovery: the manager has then written the primary's
            // configuration, reloaded, checkpointed and set up roles (the full unit suite on two
            // busy cores once saw this INSERT fail between the two).
            #expect(
                await poll(attempts: Self.hangGuardPolls) {
                    let s = await two.status()
                    return s?["role"] == "primary" && s?["ready"] == true
                },
                "pg-2 never promoted; log:\n\(second.log)")
            let inserted = await two.sql("INSERT INTO c VALUES (2), (3)")
            let statusAfterInsert = await two.status()
            #expect(!inserted.hasPrefix("ERROR"), "\(inserted); status: \(String(describing: statusAfterInsert)); log:\n\(second.log)")
            #expect(await poll { await two.status()?["timeline"] == 2 })

            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: Self.quickFailoverDelay, currentPrimary: "pg-2",
                    fencedInstances: ["pg-1"]))
            let restarted = try site.startInstance(one, peers: [one, two])
            #expect(
                await poll(attempts: Self.hangGuardPolls) {
                    let s = await one.status()
                    return s?["role"] == "replica" && s?["streaming"] == true && s?["timeline"] == 2
                }, "pg-1 never rejoined; log:\n\(restarted.log)")
            #expect(restarted.log.contains("pg_rewind against pg-2"), "log:\n\(restarted.log)")
            #expect(await poll { await one.sql("SELECT string_agg(x::text, ',' ORDER BY x) FROM c") == "1,2,3" })
        }
    }

    @Test(
        "synchronous (number 1): the primary names the replica; a commit waits (SyncRep) while the only replica is stopped and completes once it streams again"
    )
    func synchronousCommit() async throws {
        try await PostgresTestSite.with { site in
            let (one, two, _, second) = try await Self.startPair(site, failoverDelay: 5, synchronous: 1)
            #expect(await one.sql("SHOW synchronous_standby_names") == "ANY 1 (\"pg-2\")")
            #expect(await one.sql("SHOW synchronous_commit") == "on")
            #expect(await two.sql("SHOW recovery_target_timeline") == "latest")
            #expect(
                await poll {
                    await one.sql("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pg-2'")
                        == "quorum"
                })
            let streaming = await Self.sqlWithWarnings(one, "CREATE TABLE y (x int)", "INSERT INTO y VALUES (1)")
            #expect(streaming.status == 0 && !streaming.standardError.contains("synchronous"), "\(streaming)")

            #expect(await second.terminate() == 0, "log:\n\(second.log)")
            // The commit waits for a standby: a background psql stays in wait event SyncRep (its
            // row invisible to others) until the replica streams again.
            let waitingOutput = site.root + "/waiting-commit.log"
            let waiting = try ChildProcess(
                executable: PostgresTestEnvironment.setpriv,
                arguments: [
                    "--reuid", "postgres", "--regid", "postgres", "--init-groups",
                    PostgresTestEnvironment.binDirectory + "/psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                    one.runDirectory, "-p", String(one.postgresPort), "-U", "postgres", "-d", "postgres", "-c",
                    "INSERT INTO y VALUES (2)",
                ],
                environment: ["PATH": "/usr/bin:/bin"], outputFile: waitingOutput)
            #expect(
                await poll {
                    await one.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == "1"
                })
            #expect(waiting.isRunning)
            #expect(await one.sql("SELECT count(*) FROM y") == "1")

            let restarted = try site.startInstance(two, peers: [one, two])
            #expect(await poll(attempts: Self.hangGuardPolls) { await two.isReady() }, "log:\n\(restarted.log)")
            #expect(await poll(attempts: Self.hangGuardPolls) { !waiting.isRunning })
            #expect(waiting.exitStatus == 0)
            let output = (try? String(contentsOfFile: waitingOutput, encoding: .utf8)) ?? ""
            #expect(!output.contains("synchronous"), "\(output)")
            let resumed = await Self.sqlWithWarnings(one, "INSERT INTO y VALUES (3)")
            #expect(resumed.status == 0 && !resumed.standardError.contains("synchronous"), "\(resumed)")
            #expect(await poll { await two.sql("SELECT count(*) FROM y") == "3" })
        }
    }

    @Test(
        "a primary whose manager was stopped (SIGSTOP) past its lease deadline fences itself first thing after SIGCONT, before it reads anything"
    )
    func fencesFirstAfterWakeUp() async throws {
        try await PostgresTestSite.with { site in
            let (one, two, first, second) = try await Self.startPair(site, failoverDelay: Self.quickFailoverDelay)
            // Only the manager stops: PostgreSQL runs in its own process group.
            #expect(kill(first.child.pid, SIGSTOP) == 0)
            try site.writeSpec(
                PostgresTestSite.instance(
                    targetPrimary: "pg-2", pods: ["pg-1", "pg-2"], failoverDelay: Self.quickFailoverDelay, currentPrimary: "pg-1",
                    fencedInstances: ["pg-1"]))
            // pg-2 takes the lease once pg-1's renewTime stayed unchanged for 4 s by pg-2's clock.
            #expect(
                await poll(attempts: Self.hangGuardPolls) { await two.status()?["role"] == "primary" },
                "pg-2 never promoted; log:\n\(second.log)")
            #expect(kill(first.child.pid, SIGCONT) == 0)
            #expect(
                await poll(attempts: Self.hangGuardPolls) { await one.status()?["fenced"] == true },
                "pg-1 never fenced; log:\n\(first.log)")
            #expect(await poll { await one.sql("SELECT 1").hasPrefix("ERROR") })
            // The deadline fenced it, not the status or the lease it reads afterwards.
            let fencing = first.log.split(separator: "\n").first { $0.contains("fenced: PostgreSQL killed") }
            #expect(fencing?.contains("not renewed within its deadline") == true, "log:\n\(first.log)")
        }
    }
}
