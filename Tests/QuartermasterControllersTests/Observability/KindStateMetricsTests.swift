import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// The per-kind state metrics as tables: objects in, samples out (no I/O).
@Suite struct KindStateMetricsTests {
    typealias Label = StateMetricFamily.Label

    static func resource(
        _ name: String, namespace: String = "acme", phase: ResourcePhase? = nil, progress: Int? = nil,
        stages: [ResourceStage]? = nil, ready: Condition.Status? = nil, created: String? = "2026-12-04T10:00:00Z"
    ) -> Resource {
        var metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.creationTimestamp = created
        let status: ResourceStatus? =
            phase == nil && stages == nil && ready == nil
            ? nil
            : ResourceStatus(
                phase: phase, progress: progress, stages: stages,
                conditions: ready.map { [Condition(type: "Ready", status: $0)] })
        return Resource(metadata: metadata, spec: ResourceSpec(template: "ipfs-cluster-small"), status: status)
    }

    static func samples(_ families: [StateMetricFamily], _ name: String) -> [String] {
        (families.first { $0.name == name }?.samples ?? []).map { sample in
            sample.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + " \(sample.value)"
        }
    }

    @Test func objectsPerPhaseConditionsAndCreation() {
        let families = KindStateMetrics<ResourceSpec, ResourceStatus>.families(
            kind: "Resource",
            objects: [
                Self.resource("b", phase: .ready, ready: .true),
                Self.resource("a", phase: .provisioning, ready: .false),
                Self.resource("c", namespace: "zeta", phase: .ready, ready: .true),
                Self.resource("new", created: nil),
            ])
        #expect(families.map(\.name) == [
            "quartermaster_objects", "quartermaster_object_phase", "quartermaster_object_condition",
            "quartermaster_object_created_timestamp_seconds",
        ])
        #expect(Self.samples(families, "quartermaster_object_phase") == [
            "kind=Resource,namespace=acme,name=a,phase=Provisioning 1.0",
            "kind=Resource,namespace=acme,name=b,phase=Ready 1.0",
            "kind=Resource,namespace=acme,name=new,phase=Unknown 1.0",
            "kind=Resource,namespace=zeta,name=c,phase=Ready 1.0",
        ])
        #expect(Self.samples(families, "quartermaster_objects") == [
            "kind=Resource,namespace=acme,phase=Provisioning 1.0",
            "kind=Resource,namespace=acme,phase=Ready 1.0",
            "kind=Resource,namespace=acme,phase=Unknown 1.0",
            "kind=Resource,namespace=zeta,phase=Ready 1.0",
        ])
        let conditions = Self.samples(families, "quartermaster_object_condition")
        #expect(conditions.count == 12, "three conditions per object, present or not")
        #expect(conditions.prefix(3) == [
            "kind=Resource,namespace=acme,name=a,condition=Ready 0.0",
            "kind=Resource,namespace=acme,name=a,condition=Reconciling 0.0",
            "kind=Resource,namespace=acme,name=a,condition=Stalled 0.0",
        ])
        #expect(conditions.contains("kind=Resource,namespace=acme,name=b,condition=Ready 1.0"))
        #expect(conditions.contains("kind=Resource,namespace=acme,name=new,condition=Ready 0.0"))
        #expect(Self.samples(families, "quartermaster_object_created_timestamp_seconds") == [
            "kind=Resource,namespace=acme,name=a 1796378400.0",
            "kind=Resource,namespace=acme,name=b 1796378400.0",
            "kind=Resource,namespace=zeta,name=c 1796378400.0",
        ])
    }

    @Test func everyOtherConditionIsReportedByName() {
        var instance = PostgresInstance(
            metadata: ObjectMeta(name: "pg", namespace: "acme"), spec: PostgresInstanceSpec())
        instance.status = PostgresInstanceStatus(
            phase: .ready,
            conditions: [
                Condition(type: "Ready", status: .true), Condition(type: "ContinuousArchiving", status: .false),
                Condition(type: "BackupScheduled", status: .true),
            ])
        let families = KindStateMetrics<PostgresInstanceSpec, PostgresInstanceStatus>.families(
            kind: "PostgresInstance", objects: [instance])
        #expect(Self.samples(families, "quartermaster_object_condition") == [
            "kind=PostgresInstance,namespace=acme,name=pg,condition=Ready 1.0",
            "kind=PostgresInstance,namespace=acme,name=pg,condition=Reconciling 0.0",
            "kind=PostgresInstance,namespace=acme,name=pg,condition=Stalled 0.0",
            "kind=PostgresInstance,namespace=acme,name=pg,condition=BackupScheduled 1.0",
            "kind=PostgresInstance,namespace=acme,name=pg,condition=ContinuousArchiving 0.0",
        ])
    }

    @Test func noObjectsNoSamples() {
        let families = KindStateMetrics<ResourceSpec, ResourceStatus>.families(kind: "Resource", objects: [])
        #expect(families.allSatisfy { $0.samples.isEmpty })
        #expect(Resource.stageFamilies([]).allSatisfy { $0.samples.isEmpty })
    }

    @Test(arguments: [
        // (stage states in order, current stage, its state)
        ([ResourceStageState.done, .inProgress, .pending, .pending, .pending, .pending], "Allocating", "InProgress"),
        ([.done, .done, .failed, .pending, .pending, .pending], "Configuring", "Failed"),
        ([.done, .done, .done, .done, .done, .done], "Complete", "Done"),
        ([.done, .done, .done, .done, .pending, .pending], "Verifying", "Pending"),
    ])
    func theCurrentStage(states: [ResourceStageState], stage: String, state: String) {
        let stages = zip(ResourceStageName.allCases, states).map { ResourceStage(name: $0, state: $1) }
        let current = Resource.currentStage(ResourceStatus(stages: stages))
        #expect(current?.name.rawValue == stage)
        #expect(current?.state.rawValue == state)
    }

    @Test func resourcesByStageStageAndProgress() {
        let verifying = zip(ResourceStageName.allCases, [ResourceStageState.done, .done, .done, .done, .inProgress, .pending])
            .map { ResourceStage(name: $0, state: $1, startedAt: $0 == .verifying ? "2026-12-04T10:05:00Z" : nil) }
        let families = Resource.stageFamilies([
            Self.resource("ipfs", phase: .provisioning, progress: 80, stages: verifying),
            Self.resource("fresh"),
        ])
        #expect(Self.samples(families, "quartermaster_resources_by_stage") == [
            "namespace=acme,stage=Initialising 0.0", "namespace=acme,stage=Allocating 0.0",
            "namespace=acme,stage=Configuring 0.0", "namespace=acme,stage=Provisioning 0.0",
            "namespace=acme,stage=Verifying 1.0", "namespace=acme,stage=Complete 0.0",
        ])
        #expect(Self.samples(families, "quartermaster_resource_stage") == [
            "namespace=acme,name=ipfs,template=ipfs-cluster-small,stage=Verifying,state=InProgress 1.0"
        ])
        #expect(Self.samples(families, "quartermaster_resource_stage_started_timestamp_seconds") == [
            "namespace=acme,name=ipfs,stage=Verifying 1796378700.0"
        ])
        #expect(Self.samples(families, "quartermaster_resource_progress_percent") == ["namespace=acme,name=ipfs 80.0"])
    }

    @Test func tenantQuotaInBaseUnits() {
        var tenant = Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec())
        tenant.status = TenantStatus(
            namespace: "acme",
            quota: TenantQuotaStatus(
                hard: ["requests.cpu": "2", "requests.memory": "4Gi", "count/ipfsclusters.quartermaster.dev": 3],
                used: ["requests.cpu": "500m", "requests.memory": "512Mi"]))
        let bare = Tenant(metadata: ObjectMeta(name: "new"), spec: TenantSpec())
        let families = Tenant.quotaFamilies([tenant, bare])
        #expect(Self.samples(families, "quartermaster_tenant_quota_hard") == [
            "tenant=acme,namespace=acme,resource=count/ipfsclusters.quartermaster.dev 3.0",
            "tenant=acme,namespace=acme,resource=requests.cpu 2.0",
            "tenant=acme,namespace=acme,resource=requests.memory 4294967296.0",
        ])
        #expect(Self.samples(families, "quartermaster_tenant_quota_used") == [
            "tenant=acme,namespace=acme,resource=requests.cpu 0.5",
            "tenant=acme,namespace=acme,resource=requests.memory 536870912.0",
        ])
        #expect(TenantStatus(conditions: [Condition(type: "Ready", status: .false)]).phaseName == "NotReady")
        #expect(TenantStatus().phaseName == nil)
    }
}

