import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// ``PostgresDiskPlan`` as tables, and what ``PostgresInstanceStatusComputation/withFailover``
/// adds to a status.
@Suite struct PostgresDiskPlanTests {
    static let gi: Int64 = 1 << 30

    static func report(used: Int64, capacity: Int64 = 10 * gi, wal: PostgresVolumeUsage? = nil) -> InstanceReport {
        var r = InstanceReport(pod: "pg-1", role: "primary", ready: true)
        r.dataVolume = PostgresVolumeUsage(usedBytes: used, capacityBytes: capacity)
        r.walVolume = wal
        return r
    }
    static func claim(_ size: Quantity = "10Gi", className: String? = "fast") -> PostgresDiskPlan.Claim {
        .init(name: "pg-1", pod: "pg-1", volume: .data, request: size, storageClassName: className)
    }
    static func spec(maxSize: String?) -> PostgresInstanceSpec {
        PostgresInstanceSpec(storage: PostgresVolume(size: "10Gi", storageClassName: "fast", maxSize: maxSize))
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var spec: PostgresInstanceSpec
        var claim: PostgresDiskPlan.Claim
        var report: InstanceReport?
        var expandable: [String: Bool]
        var growTo: Quantity?
        var reason: String?
        var warning: Bool
    }

    @Test(arguments: [
        Case(
            description: "below 80%: healthy", spec: spec(maxSize: "50Gi"), claim: claim(), report: report(used: 7 * gi),
            expandable: ["fast": true], growTo: nil, reason: "VolumesHealthy", warning: false),
        Case(
            description: "80% with maxSize and an expandable class: grows by half", spec: spec(maxSize: "50Gi"),
            claim: claim(), report: report(used: 8 * gi), expandable: ["fast": true], growTo: "15Gi", reason: "Expanding",
            warning: false),
        Case(
            description: "growth is capped at maxSize", spec: spec(maxSize: "12Gi"), claim: claim(), report: report(used: 9 * gi),
            expandable: ["fast": true], growTo: "12Gi", reason: "Expanding", warning: false),
        Case(
            description: "rounded up to a whole Gi", spec: spec(maxSize: "50Gi"), claim: claim("3Gi"),
            report: report(used: 3 * gi, capacity: 3 * gi), expandable: ["fast": true], growTo: "5Gi", reason: "Expanding",
            warning: false),
        Case(
            description: "at maxSize: AtMaxSize", spec: spec(maxSize: "10Gi"), claim: claim(), report: report(used: 9 * gi),
            expandable: ["fast": true], growTo: nil, reason: "AtMaxSize", warning: true),
        Case(
            description: "class not expandable: CannotExpand", spec: spec(maxSize: "50Gi"), claim: claim(),
            report: report(used: 9 * gi), expandable: ["fast": false], growTo: nil, reason: "CannotExpand", warning: true),
        Case(
            description: "default class (unknown): CannotExpand", spec: spec(maxSize: "50Gi"), claim: claim(className: nil),
            report: report(used: 9 * gi), expandable: [:], growTo: nil, reason: "CannotExpand", warning: true),
        Case(
            description: "no maxSize: CannotExpand", spec: spec(maxSize: nil), claim: claim(), report: report(used: 9 * gi),
            expandable: ["fast": true], growTo: nil, reason: "CannotExpand", warning: true),
        Case(
            description: "file system not resized yet: Expanding, no second growth", spec: spec(maxSize: "50Gi"),
            claim: claim("15Gi"), report: report(used: 9 * gi), expandable: ["fast": true], growTo: nil, reason: "Expanding",
            warning: false),
        Case(
            description: "no figures: no condition", spec: spec(maxSize: "50Gi"), claim: claim(), report: nil,
            expandable: ["fast": true], growTo: nil, reason: nil, warning: false),
    ])
    func plan(_ c: Case) {
        let out = PostgresDiskPlan.plan(
            spec: c.spec, claims: [c.claim], reports: c.report.map { ["pg-1": $0] } ?? [:], expandable: c.expandable,
            previous: nil)
        #expect(out.growths.map(\.to) == (c.growTo.map { [$0] } ?? []))
        #expect(out.condition?.reason == c.reason)
        #expect(out.events.contains { $0.type == .warning } == c.warning)
    }

    @Test func theWarningIsRecordedWhenTheReasonIsNew() {
        let previous = Condition(type: PostgresDiskPlan.condition, status: .true, reason: "CannotExpand", message: "")
        let out = PostgresDiskPlan.plan(
            spec: Self.spec(maxSize: nil), claims: [Self.claim()], reports: ["pg-1": Self.report(used: 9 * Self.gi)],
            expandable: [:], previous: previous)
        #expect(out.condition?.reason == "CannotExpand")
        #expect(out.events.isEmpty)
    }

    @Test func theWALVolumeIsPlannedFromWalVolume() {
        let spec = PostgresInstanceSpec(walStorage: PostgresVolume(size: "2Gi", maxSize: "4Gi"))
        let wal = PostgresDiskPlan.Claim(name: "pg-1-wal", pod: "pg-1", volume: .wal, request: "2Gi", storageClassName: "fast")
        let out = PostgresDiskPlan.plan(
            spec: spec, claims: [wal],
            reports: ["pg-1": Self.report(used: 0, wal: PostgresVolumeUsage(usedBytes: 2 * Self.gi, capacityBytes: 2 * Self.gi))],
            expandable: ["fast": true], previous: nil)
        #expect(out.growths.map(\.to) == ["3Gi"])
    }

