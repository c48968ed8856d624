import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

/// Base backups over the HTTP API, point-in-time recovery into new data directories, and
/// retention, against a real S3 (moto) with real barman-cloud and PostgreSQL 15.
@Suite(
    "Instance manager: backups, point-in-time recovery, retention (PostgreSQL 15, barman-cloud, moto S3)", .serialized,
    .enabled(if: MotoServer.available, MotoServer.skipReason))
struct BackupAndRecoveryTests {
    /// Starts a new instance `name` recovering from `backupID` of the store `store/pg` with
    /// `target`, waits until it is ready, and returns its layout and manager.
    static func recover(
        site: PostgresTestSite, moto: MotoServer, name: String, backupID: String, target: JSONValue?
    ) async throws -> (PostgresTestSite.InstanceLayout, RunningManager) {
        var bootstrap: [String: JSONValue] = [
            "backupID": .string(backupID), "destinationPath": .string("s3://\(moto.bucket)/store"),
            "endpointURL": .string(moto.endpoint), "serverName": "pg", "credentialsSecret": "creds",
        ]
        if let target { bootstrap["target"] = target }
        let spec = site.root + "/\(name).json"
        try site.writeSpec(
            BackupTestSupport.instance(
                name: name, archive: moto.archive(prefix: "store", serverName: name), bootstrap: .object(bootstrap)),
            to: spec)
        let layout = site.layout(pod: "\(name)-1")
        let manager = try site.startInstance(layout, specFile: spec)
        return (layout, manager)
    }

    static func rows(_ layout: PostgresTestSite.InstanceLayout) async -> String {
        await layout.sql("SELECT string_agg(x::text, ',' ORDER BY x) FROM t", database: "app")
    }

    @Test(
        "POST /backups completes with barman's ID, LSNs, times and size; GET /backups lists it; recovery to a time, an LSN, a restore point and the latest point holds exactly the rows before it and reports the point; a restart keeps the report; a target past the archive is reported, not promoted; retention deletes the older backup and its WAL only"
    )
    func backupRecoverRetain() async throws {
        try await MotoServer.with { site, moto in
            try site.writeSpec(BackupTestSupport.instance(archive: moto.archive(prefix: "store", serverName: "pg")))
            let layout = site.layout(pod: "pg-1")
            let manager = try site.startInstance(layout)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    guard await layout.isReady() else { return false }
                    return await layout.status()?["archiving"]?["enabled"] == true
                }, "log:\n\(manager.log)")
            let port = layout.statusPort

            // Bad requests and the unknown.
            #expect(await BackupTestSupport.request("POST", port: port, path: "/backups", body: "{}").status == 400)
            #expect(
                await BackupTestSupport.request("POST", port: port, path: "/backups", body: #"{"name":"latest"}"#).status
                    == 400)
            #expect(await BackupTestSupport.request("GET", port: port, path: "/backups/nothing-here").status == 404)
            #expect(await BackupTestSupport.request("DELETE", port: port, path: "/backups").status == 405)
            let big = "{\"name\":\"" + String(repeating: "a", count: 20_000) + "\"}"
            #expect(await BackupTestSupport.request("POST", port: port, path: "/backups", body: big).status == 413)
            #expect(await BackupTestSupport.request("GET", port: port, path: "/retention").json?["phase"] == "none")