@Suite struct PostgresStateMetricsTests {
    @Test func instancesLagAndBackups() {
        var instance = PostgresInstance(metadata: ObjectMeta(name: "pg", namespace: "acme"), spec: PostgresInstanceSpec())
        var status = PostgresInstanceStatus(
            phase: .ready, instances: 2, readyInstances: 1,
            instancesStatus: [
                .init(name: "pg-2", role: .replica, ready: false, replicationLagBytes: 4096),
                .init(name: "pg-1", role: .primary, ready: true, replicationLagBytes: -3),
                .init(name: "pg-3", role: .unknown),
            ])
        status.lastSuccessfulBackup = "2026-12-04T10:00:00Z"
        instance.status = status
        let bare = PostgresInstance(metadata: ObjectMeta(name: "new", namespace: "acme"), spec: PostgresInstanceSpec())
        let families = PostgresInstance.postgresFamilies([instance, bare])
        let samples = { KindStateMetricsTests.samples(families, $0) }
        #expect(samples("quartermaster_postgres_instances") == ["namespace=acme,name=pg 2.0"])
        #expect(samples("quartermaster_postgres_ready_instances") == ["namespace=acme,name=pg 1.0"])
        #expect(samples("quartermaster_postgres_replication_lag_bytes") == [
            "namespace=acme,name=pg,pod=pg-1,role=primary 0.0", "namespace=acme,name=pg,pod=pg-2,role=replica 4096.0",
        ])
        #expect(samples("quartermaster_postgres_last_successful_backup_timestamp_seconds") == ["namespace=acme,name=pg 1796378400.0"])
        #expect(samples("quartermaster_postgres_last_failed_backup_timestamp_seconds").isEmpty)
    }
}
