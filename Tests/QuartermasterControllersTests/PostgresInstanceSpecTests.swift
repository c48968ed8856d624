import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// A PostgresInstance decodes with every documented default filled, keeps what it was given
/// through a round trip, and records enum values it does not know.
@Suite("PostgresInstance spec and status")
struct PostgresInstanceSpecTests {
    func instance(_ spec: String) throws -> PostgresInstance {
        try KubeJSON.decode(
            PostgresInstance.self,
            from: Data(#"{"metadata":{"name":"pg","namespace":"ns","uid":"u"},"spec":\#(spec)}"#.utf8))
    }

    @Test func emptySpecHasTheDocumentedDefaults() throws {
        let spec = try instance("{}").spec
        #expect(spec == PostgresInstanceSpec())
        #expect(spec.postgresVersion == 16)
        #expect(spec.image == nil && spec.effectiveImage == "ghcr.io/quartermaster-dev/postgres:16")
        #expect(spec.instances == 1)
        #expect(spec.storage == .init(size: "10Gi") && spec.walStorage == nil)
        #expect(spec.resources.requests == ["cpu": "500m", "memory": "1Gi"])
        #expect(spec.resources.limits == ["cpu": "1", "memory": "1Gi"])
        #expect(spec.database == "app" && spec.owner == "app")
        #expect(spec.parameters.isEmpty && spec.pgHBA.isEmpty)
        #expect(spec.pooler == .init(enabled: false, instances: 2, poolMode: .transaction, maxClientConnections: 1000, defaultPoolSize: 20))
        #expect(spec.exposure.type == .clusterIP)
        #expect(spec.allowedNamespaces.isEmpty && spec.secretNamespaces.isEmpty)
        #expect(!spec.suspended && spec.pvcRetention == .retain && spec.metrics.enabled)
        #expect(spec.unrecognizedValues.isEmpty)
    }

    @Test func missingSpecMeansDefaults() throws {
        let pg = try KubeJSON.decode(PostgresInstance.self, from: Data(#"{"metadata":{"name":"pg"}}"#.utf8))
        #expect(pg.spec == PostgresInstanceSpec())
    }

    @Test func partialObjectsGetTheirOwnDefaults() throws {
        let spec = try instance(#"{"postgresVersion":17,"pooler":{"enabled":true},"resources":{"limits":{"cpu":2}}}"#).spec
        #expect(spec.effectiveImage == "ghcr.io/quartermaster-dev/postgres:17")
        #expect(spec.pooler.enabled && spec.pooler.instances == 2 && spec.pooler.defaultPoolSize == 20)
        // Given resources are used as written (Kubernetes' own defaulting applies), integers as strings.
        #expect(spec.resources.limits == ["cpu": "2"] && spec.resources.requests == nil)
    }

    @Test func roundTripKeepsEveryField() throws {
        let spec = PostgresInstanceSpec(
            postgresVersion: 15, image: "registry.example/pg:15", instances: 3,
            storage: .init(size: "20Gi", storageClassName: "fast"), walStorage: .init(size: "5Gi"),
            resources: .init(requests: ["cpu": "2"], limits: ["memory": "4Gi"]), database: "shop", owner: "shopper",
            parameters: ["work_mem": "64MB"], pgHBA: ["host all all 10.0.0.0/8 scram-sha-256"],
            pooler: .init(enabled: true, instances: 3, poolMode: .session, maxClientConnections: 50, defaultPoolSize: 5),
            exposure: .init(type: .loadBalancer), allowedNamespaces: ["web"], secretNamespaces: ["web"], suspended: true,
            pvcRetention: .delete, nodeSelector: ["disk": "ssd"], tolerations: [["key": "db"]], affinity: ["nodeAffinity": [:]],
            metrics: .init(enabled: false))
        let decoded = try KubeJSON.decode(PostgresInstanceSpec.self, from: KubeJSON.encode(spec))
        #expect(decoded == spec)
    }

    @Test func statusRoundTrip() throws {
        let status = PostgresInstanceStatus(
            observedGeneration: 2, phase: .ready, instances: 2, readyInstances: 2,
            selector: "quartermaster.dev/postgres-instance=pg", targetPrimary: "pg-1", currentPrimary: "pg-1",
            postgresVersion: 16,
            instancesStatus: [
                .init(name: "pg-1", role: .primary, ready: true, podIP: "10.0.0.1", timeline: 1, lsn: "0/3000148"),
                .init(name: "pg-2", role: .replica, ready: true, replicationLagBytes: 0, pendingRestart: false),
            ],
            endpoints: .init(
                rw: "pg-rw.ns.svc:5432", ro: "pg-ro.ns.svc:5432",
                uri: PostgresInstanceStatus.Endpoints.uri(owner: "app", rw: "pg-rw.ns.svc:5432", database: "app")),
            credentialsSecretRef: .init(name: "pg-app"))
        #expect(status.endpoints?.uri == "postgresql://app@pg-rw.ns.svc:5432/app")
        let decoded = try KubeJSON.decode(PostgresInstanceStatus.self, from: KubeJSON.encode(status))
        #expect(decoded == status)
    }

    @Test func anUnknownRoleReadsAsUnknown() throws {
        let s = try KubeJSON.decode(
            PostgresInstanceStatus.InstanceStatus.self, from: Data(#"{"name":"pg-1","role":"witness"}"#.utf8))
        #expect(s.role == .unknown && !s.ready)
    }

    @Test(arguments: [
        (#"{"postgresVersion":14}"#, "spec.postgresVersion: unknown value \"14\" (known: 15, 16, 17)"),
        (#"{"pvcRetention":"Someday"}"#, "spec.pvcRetention: unknown value \"Someday\""),
        (#"{"pooler":{"poolMode":"auto"}}"#, "spec.pooler.poolMode: unknown value \"auto\""),
        (#"{"exposure":{"type":"NodePort"}}"#, "spec.exposure.type: unknown value \"NodePort\""),
    ])
    func unknownEnumValuesAreRecorded(spec: String, message: String) throws {
        let decoded = try instance(spec).spec
        #expect(decoded.unrecognizedValues.count == 1)
        #expect(decoded.unrecognizedValues.first?.hasPrefix(message) == true, "\(decoded.unrecognizedValues)")
    }

    @Test func anUnknownVersionIsKeptAsWritten() throws {
        // Never silently replaced by the default: the reconciler stalls on it instead.
        #expect(try instance(#"{"postgresVersion":14}"#).spec.postgresVersion == 14)
    }

    @Test func imageFacts() {
        #expect(PostgresImage.binDirectory(major: 15) == "/usr/lib/postgresql/15/bin")
        #expect(PostgresImage.dataDirectory == "/var/lib/postgresql/data/pgdata")
        #expect(PostgresImage.walDirectory == "/var/lib/postgresql/wal/pg_wal")
        #expect(PostgresImage.userID == 999 && PostgresImage.supportedMajorVersions == [15, 16, 17])
    }
}
