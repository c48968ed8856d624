import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

@Suite("Rendering: /status JSON and /metrics text")
struct StatusAndMetricsTests {
    static let primary = InstanceObservation(
        inRecovery: false, timeline: 1, lsn: "0/3000148", lsnBytes: 50_331_976, receivedLsn: nil, replayLsn: nil,
        receiverStatus: nil, replicationLagBytes: 16, pendingRestartParameters: ["shared_buffers"],
        replicas: [.init(applicationName: "pg-2", state: "streaming", replayLsn: "0/3000138")],
        serverVersionNum: 150_018,
        connections: ["active": 1, "idle": 3], databaseSizes: ["app": 7_000_000, "we\"ird": 1])

    @Test("a primary: every key, nulls kept, pendingRestart from the parameter list")
    func primaryStatus() throws {
        let json = try KubeJSON.decode(
            JSONValue.self, from: KubeJSON.encode(InstanceStatus(pod: "pg-1", observation: Self.primary)))
        #expect(
            json == [
                "pod": "pg-1", "role": "primary", "ready": true, "timeline": 1, "lsn": "0/3000148",
                "receivedLsn": .null,
                "replayLsn": .null, "replicationLagBytes": 16, "pendingRestart": true,
                "pendingRestartParameters": ["shared_buffers"], "postgresVersion": 15, "streaming": false,
                "replicas": [["applicationName": "pg-2", "state": "streaming", "replayLsn": "0/3000138"]],
                "archiving": .null, "recovery": .null,
                "fenced": false, "dataVolume": .null, "message": .null,
            ])
    }

    @Test("failover and volume fields: fenced, dataVolume, walVolume (only with a WAL directory), message")
    func failoverAndVolumes() throws {
        var s = InstanceStatus(pod: "pg-1", observation: nil)
        s.fenced = true
        s.dataVolume = VolumeUsage(usedBytes: 10, capacityBytes: 100)
        s.message = "rewindFailed: could not connect"
        var json = try KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(s))
        #expect(json["fenced"] == true)
        #expect(json["dataVolume"] == ["usedBytes": 10, "capacityBytes": 100])
        #expect(json["walVolume"] == nil)
        #expect(json["message"] == "rewindFailed: could not connect")
        s.walVolume = VolumeUsage(usedBytes: 1, capacityBytes: 2)
        json = try KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(s))
        #expect(json["walVolume"] == ["usedBytes": 1, "capacityBytes": 2])
        // statvfs of a real directory: used within capacity, capacity above zero.
        let usage = try #require(VolumeUsage.ofParent(FileManager.default.temporaryDirectory.path + "/x"))
        #expect(usage.capacityBytes > 0)
        #expect(usage.usedBytes <= usage.capacityBytes)
        #expect(VolumeUsage.of("/nonexistent-\(UUID().uuidString)") == nil)
    }

    @Test(
        "readiness: a primary when it answers; a replica only while streaming; unknown when PostgreSQL does not answer",
        arguments: [
            (InstanceObservation(inRecovery: true, receiverStatus: "streaming"), "replica", true),
            (InstanceObservation(inRecovery: true, receiverStatus: "waiting"), "replica", false),
            (InstanceObservation(inRecovery: true), "replica", false),
            (InstanceObservation(inRecovery: false), "primary", true),
            (nil, "unknown", false),
        ] as [(InstanceObservation?, String, Bool)])
    func readiness(_ observation: InstanceObservation?, _ role: String, _ ready: Bool) {
        let s = InstanceStatus(pod: "pg-2", observation: observation)
        #expect(s.role == role)
        #expect(s.ready == ready)
        #expect(s.streaming == (observation?.receiverStatus == "streaming"))
    }

    @Test("the observation query's JSON decodes")
    func observationDecodes() throws {
        let row = """
            {"inRecovery" : true, "timeline" : 1, "lsn" : "0/3000060", "lsnBytes" : 50331744, "receivedLsn" : "0/3000060", \
            "replayLsn" : "0/3000060", "receiverStatus" : "streaming", "replicationLagBytes" : 0, \
            "pendingRestartParameters" : [], "replicas" : [], "serverVersionNum" : 150018, \
            "connections" : {"active" : 1}, "databaseSizes" : {"app" : 7634279, "postgres" : 7634279}}
            """
        let o = try KubeJSON.decode(InstanceObservation.self, from: Data(row.utf8))
        #expect(o.streaming)
        #expect(o.databaseSizes["app"] == 7_634_279)
        #expect(InstanceStatus(pod: "pg-2", observation: o).postgresVersion == 15)
    }

    @Test("metrics: the contract's families, label values escaped; only pg_up 0 when PostgreSQL does not answer")
    func metrics() {
        let text = InstanceMetricsText.render(Self.primary)
        for line in [
            "# TYPE pg_up gauge", "pg_up 1", "pg_is_primary 1", "pg_connections{state=\"active\"} 1",
            "pg_connections{state=\"idle\"} 3", "pg_database_size_bytes{datname=\"app\"} 7000000",
            "pg_database_size_bytes{datname=\"we\\\"ird\"} 1", "pg_replication_lag_bytes 16",
            "pg_wal_lsn_bytes 50331976",
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        #expect(
            InstanceMetricsText.render(nil)
                == "# HELP pg_up Whether PostgreSQL answers queries (1) or not (0).\n# TYPE pg_up gauge\npg_up 0\n")
    }

    @Test("metrics: volume usage per volume, also while PostgreSQL does not answer")
    func volumeMetrics() {
        let text = InstanceMetricsText.render(
            nil,
            volumes: [
                ("data", VolumeUsage(usedBytes: 5, capacityBytes: 50)), ("wal", VolumeUsage(usedBytes: 1, capacityBytes: 9)),
            ])
        for line in [
            "pg_up 0", "# TYPE pg_volume_used_bytes gauge", "pg_volume_used_bytes{volume=\"data\"} 5",
            "pg_volume_used_bytes{volume=\"wal\"} 1", "pg_volume_capacity_bytes{volume=\"data\"} 50",
            "pg_volume_capacity_bytes{volume=\"wal\"} 9",
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
    }
}