    @Test func claimNamesSayWhichVolume() {
        let names = PostgresInstanceNames(instance: "pg")
        #expect(names.claimVolume("pg-3")?.serial == 3)
        #expect(names.claimVolume("pg-3")?.volume == .data)
        #expect(names.claimVolume("pg-3-wal")?.volume == .wal)
        #expect(names.claimVolume("other-3") == nil)
    }

    @Test func aGrownClaimIsNotShrunkBackToTheSpec() {
        let names = PostgresInstanceNames(instance: "pg")
        let claim = PersistentVolumeClaim(
            metadata: ObjectMeta(name: "pg-1"), spec: PersistentVolumeClaimSpec(resources: ResourceRequirements(requests: ["storage": "15Gi"])))
        let spec = PostgresInstanceReconciler.grownSpec(
            Self.spec(maxSize: "50Gi"), claims: ["pg-1": claim], names: names, disk: PostgresDiskPlan.Output())
        #expect(spec.storage.size == "15Gi")
        let untouched = PostgresInstanceReconciler.grownSpec(
            Self.spec(maxSize: nil), claims: ["pg-1": claim], names: names, disk: PostgresDiskPlan.Output())
        #expect(untouched.storage.size == "10Gi")
    }

    // MARK: status

    @Test func theStatusShowsFailingOverUntilTheTargetReportsPrimary() {
        var planned = PostgresInstanceStatus(targetPrimary: "pg-2", currentPrimary: "pg-1")
        planned.fencedInstances = ["pg-1"]
        planned.promotions = [PostgresPromotion(time: "t", from: "pg-1", to: "pg-2", reason: .failover)]
        let computed = PostgresInstanceStatus(
            phase: .degraded, targetPrimary: "pg-2", currentPrimary: "pg-1",
            instancesStatus: [.init(name: "pg-1"), .init(name: "pg-2", role: .replica)])
        var report = InstanceReport(pod: "pg-2", role: "replica", ready: true, receivedLsn: "0/5000060")
        report.dataVolume = PostgresVolumeUsage(usedBytes: 1, capacityBytes: 2)
        let status = PostgresInstanceStatusComputation.withFailover(
            computed, planned: planned, reports: ["pg-2": report],
            diskPressure: (.false, "VolumesHealthy", "fine"), generation: 3)
        #expect(status.phase == .failingOver)
        #expect(status.conditions?[type: "Ready"]?.reason == "FailingOver")
        #expect(status.conditions?[type: "DiskPressure"]?.status == .false)
        #expect(status.fencedInstances == ["pg-1"])
        #expect(status.instancesStatus?[0].fenced == true)
        #expect(status.instancesStatus?[1].receivedLsn == "0/5000060")
        #expect(status.instancesStatus?[1].dataVolume?.capacityBytes == 2)

        var promoted = computed
        promoted.currentPrimary = "pg-2"
        promoted.phase = .ready
        let done = PostgresInstanceStatusComputation.withFailover(
            promoted, planned: planned, reports: [:], diskPressure: nil, generation: 3)
        #expect(done.phase == .ready)
        #expect(done.conditions?[type: "DiskPressure"] == nil)
    }

    @Test func reportsWithoutTheNewFieldsDecode() throws {
        let old = #"{"pod":"pg-1","role":"primary","ready":true}"#
        let report = try JSONDecoder().decode(InstanceReport.self, from: Data(old.utf8))
        #expect(report.fenced == false)
        #expect(report.dataVolume == nil)
        let new = #"{"pod":"pg-1","role":"replica","fenced":true,"dataVolume":{"usedBytes":5,"capacityBytes":10},"walVolume":{"usedBytes":1}}"#
        let full = try JSONDecoder().decode(InstanceReport.self, from: Data(new.utf8))
        #expect(full.fenced)
        #expect(full.dataVolume?.fraction == 0.5)
        #expect(full.walVolume?.capacityBytes == 0)
    }

    @Test func specDefaultsAndBounds() throws {
        let spec = try JSONDecoder().decode(PostgresInstanceSpec.self, from: Data("{}".utf8))
        #expect(spec.failoverDelay == 5)
        #expect(spec.synchronous == nil)
        let sync = try JSONDecoder().decode(
            PostgresInstanceSpec.self, from: Data(#"{"instances":2,"synchronous":{},"failoverDelay":1,"storage":{"size":"10Gi","maxSize":"5Gi"}}"#.utf8))
        #expect(sync.synchronous?.number == 1)
        #expect(sync.boundViolations.contains { $0.hasPrefix("failoverDelay") })
        #expect(sync.boundViolations.contains { $0.hasPrefix("storage.maxSize") })
        #expect(PostgresSynchronous(number: 2).violation(instances: 2) != nil)
        #expect(PostgresSynchronous(number: 1).violation(instances: 2) == nil)
        var one = PostgresInstanceSpec(instances: 1)
        one.synchronous = PostgresSynchronous(number: 1)
        let instance = PostgresInstance(metadata: ObjectMeta(name: "pg", namespace: "ns"), spec: one)
        #expect(PostgresInstanceValidation.problems(of: instance).map(\.reason) == [.invalidSynchronous])
        #expect(PostgresParameters.isOperatorControlled("synchronous_standby_names"))
        #expect(PostgresParameters.isOperatorControlled("synchronous_commit"))
    }

    @Test func theInstanceRoleGrantsThePrimaryLease() {
        let rules = PostgresInstanceRoleRules.rules(instance: "pg")
        #expect(rules.contains { $0.resources == ["leases"] && $0.resourceNames == ["pg-primary"] && $0.verbs == ["get", "update"] })
        #expect(rules.contains { $0.resources == ["leases"] && $0.resourceNames == nil && $0.verbs == ["create"] })
    }
}