            // The first backup.
            let posted = await BackupTestSupport.request(
                "POST", port: port, path: "/backups", body: #"{"name":"pg-backup-one"}"#)
            #expect(posted.status == 202, "\(String(describing: posted.json))")
            #expect(posted.json?["phase"] == "running")
            let busy = await BackupTestSupport.request(
                "POST", port: port, path: "/backups", body: #"{"name":"pg-backup-other"}"#)
            #expect(busy.status == 409 && busy.json?["error"]?.stringValue?.contains("pg-backup-one") == true)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await BackupTestSupport.request("GET", port: port, path: "/backups/pg-backup-one").json?["phase"]
                        != "running"
                }, "log:\n\(manager.log)")
            let one = try #require(
                await BackupTestSupport.request("GET", port: port, path: "/backups/pg-backup-one").json)
            #expect(one["phase"] == "completed", "\(one)")
            let firstID = try #require(one["backupID"]?.stringValue)
            for key in ["beginLSN", "endLSN", "beginWAL", "endWAL", "startedAt", "stoppedAt"] {
                #expect(one[key]?.stringValue?.isEmpty == false, "\(key) in \(one)")
            }
            #expect((one["size"]?.intValue ?? 0) > 1_000_000, "\(one)")
            #expect(one["error"] == .null)
            let again = await BackupTestSupport.request(
                "POST", port: port, path: "/backups", body: #"{"name":"pg-backup-one"}"#)
            #expect(again.status == 200 && again.json == one)

            let catalog = try #require(await BackupTestSupport.request("GET", port: port, path: "/backups").json)
            #expect(catalog["backups"]?.arrayValue?.map { $0["backupID"] } == [.string(firstID)], "\(catalog)")
            #expect(catalog["backups"]?.arrayValue?.first?["name"] == "pg-backup-one")
            #expect(catalog["backups"]?.arrayValue?.first?["status"] == "DONE")
            #expect(catalog["firstRecoverabilityPoint"] == one["startedAt"])

            // Rows after the backup, with a restore point, an LSN and a time between them.
            #expect(await layout.sql("CREATE TABLE t (x int)", database: "app") == "CREATE TABLE")
            _ = await layout.sql("INSERT INTO t VALUES (1)", database: "app")
            _ = await layout.sql("SELECT pg_create_restore_point('after-one')")
            _ = await layout.sql("INSERT INTO t VALUES (2)", database: "app")
            let lsnAfterTwo = await layout.sql("SELECT pg_current_wal_insert_lsn()")
            _ = await layout.sql("INSERT INTO t VALUES (3)", database: "app")
            let timeAfterThree = await layout.sql(
                #"SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"#)
            _ = await layout.sql("SELECT pg_sleep(0.2)")
            _ = await layout.sql("INSERT INTO t VALUES (4)", database: "app")
            let last = await BackupTestSupport.switchWAL(layout)
            #expect(await BackupTestSupport.waitArchived(layout, last), "log:\n\(manager.log)")

            // Recoveries into new data directories.
            let cases: [(String, JSONValue?, String)] = [
                ("pgname", ["name": "after-one"], "1"),
                ("pglsn", ["lsn": .string(lsnAfterTwo)], "1,2"),
                ("pgtime", ["time": .string(timeAfterThree)], "1,2,3"),
                ("pglatest", nil, "1,2,3,4"),
            ]
            for (name, target, expected) in cases {
                let (recovered, recovering) = try await Self.recover(
                    site: site, moto: moto, name: name, backupID: firstID, target: target)
                #expect(
                    await poll(attempts: BackupTestSupport.hangGuardPolls) { await recovered.isReady() },
                    "\(name) never ready; log:\n\(recovering.log)")
                #expect(await Self.rows(recovered) == expected, "\(name); log:\n\(recovering.log)")
                let status = await recovered.status()
                #expect(status?["role"] == "primary")
                #expect(status?["recovery"]?["targetReached"] == true, "\(String(describing: status))")
                #expect(status?["recovery"]?["backupID"]?.stringValue == firstID)
                #expect(status?["recovery"]?["reachedLSN"]?.stringValue?.contains("/") == true)
                if name == "pgtime" || name == "pglatest" {
                    #expect(status?["recovery"]?["reachedTime"]?.stringValue?.hasSuffix("Z") == true)
                }
                // A normal primary now: writable, archiving to its own (empty) store.
                #expect(await recovered.sql("INSERT INTO t VALUES (9)", database: "app") == "INSERT 0 1")
                #expect(
                    await poll(attempts: BackupTestSupport.hangGuardPolls) {
                        await recovered.status()?["archiving"]?["enabled"] == true
                    }, "log:\n\(recovering.log)")
                if name == "pglatest" {
                    // The report lives with the data: a restart still has it, and the rows.
                    #expect(await recovering.terminate() == 0, "log:\n\(recovering.log)")
                    let restarted = try site.startInstance(recovered, specFile: site.root + "/\(name).json")
                    #expect(await poll(attempts: BackupTestSupport.hangGuardPolls) { await recovered.isReady() })
                    #expect(await recovered.status()?["recovery"] == status?["recovery"])
                    #expect(await Self.rows(recovered) == "1,2,3,4,9")
                    #expect(!restarted.log.contains("restoring backup"))
                    #expect(await restarted.terminate() == 0, "log:\n\(restarted.log)")
                } else {
                    #expect(await recovering.terminate() == 0, "log:\n\(recovering.log)")
                }
            }

            // A target after the end of the archive: reported, not promoted, data kept.
            let (beyond, beyondManager) = try await Self.recover(
                site: site, moto: moto, name: "pgbeyond", backupID: firstID, target: ["time": "2999-01-01T00:00:00Z"])
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await beyond.status()?["recovery"]?["targetReached"] == false
                }, "log:\n\(beyondManager.log)")
            let beyondStatus = await beyond.status()
            #expect(
                beyondStatus?["recovery"]?["message"]?.stringValue?.contains(
                    "recovery ended before configured recovery target was reached") == true,
                "\(String(describing: beyondStatus))")
            #expect(beyondStatus?["role"] == "unknown")
            #expect(beyondManager.child.isRunning)
            #expect(FileManager.default.fileExists(atPath: beyond.pgdata + "/PG_VERSION"))
            #expect(FileManager.default.fileExists(atPath: beyond.pgdata + "/recovery.signal"))
            #expect(await beyondManager.terminate() == 0, "log:\n\(beyondManager.log)")

            // Retention: a second backup; a 30-day window deletes nothing; REDUNDANCY 1 deletes
            // the first backup and the WAL only it needed.
            #expect(
                await BackupTestSupport.request(
                    "POST", port: port, path: "/backups", body: #"{"name":"pg-backup-two"}"#
                ).status == 202)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await BackupTestSupport.request("GET", port: port, path: "/backups/pg-backup-two").json?["phase"]
                        != "running"
                }, "log:\n\(manager.log)")
            let two = try #require(
                await BackupTestSupport.request("GET", port: port, path: "/backups/pg-backup-two").json)
            #expect(two["phase"] == "completed", "\(two)")
            let secondID = try #require(two["backupID"]?.stringValue)
            let secondBeginWAL = try #require(two["beginWAL"]?.stringValue)
            let afterSecond = await BackupTestSupport.switchWAL(layout)
            #expect(await BackupTestSupport.waitArchived(layout, afterSecond))

            func retain(_ policy: String) async -> JSONValue? {
                let posted = await BackupTestSupport.request(
                    "POST", port: port, path: "/retention", body: "{\"policy\":\"\(policy)\"}")
                guard posted.status == 202 else { return posted.json }
                _ = await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await BackupTestSupport.request("GET", port: port, path: "/retention").json?["phase"] != "running"
                }
                return await BackupTestSupport.request("GET", port: port, path: "/retention").json
            }
            #expect(
                await BackupTestSupport.request("POST", port: port, path: "/retention", body: #"{"policy":"ALL"}"#).status
                    == 400)
            let window = await retain("RECOVERY WINDOW OF 30 DAYS")
            #expect(window?["phase"] == "completed" && window?["deletedBackupIDs"] == [], "\(String(describing: window))")
            let walsBefore = await moto.keys(prefix: "store/pg/wals/").map { ($0 as NSString).lastPathComponent }
            #expect(walsBefore.contains { $0 < secondBeginWAL }, "\(walsBefore)")
            let redundancy = await retain("REDUNDANCY 1")
            #expect(redundancy?["phase"] == "completed", "\(String(describing: redundancy))")
            #expect(redundancy?["deletedBackupIDs"] == [.string(firstID)])
            #expect(redundancy?["policy"] == "REDUNDANCY 1")
            let listed = await BackupTestSupport.request("GET", port: port, path: "/backups").json
            #expect(listed?["backups"]?.arrayValue?.map { $0["backupID"] } == [.string(secondID)])
            #expect(listed?["firstRecoverabilityPoint"] == two["startedAt"])
            let walsAfter = await moto.keys(prefix: "store/pg/wals/").map { ($0 as NSString).lastPathComponent }
            let segments = walsAfter.filter { !$0.hasSuffix(".history") }
            #expect(!segments.isEmpty && segments.allSatisfy { $0 >= secondBeginWAL }, "\(walsAfter)")
            #expect(walsBefore.filter { $0 >= secondBeginWAL }.allSatisfy { walsAfter.contains($0) })
            #expect(await moto.keys(prefix: "store/pg/base/\(firstID)/").isEmpty)

            // The newer backup still recovers.
            let (fromSecond, fromSecondManager) = try await Self.recover(
                site: site, moto: moto, name: "pgsecond", backupID: secondID, target: nil)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) { await fromSecond.isReady() },
                "log:\n\(fromSecondManager.log)")
            #expect(await Self.rows(fromSecond) == "1,2,3,4")
            #expect(await fromSecondManager.terminate() == 0)
            #expect(await manager.terminate() == 0, "log:\n\(manager.log)")
        }
    }
}
