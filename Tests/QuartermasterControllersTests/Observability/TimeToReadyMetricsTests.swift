import Foundation
import KubeCore
import KubeRuntime
import Prometheus
import Testing

@testable import QuartermasterControllers

@Suite struct TimeToReadyMetricsTests {
    static let created = "2026-12-04T10:00:00Z"
    static let now = Date(timeIntervalSince1970: 1_796_378_400 + 95)

    static func resource(_ status: ResourceStatus?, created: String? = created) -> Resource {
        var metadata = ObjectMeta(name: "r", namespace: "acme")
        metadata.creationTimestamp = created
        return Resource(metadata: metadata, spec: ResourceSpec(template: "small-storage"), status: status)
    }

    @Test(arguments: [
        (nil, 95.0),
        (ResourcePhase.pending, 95.0),
        (.provisioning, 95.0),
        (.degraded, nil),
        (.suspended, nil),
        (.failed, nil),
    ] as [(ResourcePhase?, Double?)])
    func aResourceIsCountedOnlyOnItsFirstReady(phase: ResourcePhase?, seconds: Double?) {
        let replaced = phase.map { ResourceStatus(phase: $0) }
        #expect(TimeToReadyMetrics.secondsToFirstReady(Self.resource(replaced), now: Self.now) == seconds)
    }

    @Test func aTenantIsNeverCounted() {
        let tenant = Tenant(metadata: ObjectMeta(name: "t"), spec: TenantSpec())
        #expect(TimeToReadyMetrics.secondsToFirstReady(tenant, now: Self.now) == nil)
    }

    @Test func noCreationTimeOrAFutureOneIsNotCounted() {
        #expect(TimeToReadyMetrics.secondsToFirstReady(Self.resource(nil, created: nil), now: Self.now) == nil)
        #expect(TimeToReadyMetrics.secondsToFirstReady(Self.resource(nil, created: "2026-12-04T11:00:00Z"), now: Self.now) == nil)
    }

    @Test func eachKindSaysWhenItWasReadyBefore() {
        #expect(!TenantStatus(conditions: [Condition(type: "Ready", status: .false, reason: "Provisioning")]).isBeforeFirstReady)
        #expect(IPFSClusterStatus(phase: .provisioning).isBeforeFirstReady)
        #expect(!IPFSClusterStatus(phase: .degraded).isBeforeFirstReady)
        #expect(PostgresInstanceStatus(phase: .recovering).isBeforeFirstReady)
        #expect(!PostgresInstanceStatus(phase: .failingOver).isBeforeFirstReady)
        #expect(!PostgresBackupStatus().isBeforeFirstReady)
        var deploying = AppDeploymentStatus()
        deploying.phase = .deploying
        #expect(deploying.isBeforeFirstReady)
        deploying.history = [
            .init(revision: 1, image: "a", digest: "sha256:1", templateHash: "h", outcome: .superseded),
            .init(revision: 2, image: "b", digest: "sha256:2", templateHash: "h", outcome: .deploying),
        ]
        #expect(!deploying.isBeforeFirstReady, "its first revision was rolled out before")
    }

    @Test func theHistogramHasOneObservationPerFirstReady() {
        let registry = PrometheusCollectorRegistry()
        let metrics = TimeToReadyMetrics(registry: registry, kind: "Resource", now: { Self.now })
        metrics.becameReady(Self.resource(ResourceStatus(phase: .provisioning)))
        metrics.becameReady(Self.resource(ResourceStatus(phase: .degraded)))
        let text = registry.emitToString()
        #expect(text.contains(#"quartermaster_time_to_ready_seconds_count{kind="Resource"} 1"#), "\(text)")
        #expect(text.contains(#"quartermaster_time_to_ready_seconds_bucket{kind="Resource",le="60.0"} 0"#), "\(text)")
        #expect(text.contains(#"quartermaster_time_to_ready_seconds_bucket{kind="Resource",le="120.0"} 1"#), "\(text)")
    }
}
