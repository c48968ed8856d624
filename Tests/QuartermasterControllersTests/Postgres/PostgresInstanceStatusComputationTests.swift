import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct PostgresInstanceStatusComputationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    typealias Pod = PostgresInstanceObservation.ObservedPod

    func primary(_ pod: String = "pg-1", ready: Bool = true) -> InstanceReport {
        InstanceReport(pod: pod, role: "primary", ready: ready, timeline: 1, lsn: "0/3000148", postgresVersion: 16)
    }

    func replica(_ pod: String, streaming: Bool = true) -> InstanceReport {
        InstanceReport(pod: pod, role: "replica", ready: streaming, timeline: 1, replayLsn: "0/3000100", replicationLagBytes: 72, streaming: streaming)
    }

    func compute(
        _ instance: PostgresInstance, _ observation: PostgresInstanceObservation, target: String? = "pg-1"
    ) -> PostgresInstanceStatus {
        PostgresInstanceStatusComputation.compute(instance: instance, observation: observation, targetPrimary: target, now: now)
    }

    func condition(_ status: PostgresInstanceStatus, _ type: String) -> Condition? {
        status.conditions?.first { $0.type == type }
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var instances: Int
        var pods: [String]
        var reports: [InstanceReport]
        var previousPhase: PostgresInstanceStatus.Phase?
        var phase: PostgresInstanceStatus.Phase
        var currentPrimary: String?
        var readyInstances: Int
    }

    static let p1 = InstanceReport(pod: "pg-1", role: "primary", ready: true, postgresVersion: 16)
    static let r2 = InstanceReport(pod: "pg-2", role: "replica", ready: true, streaming: true)
    static let r2NotStreaming = InstanceReport(pod: "pg-2", role: "replica", ready: false, streaming: false)

    @Test(arguments: [
        Case(description: "no pods: Pending", instances: 1, pods: [], reports: [], phase: .pending, currentPrimary: nil, readyInstances: 0),
        Case(description: "pod without report", instances: 1, pods: ["pg-1"], reports: [], phase: .provisioning, currentPrimary: nil, readyInstances: 0),
        Case(description: "primary ready", instances: 1, pods: ["pg-1"], reports: [p1], phase: .ready, currentPrimary: "pg-1", readyInstances: 1),
        Case(description: "replica missing", instances: 2, pods: ["pg-1"], reports: [p1], phase: .provisioning, currentPrimary: "pg-1", readyInstances: 1),
        Case(description: "replica not streaming", instances: 2, pods: ["pg-1", "pg-2"], reports: [p1, r2NotStreaming], phase: .provisioning, currentPrimary: "pg-1", readyInstances: 1),
        Case(description: "all streaming", instances: 2, pods: ["pg-1", "pg-2"], reports: [p1, r2], phase: .ready, currentPrimary: "pg-1", readyInstances: 2),
        Case(description: "was ready, replica lost", instances: 2, pods: ["pg-1", "pg-2"], reports: [p1, r2NotStreaming], previousPhase: .ready, phase: .degraded, currentPrimary: "pg-1", readyInstances: 1),
    ])
    func phases(_ c: Case) {
        var instance = PostgresSamples.instance { $0.instances = c.instances }
        if let previous = c.previousPhase {
            instance.status = PostgresInstanceStatus()
            instance.status?.phase = previous
        }
        let observation = PostgresInstanceObservation(
            pods: c.pods.enumerated().map { Pod(name: $1, serial: $0 + 1, podIP: "10.0.0.\($0 + 1)") },
            claimSerials: Array(1...max(1, c.pods.count)),
            reports: Dictionary(uniqueKeysWithValues: c.reports.map { ($0.pod, $0) }), credentialsExist: true)
        let s = compute(instance, observation)
        #expect(s.phase == c.phase)
        #expect(s.currentPrimary == c.currentPrimary)
        #expect(s.targetPrimary == "pg-1")
        #expect(s.readyInstances == c.readyInstances)
        #expect(s.instances == c.pods.count)
        #expect(condition(s, "Ready")?.status == (c.phase == .ready ? .true : .false))
        #expect(condition(s, "Ready")?.observedGeneration == 1)
        #expect(condition(s, "Reconciling")?.status == (c.phase == .ready ? .false : .true))
        #expect(condition(s, "Stalled")?.status == .false)
    }

    @Test func reportsFillInstancesStatusAndEndpoints() throws {
        let instance = PostgresSamples.instance { $0.instances = 2; $0.pooler.enabled = true }
        let s = compute(instance, PostgresInstanceObservation(
            pods: [Pod(name: "pg-1", serial: 1, podIP: "10.0.0.1"), Pod(name: "pg-2", serial: 2, podIP: "10.0.0.2")],
            claimSerials: [1, 2], reports: ["pg-1": primary(), "pg-2": replica("pg-2")], credentialsExist: true))
        #expect(s.instancesStatus == [
            .init(name: "pg-1", role: .primary, ready: true, podIP: "10.0.0.1", timeline: 1, lsn: "0/3000148", replicationLagBytes: nil, pendingRestart: false),
            .init(name: "pg-2", role: .replica, ready: true, podIP: "10.0.0.2", timeline: 1, lsn: "0/3000100", replicationLagBytes: 72, pendingRestart: false),
        ])
        #expect(s.endpoints == .init(
            rw: "pg-rw.ns.svc:5432", ro: "pg-ro.ns.svc:5432", pooler: "pg-pooler.ns.svc:5432",
            uri: "postgresql://app@pg-rw.ns.svc:5432/app"))
        #expect(s.credentialsSecretRef?.name == "pg-app")
        #expect(s.postgresVersion == 16)
        #expect(s.selector == "app.kubernetes.io/component=instance,app.kubernetes.io/instance=pg,app.kubernetes.io/name=postgresql")
    }

    @Test func currentPrimaryWaitsForTheTargetsReport() {
        var instance = PostgresSamples.instance { $0.instances = 2 }
        instance.status = PostgresInstanceStatus()
        instance.status?.currentPrimary = "pg-1"
        // pg-2 is the target but still reports replica: pg-1 stays current.
        let s = compute(instance, PostgresInstanceObservation(
            pods: [Pod(name: "pg-1", serial: 1), Pod(name: "pg-2", serial: 2)], claimSerials: [1, 2],
            reports: ["pg-1": primary(), "pg-2": replica("pg-2")]), target: "pg-2")
        #expect(s.currentPrimary == "pg-1")
        #expect(s.targetPrimary == "pg-2")
        let promoted = compute(instance, PostgresInstanceObservation(
            pods: [Pod(name: "pg-1", serial: 1), Pod(name: "pg-2", serial: 2)], claimSerials: [1, 2],
            reports: ["pg-2": primary("pg-2")]), target: "pg-2")
        #expect(promoted.currentPrimary == "pg-2")
    }

    @Test(arguments: [
        PostgresInstanceProblem(reason: .invalidParameters, message: "port is set by the operator"),
        PostgresInstanceProblem(reason: .majorVersionChange, message: "15 → 16"),
        PostgresInstanceProblem(reason: .secretConflict, message: "Secret pg-app exists"),
    ])
    func problemsStall(_ problem: PostgresInstanceProblem) {
        var instance = PostgresSamples.instance(generation: 3)
        instance.status = PostgresInstanceStatus()
        instance.status?.postgresVersion = 15
        let s = compute(instance, PostgresInstanceObservation(problems: [problem]), target: nil)
        #expect(s.phase == .failed)
        #expect(s.postgresVersion == 15)
        #expect(condition(s, "Stalled")?.status == .true)
        #expect(condition(s, "Stalled")?.reason == problem.reason.rawValue)
        #expect(condition(s, "Stalled")?.observedGeneration == 3)
        #expect(condition(s, "Ready")?.status == .false)
        #expect(condition(s, "Reconciling")?.status == .false)
    }

    @Test func suspendedAndPodDisruptionBudgetNotServed() {
        let suspended = compute(PostgresSamples.instance { $0.suspended = true; $0.instances = 2 },
            PostgresInstanceObservation(claimSerials: [1, 2], podDisruptionBudgetServed: false))
        #expect(suspended.phase == .suspended)
        #expect(condition(suspended, "PodDisruptionBudget") == nil)
        let running = compute(PostgresSamples.instance { $0.instances = 2 },
            PostgresInstanceObservation(pods: [Pod(name: "pg-1", serial: 1)], podDisruptionBudgetServed: false))
        #expect(condition(running, "PodDisruptionBudget")?.status == .false)
        #expect(condition(running, "PodDisruptionBudget")?.reason == "NotServed")
    }

    @Test func majorVersionChangeIsAProblem() {
        var instance = PostgresSamples.instance { $0.postgresVersion = 17 }
        #expect(PostgresInstanceValidation.problems(of: instance).isEmpty)
        instance.status = PostgresInstanceStatus()
        instance.status?.postgresVersion = 16
        #expect(PostgresInstanceValidation.problems(of: instance).map(\.reason) == [.majorVersionChange])
    }
}