/// `SHOW POOLS` / `SHOW STATS` rows to the pooler's exposition (no PgBouncer needed).
@Suite struct PgBouncerMetricsTextTests {
    @Test func rowsBecomeFamiliesInSecondsAndAnUnansweredConsoleIsDown() {
        let text = PgBouncerMetricsText.render(
            pools: [
                ["database": "app", "user": "app", "cl_active": "2", "cl_waiting": "1", "sv_active": "2", "sv_idle": "0",
                 "sv_used": "0", "sv_login": "0", "maxwait": "1", "maxwait_us": "500000"],
                ["database": "we\"ird", "user": "u", "cl_active": "0", "cl_waiting": nil],
            ],
            stats: [["database": "app", "total_query_count": "42", "total_query_time": "2500000", "total_wait_time": "x"]])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("pgbouncer_up 1"))
        #expect(lines.contains("pgbouncer_pools_client_active_connections{database=\"app\",user=\"app\"} 2"))
        #expect(lines.contains("pgbouncer_pools_client_active_connections{database=\"we\\\"ird\",user=\"u\"} 0"))
        #expect(lines.contains("pgbouncer_pools_client_maxwait_seconds{database=\"app\",user=\"app\"} 1.5"))
        #expect(!lines.contains { $0.hasPrefix("pgbouncer_pools_client_waiting_connections{database=\"we") }, "NULL: no sample")
        #expect(lines.contains("# TYPE pgbouncer_stats_queries_pooled_total counter"))
        #expect(lines.contains("pgbouncer_stats_queries_pooled_total{database=\"app\"} 42"))
        #expect(lines.contains("pgbouncer_stats_queries_duration_seconds_total{database=\"app\"} 2.5"))
        #expect(!lines.contains { $0.hasPrefix("pgbouncer_stats_client_wait_seconds_total{") }, "not a number: no sample")
        #expect(PgBouncerMetricsText.render(pools: nil, stats: nil).hasSuffix("pgbouncer_up 0\n"))
    }
}
