import KubeCore
import PostgresInstanceManager
import Testing

@Suite("InstanceSettings: read from the PostgresInstance JSON")
struct InstanceSettingsTests {
    @Test("absent fields take the contract's defaults")
    func defaults() async throws {
        let source = InMemoryInstanceSpecSource(["metadata": ["name": "pg", "namespace": "ns"]])
        let s = try await source.settings()
        #expect(s == InstanceSettings(name: "pg", namespace: "ns"))
        #expect(s.database == "app" && s.owner == "app" && s.postgresVersion == 16)
        #expect(
            s.pooler
                == PoolerSettings(
                    enabled: false, instances: 2, poolMode: "transaction", maxClientConnections: 1000,
                    defaultPoolSize: 20))
        #expect(s.isPrimary(pod: "pg-1"))
        #expect(!s.isPrimary(pod: "pg-2"))
        #expect(s.primaryPodIP == nil)
        #expect(s.readWriteServiceHost == "pg-rw.ns.svc")
    }

    @Test("every contract field is read by its JSON name")
    func fields() throws {
        let object: JSONValue = [
            "metadata": ["name": "db", "namespace": "team"],
            "spec": [
                "database": "main", "owner": "alice", "postgresVersion": 15,
                "parameters": ["work_mem": "8MB", "max_connections": 200, "jit": false],
                "pgHBA": ["hostssl main alice 10.0.0.0/8 scram-sha-256"],
                "pooler": [
                    "enabled": true, "instances": 3, "poolMode": "session", "maxClientConnections": 50,
                    "defaultPoolSize": 7,
                ],
            ],
            "status": [
                "targetPrimary": "db-2", "currentPrimary": "db-1",
                "instancesStatus": [
                    ["name": "db-1", "podIP": "10.0.0.1"], ["name": "db-2", "podIP": "10.0.0.2"], ["name": "db-3"],
                ],
            ],
        ]
        let s = try InstanceSettings.decode(from: object)
        #expect(s.database == "main")
        #expect(s.owner == "alice")
        #expect(s.postgresVersion == 15)
        #expect(s.parameters == ["work_mem": "8MB", "max_connections": "200", "jit": "off"])
        #expect(s.pgHBA == ["hostssl main alice 10.0.0.0/8 scram-sha-256"])
        #expect(
            s.pooler
                == PoolerSettings(
                    enabled: true, instances: 3, poolMode: "session", maxClientConnections: 50, defaultPoolSize: 7))
        #expect(s.targetPrimary == "db-2")
        #expect(s.currentPrimary == "db-1")
        #expect(s.podIPs == ["db-1": "10.0.0.1", "db-2": "10.0.0.2"])
        // The confirmed primary's address wins while a switchover is pending.
        #expect(s.primaryPodIP == "10.0.0.1")
        #expect(s.isPrimary(pod: "db-2"))
        #expect(!s.isPrimary(pod: "db-1"))
        #expect(s.instanceNames == ["db-1", "db-2", "db-3"])
        #expect(s.primaryPod == "db-1")
        #expect(s.failoverDelay == 5)
        #expect(s.synchronousNumber == nil)
        #expect(s.fencedInstances == [])
    }

    @Test("failover fields: failoverDelay (at least 2), synchronous.number, fencedInstances")
    func failoverFields() throws {
        let object: JSONValue = [
            "metadata": ["name": "db"],
            "spec": ["failoverDelay": 9, "synchronous": ["number": 2]],
            "status": ["fencedInstances": ["db-1"], "targetPrimary": "db-2"],
        ]
        let s = try InstanceSettings.decode(from: object)
        #expect(s.failoverDelay == 9)
        #expect(s.leaseDuration == .seconds(s.failoverDelay))
        #expect(s.synchronousNumber == 2)
        #expect(s.fencedInstances == ["db-1"])
        var low = object
        low["spec"] = ["failoverDelay": 1]
        #expect(try InstanceSettings.decode(from: low).failoverDelay == 2)
        var wrong = object
        wrong["spec"] = ["synchronous": ["number": "1"]]
        #expect(throws: InstanceSettingsError.self) { try InstanceSettings.decode(from: wrong) }
    }

    @Test(
        "wrong types and a missing name are errors",
        arguments: [
            ["spec": ["database": 1]], ["spec": ["parameters": ["a": ["b"]]]], ["spec": ["parameters": "x"]],
            ["spec": ["pgHBA": "x"]], ["spec": ["postgresVersion": "16"]], ["status": ["targetPrimary": 1]],
        ] as [JSONValue])
    func refused(_ partial: JSONValue) {
        var object = partial
        object["metadata"] = ["name": "pg"]
        #expect(throws: InstanceSettingsError.self) { try InstanceSettings.decode(from: object) }
        #expect(throws: InstanceSettingsError.self) { try InstanceSettings.decode(from: ["spec": [:]]) }
    }

    @Test("the source's failure is the caller's")
    func unavailable() async {
        let source = InMemoryInstanceSpecSource(nil)
        await #expect(throws: InMemoryInstanceSpecSource.Unavailable.self) { try await source.settings() }
    }
}
