import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

/// Continuous archiving against a real S3 (moto) with real barman-cloud: the instance manager
/// runs as `postgres` from the built binary, reading its PostgresInstance from a file.
@Suite(
    "Instance manager: continuous archiving (PostgreSQL 15, barman-cloud, moto S3)", .serialized,
    .enabled(if: MotoServer.available, MotoServer.skipReason))
struct ArchivingTests {
    @Test(
        "without status.archive archive_command is /bin/true; adding it archives without a restart; WAL lands in the bucket; a wrong key is reported with barman-cloud's error and recovers; missing key files are CredentialsMissing; a non-empty archive keeps a new primary's archiving off"
    )
    func archiving() async throws {
        try await MotoServer.with { site, moto in
            try site.writeSpec(BackupTestSupport.instance())
            let layout = site.layout(pod: "pg-1")
            let manager = try site.startInstance(layout)
            #expect(await poll(attempts: BackupTestSupport.hangGuardPolls) { await layout.isReady() }, "log:\n\(manager.log)")
            #expect(await layout.sql("SHOW archive_mode") == "on")
            #expect(await layout.sql("SHOW archive_command") == "/bin/true")
            #expect(await layout.status()?["archiving"]?["enabled"] == false)
            let started = await layout.sql("SELECT pg_postmaster_start_time()")

            // status.archive appears: reload only; the empty archive is checked, then used.
            try site.writeSpec(BackupTestSupport.instance(archive: moto.archive(prefix: "store", serverName: "pg")))
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await layout.status()?["archiving"]?["enabled"] == true
                }, "log:\n\(manager.log)")
            #expect(await layout.sql("SHOW archive_command").contains("instance wal-archive --run-dir"))
            #expect(await layout.sql("SELECT pg_postmaster_start_time()") == started)
            let segment = await BackupTestSupport.switchWAL(layout)
            #expect(await BackupTestSupport.waitArchived(layout, segment), "log:\n\(manager.log)")
            let keys = await moto.keys(prefix: "store/pg/wals/")
            #expect(keys.contains { $0.hasSuffix("/" + segment) }, "\(keys)")
            let archived = await layout.status()?["archiving"]
            #expect(archived?["lastArchivedTime"]?.stringValue?.hasSuffix("Z") == true)
            #expect(archived?["message"] == .null)

            // A wrong access key: barman-cloud's error reaches /status; WAL stays for the retry.
            try await moto.requireAuthentication(true)
            try moto.writeCredentials(into: site.secrets + "/backup", accessKeyID: "AKIAWRONGWRONGWRONG0")
            let failing = await BackupTestSupport.switchWAL(layout)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await layout.status()?["archiving"]?["message"]?.stringValue?.contains("403") == true
                }, "log:\n\(manager.log)")
            let failed = await layout.status()?["archiving"]
            #expect(failed?["lastFailedWAL"]?.stringValue == failing)
            #expect(failed?["message"]?.stringValue?.contains("ERROR") == true, "\(String(describing: failed))")
            #expect(failed?["enabled"] == true)

            // The right key again (still authenticated): the same segment is archived, the message clears.
            try moto.writeCredentials(into: site.secrets + "/backup")
            #expect(await BackupTestSupport.waitArchived(layout, failing), "log:\n\(manager.log)")
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await layout.status()?["archiving"]?["message"] == .null
                })
            try await moto.requireAuthentication(false)

            // No credential files: the wrapper says so (the operator's CredentialsMissing).
            try FileManager.default.removeItem(atPath: site.secrets + "/backup/ACCESS_KEY_ID")
            let uncredentialed = await BackupTestSupport.switchWAL(layout)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await layout.status()?["archiving"]?["message"]?.stringValue?.hasPrefix("CredentialsMissing") == true
                }, "log:\n\(manager.log)")
            try moto.writeCredentials(into: site.secrets + "/backup")
            #expect(await BackupTestSupport.waitArchived(layout, uncredentialed), "log:\n\(manager.log)")

            // Another fresh primary pointed at the same (non-empty) archive and server name.
            let specX = site.root + "/pgx.json"
            try site.writeSpec(
                BackupTestSupport.instance(name: "pgx", archive: moto.archive(prefix: "store", serverName: "pg")),
                to: specX)
            let layoutX = site.layout(pod: "pgx-1")
            let managerX = try site.startInstance(layoutX, specFile: specX)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await layoutX.status()?["archiving"]?["message"]?.stringValue?.hasPrefix("ArchiveNotEmpty") == true
                }, "log:\n\(managerX.log)")
            #expect(await layoutX.status()?["archiving"]?["enabled"] == false)
            let kept = await BackupTestSupport.switchWAL(layoutX)
            #expect(
                await poll(attempts: BackupTestSupport.hangGuardPolls) {
                    await layoutX.status()?["archiving"]?["lastFailedWAL"]?.stringValue == kept
                })
            #expect(await layoutX.status()?["archiving"]?["message"]?.stringValue?.hasPrefix("ArchiveNotEmpty") == true)

            #expect(await managerX.terminate() == 0, "log:\n\(managerX.log)")
            #expect(await manager.terminate() == 0, "log:\n\(manager.log)")
        }
    }
}
