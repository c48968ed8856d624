import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

/// Pure rendering of archiving, backups and recovery: barman-cloud command lines, the AWS
/// environment, postgresql.conf settings, parsing barman's JSON, report encoding. No I/O.
@Suite("Durability rendering: barman-cloud arguments, AWS environment, archive and recovery settings, reports")
struct DurabilityRenderingTests {
    static let paths = InstancePaths(
        pgdata: "/data/pgdata", binDirectory: "/bin", runDirectory: "/run/qm", secretsDirectory: "/etc/qm")
    static let store = ObjectStoreSettings(
        destinationPath: "s3://bucket/tenants/a", endpointURL: "https://s3.example:9000", region: "eu-west-1",
        serverName: "pg", credentialsSecret: "creds")

    @Test("barman-cloud command lines: endpoint on all, -e only on uploads (AES256 by default, none leaves it out)")
    func arguments() {
        let s = Self.store
        #expect(
            BarmanCloud.walArchive(s, walPath: "pg_wal/000000010000000000000001") == [
                "--endpoint-url", "https://s3.example:9000", "-e", "AES256", "s3://bucket/tenants/a", "pg",
                "pg_wal/000000010000000000000001",
            ])
        var plain = s
        plain.endpointURL = nil
        plain.encryption = "none"
        #expect(BarmanCloud.walArchive(plain, walPath: "x") == ["s3://bucket/tenants/a", "pg", "x"])
        plain.encryption = "aws:kms"
        #expect(BarmanCloud.walArchive(plain, walPath: "x") == ["-e", "aws:kms", "s3://bucket/tenants/a", "pg", "x"])
        #expect(
            BarmanCloud.walRestore(s, walName: "00000002.history", destination: "pg_wal/RECOVERYHISTORY") == [
                "--endpoint-url", "https://s3.example:9000", "s3://bucket/tenants/a", "pg", "00000002.history",
                "pg_wal/RECOVERYHISTORY",
            ])
        #expect(
            BarmanCloud.backup(s, name: "pg-20261203", socketDirectory: "/run/qm", port: 5432) == [
                "--endpoint-url", "https://s3.example:9000", "-e", "AES256", "--immediate-checkpoint", "-h", "/run/qm",
                "-p", "5432", "-U", "postgres", "-d", "postgres", "--name", "pg-20261203", "s3://bucket/tenants/a",
                "pg",
            ])
        #expect(
            BarmanCloud.backupShow(plain, backup: "b") == ["--format", "json", "s3://bucket/tenants/a", "pg", "b"])
        #expect(BarmanCloud.backupList(plain) == ["--format", "json", "s3://bucket/tenants/a", "pg"])
        #expect(
            BarmanCloud.backupDelete(plain, retentionPolicy: "RECOVERY WINDOW OF 30 DAYS") == [
                "--retention-policy", "RECOVERY WINDOW OF 30 DAYS", "s3://bucket/tenants/a", "pg",
            ])
        #expect(
            BarmanCloud.restore(plain, backupID: "20261203T101500", pgdata: "/data/pgdata") == [
                "s3://bucket/tenants/a", "pg", "20261203T101500", "/data/pgdata",
            ])
        #expect(BarmanCloud.checkWALArchive(plain) == ["s3://bucket/tenants/a", "pg"])
        #expect(BarmanCloud.tool("backup", directory: "/usr/bin") == "/usr/bin/barman-cloud-backup")
    }

    @Test("AWS environment from the credential files; the manager's own AWS variables never leak through")
    func environment() throws {
        let files = [
            "/etc/qm/backup/ACCESS_KEY_ID": "AKIA", "/etc/qm/backup/ACCESS_SECRET_KEY": "s3cr3t",
            "/etc/qm/backup/ACCESS_SESSION_TOKEN": "tok", "/etc/qm/backup/ca.crt": "PEM",
        ]
        let env = try ObjectStoreEnvironment.environment(
            store: Self.store, credentialsDirectory: "/etc/qm/backup",
            base: ["PATH": "/usr/bin", "AWS_PROFILE": "other", "AWS_ACCESS_KEY_ID": "leak"], read: { files[$0] })
        #expect(
            env == [
                "PATH": "/usr/bin", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s3cr3t",
                "AWS_SESSION_TOKEN": "tok", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_CA_BUNDLE": "/etc/qm/backup/ca.crt",
                "TZ": "UTC",
            ])
        var noRegion = Self.store
        noRegion.region = nil
        let minimal = try ObjectStoreEnvironment.environment(
            store: noRegion, credentialsDirectory: "/c", base: [:],
            read: { ["/c/ACCESS_KEY_ID": "k", "/c/ACCESS_SECRET_KEY": "s"][$0] })
        #expect(minimal == ["AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "TZ": "UTC"])
        #expect(throws: ObjectStoreEnvironment.MissingCredentials.self) {
            try ObjectStoreEnvironment.environment(
                store: Self.store, credentialsDirectory: "/c", base: [:], read: { ["/c/ACCESS_KEY_ID": "k"][$0] })
        }
    }

    @Test("archive_mode on always; archive_command the wrapper with a store, /bin/true without; recovery settings")
    func confSettings() {
        let on = ArchiveConfSettings.settings(
            archiving: true, executable: "/controller/quartermaster", paths: Self.paths, recovery: nil)
        #expect(on.map(\.0) == ["archive_mode", "archive_command"])
        #expect(on[0].1 == "on")
        #expect(
            on[1].1
                == "'/controller/quartermaster' instance wal-archive --run-dir '/run/qm' --secrets-dir '/etc/qm' %p")
        let off = ArchiveConfSettings.settings(archiving: false, executable: "/q", paths: Self.paths, recovery: nil)
        #expect(off.map(\.1) == ["on", "/bin/true"])

        let source = RecoverySource(backupID: "20261203T101500", store: Self.store, target: .time("2026-12-03T10:00:00Z"))
        let recovering = ArchiveConfSettings.settings(
            archiving: false, executable: "/q", paths: Self.paths, recovery: source)
        #expect(
            recovering.map { "\($0.0)=\($0.1)" } == [
                "archive_mode=on", "archive_command=/bin/true",
                "restore_command='/q' instance wal-restore --run-dir '/run/qm' --secrets-dir '/etc/qm' %f %p",
                "recovery_target_timeline=latest", "recovery_target_time=2026-12-03 10:00:00+00:00",
                "recovery_target_action=promote",
            ])
        var latest = source
        latest.target = nil
        #expect(
            ArchiveConfSettings.settings(archiving: false, executable: "/q", paths: Self.paths, recovery: latest).map(
                \.0) == ["archive_mode", "archive_command", "restore_command", "recovery_target_timeline"])
        #expect(RecoveryTarget.time("2026-12-03T10:00:00.123456Z").setting.value == "2026-12-03 10:00:00.123456+00:00")
        #expect(RecoveryTarget.time("2026-12-03T10:00:00+02:00").setting.value == "2026-12-03 10:00:00+02:00")
        #expect(RecoveryTarget.time("2026-12-03 10:00:00+00").setting.value == "2026-12-03 10:00:00+00")
        #expect(RecoveryTarget.lsn("0/3000060").setting == ("recovery_target_lsn", "0/3000060"))
        #expect(RecoveryTarget.name("before-migration").setting == ("recovery_target_name", "before-migration"))
        // Shell and PostgreSQL quoting: a quote closes and reopens, a % is doubled.
        #expect(ArchiveConfSettings.shellQuote("/a b/it's 100%") == "'/a b/it'\\''s 100%%'")

        // The settings land after the operator's own in quartermaster.conf, quoted for the file.
        let conf = PostgresConfFile.render(parameters: [:], paths: Self.paths, primaryConninfo: nil, extraSettings: on)
        #expect(
            conf.text.hasSuffix(
                "wal_log_hints = 'on'\nsynchronous_standby_names = ''\narchive_mode = 'on'\narchive_command = '''/controller/quartermaster'' instance wal-archive --run-dir ''/run/qm'' --secrets-dir ''/etc/qm'' %p'\n"
            ))
    }

    static let showOutput = """
        {"cloud": {"backup_label": "'START WAL LOCATION: 0/2000028'", "backup_name": "pg-one", "begin_offset": 40, "begin_time": "Thu Dec  3 10:53:54 2026", "begin_wal": "000000010000000000000002", "begin_xlog": "0/2000028", "end_time": "Thu Dec  3 10:53:56 2026", "end_wal": "000000010000000000000002", "end_xlog": "0/2000100", "error": null, "size": null, "status": "DONE", "timeline": 1, "backup_id": "20261203T105354"}}
        """

    @Test("barman's JSON: backup-show and backup-list, ctime read as UTC, list oldest first")
    func barmanJSON() throws {
        let info = try #require(BarmanBackupInfo.parseShow(Self.showOutput))
        #expect(
            info
                == BarmanBackupInfo(
                    backupID: "20261203T105354", name: "pg-one", beginTime: "2026-12-03T10:53:54Z",
                    endTime: "2026-12-03T10:53:56Z", beginLSN: "0/2000028", endLSN: "0/2000100",
                    beginWAL: "000000010000000000000002", endWAL: "000000010000000000000002", size: nil, status: "DONE"))
        let list = try #require(
            BarmanBackupInfo.parseList(
                """
                {"backups_list": [{"backup_id": "20261203T110000", "status": "DONE", "begin_time": "Thu Dec  3 11:00:00 2026"},
                  {"backup_id": "20261203T100000", "status": "FAILED", "begin_time": "Thu Dec  3 10:00:00 2026"},
                  {"backup_id": "20261203T103000", "status": "DONE", "begin_time": "Thu Dec  3 10:30:00 2026"}]}
                """))
        #expect(list.map(\.backupID) == ["20261203T100000", "20261203T103000", "20261203T110000"])
        let catalog = BackupCatalog(list, sizes: ["20261203T103000": 42])
        #expect(catalog.firstRecoverabilityPoint == "2026-12-03T10:30:00Z")
        #expect(catalog.backups.map(\.size) == [nil, 42, nil])
        #expect(BackupCatalog([]).firstRecoverabilityPoint == nil)
        #expect(BarmanBackupInfo.parseList("not json") == nil)
        #expect(BarmanBackupInfo.rfc3339(fromCTime: "Mon Jan 12 03:04:05 2026") == "2026-01-12T03:04:05Z")
        #expect(BarmanBackupInfo.rfc3339(fromCTime: "2026-12-03 10:53:54.123456+00:00") == "2026-12-03T10:53:54Z")
    }

    @Test("reports encode every key, null when unknown (the contract's exact names)")
    func reportJSON() throws {
        let running = BackupReport(name: "pg-1", phase: .running, startedAt: "2026-12-03T10:00:00Z")
        #expect(
            String(decoding: try KubeJSON.encode(running), as: UTF8.self)
                == #"{"backupID":null,"beginLSN":null,"beginWAL":null,"endLSN":null,"endWAL":null,"error":null,"name":"pg-1","phase":"running","size":null,"startedAt":"2026-12-03T10:00:00Z","stoppedAt":null}"#
        )
        let info = try #require(BarmanBackupInfo.parseShow(Self.showOutput))
        let done = BackupReport(name: "pg-one", completed: info, size: 1234)
        #expect(done.phase == .completed && done.size == 1234 && done.stoppedAt == "2026-12-03T10:53:56Z")
        #expect(try KubeJSON.decode(BackupReport.self, from: try KubeJSON.encode(done)) == done)
        let catalog = BackupCatalog([info])
        let text = String(decoding: try KubeJSON.encode(catalog), as: UTF8.self)
        #expect(text.contains(#""firstRecoverabilityPoint":"2026-12-03T10:53:54Z""#))
        #expect(text.contains(#""size":null"#) && text.contains(#""status":"DONE""#))
        #expect(
            String(decoding: try KubeJSON.encode(RetentionReport(phase: "none")), as: UTF8.self)
                == #"{"deletedBackupIDs":[],"error":null,"finishedAt":null,"phase":"none","policy":null,"startedAt":null}"#
        )
        let archiving = ArchivingStatus.make(
            archiver: ArchivingStatus(enabled: false, lastArchivedWAL: "000000010000000000000003"), enabled: true,
            offReason: nil, failure: ArchiveFailure(wal: "x", time: "t", message: "ERROR: boom"))
        #expect(archiving.enabled && archiving.message == "ERROR: boom" && archiving.lastArchivedWAL != nil)
        #expect(
            ArchivingStatus.make(archiver: nil, enabled: false, offReason: "ArchiveNotEmpty: x", failure: nil).message
                == "ArchiveNotEmpty: x")
        #expect(
            String(decoding: try KubeJSON.encode(RecoveryReport(backupID: "b", targetReached: true)), as: UTF8.self)
                == #"{"backupID":"b","message":null,"reachedLSN":null,"reachedTime":null,"targetReached":true}"#)
    }

    @Test("names, policies, messages: what the API accepts and how failures are bounded")
    func validation() {
        #expect(BackupReport.isValidName("pg-20261203101500"))
        for bad in ["", "latest", "first", "Upper", "-x", "x-", "a/b", "20261203t101500", String(repeating: "a", count: 254)] {
            #expect(!BackupReport.isValidName(bad), "\(bad)")
        }
        for good in ["RECOVERY WINDOW OF 30 DAYS", "RECOVERY WINDOW OF 4 WEEKS", "RECOVERY WINDOW OF 1 MONTHS", "REDUNDANCY 2"] {
            #expect(RetentionReport.isValidPolicy(good))
        }
        for bad in ["RECOVERY WINDOW OF 0 DAYS", "REDUNDANCY", "recovery window of 3 days", "RECOVERY WINDOW OF 3 DAYS; rm"] {
            #expect(!RetentionReport.isValidPolicy(bad))
        }
        let stderr = "2026-12-03 10:53:15,076 [5418] INFO: starting\n2026-12-03 10:53:15,076 [5418] ERROR: Barman cloud WAL archiver exception: An error occurred (403)\nTraceback hint\n"
        #expect(
            BarmanCloud.failureMessage(stderr, status: 4)
                == "2026-12-03 10:53:15,076 [5418] ERROR: Barman cloud WAL archiver exception: An error occurred (403)")
        #expect(BarmanCloud.failureMessage("", status: 2) == "exited with status 2")
        let long = String(repeating: "é", count: 2000)
        #expect(BarmanCloud.failureMessage(long, status: 1).utf8.count <= 1024)
        #expect(BarmanCloud.truncate("abcdef", bytes: 3) == "abc")
    }

    @Test("recovery: the switch point of the newest history file, the line that says why recovery failed")
    func recoveryParsing() {
        #expect(
            RecoveryReport.switchPoint(history: "1\t0/5000060\tbefore 2026-12-03 10:00:00+00\n") == "0/5000060")
        #expect(
            RecoveryReport.switchPoint(history: "1\t0/3000000\tno recovery target specified\n\n2\t0/7000A0\tat restore point \"x\"\n")
                == "0/7000A0")
        #expect(RecoveryReport.switchPoint(history: "") == nil)
        let log = """
            2026-12-03 10:00:00 UTC [1] LOG:  starting point-in-time recovery
            2026-12-03 10:00:01 UTC [1] FATAL:  recovery ended before configured recovery target was reached
            2026-12-03 10:00:01 UTC [1] LOG:  startup process (PID 2) exited with exit code 1
            """
        #expect(RecoveryReport.failureLine(log: log)?.hasSuffix("recovery ended before configured recovery target was reached") == true)
        #expect(RecoveryReport.failureLine(log: "nothing") == nil)
    }

    @Test("InstanceSettings: status.archive and status.bootstrap by their JSON names; bad ones refused")
    func settings() throws {
        let object: JSONValue = [
            "metadata": ["name": "pg", "namespace": "ns"],
            "status": [
                "archive": [
                    "destinationPath": "s3://b/p", "endpointURL": "http://127.0.0.1:9000", "region": "us-east-1",
                    "encryption": "none", "credentialsSecret": "creds", "caSecret": ["name": "ca", "key": "ca.crt"],
                ],
                "bootstrap": [
                    "backupID": "20261203T100000", "destinationPath": "s3://b/src", "serverName": "old",
                    "credentialsSecret": "src-creds", "target": ["lsn": "0/3000060"],
                ],
            ],
        ]
        let s = try InstanceSettings.decode(from: object)
        #expect(
            s.archive
                == ObjectStoreSettings(
                    destinationPath: "s3://b/p", endpointURL: "http://127.0.0.1:9000", region: "us-east-1",
                    encryption: "none", serverName: "pg", credentialsSecret: "creds",
                    caSecret: .init(name: "ca", key: "ca.crt")))
        #expect(s.archive?.serverSideEncryption == nil)
        #expect(
            s.bootstrap
                == RecoverySource(
                    backupID: "20261203T100000",
                    store: ObjectStoreSettings(destinationPath: "s3://b/src", serverName: "old", credentialsSecret: "src-creds"),
                    target: .lsn("0/3000060")))
        #expect(s.bootstrap?.store.serverSideEncryption == "AES256")
        #expect(try InstanceSettings.decode(from: ["metadata": ["name": "pg"]]).archive == nil)

        for bad: JSONValue in [
            ["archive": ["region": "x"]],
            ["bootstrap": ["destinationPath": "s3://b/x"]],
            ["bootstrap": ["backupID": "b", "destinationPath": "s3://b/x", "target": ["time": "t", "name": "n"]]],
        ] {
            #expect(throws: InstanceSettingsError.self) {
                try InstanceSettings.decode(from: ["metadata": ["name": "pg"], "status": bad])
            }
        }
    }
}
