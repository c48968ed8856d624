import Foundation
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// ``PostgresFailoverPlan`` as tables: time is a manual clock's instants, never the wall clock.
@Suite struct PostgresFailoverPlanTests {
    static let origin = ManualClock().now
    static let wall = Date(timeIntervalSince1970: 1_764_756_000)
    /// Just under and at the default failover delay (5 s).
    static let underDelay = Duration.seconds(4)
    static let atDelay = Duration.seconds(PostgresInstanceSpec.defaultFailoverDelay)

    static func pod(_ serial: Int, deleting: Bool = false) -> PostgresInstanceObservation.ObservedPod {
        .init(name: "pg-\(serial)", serial: serial, podIP: "10.0.0.\(serial)", ready: true, deleting: deleting)
    }
    static func primary(_ serial: Int, ready: Bool = true, lsn: String = "0/5000060") -> InstanceReport {
        InstanceReport(pod: "pg-\(serial)", role: "primary", ready: ready, timeline: 1, lsn: lsn)
    }
    static func replica(_ serial: Int, received: String?, streaming: Bool = true, fenced: Bool = false) -> InstanceReport {
        var r = InstanceReport(
            pod: "pg-\(serial)", role: "replica", ready: streaming, timeline: 1, receivedLsn: received, streaming: streaming)
        r.fenced = fenced
        return r
    }
    static func status(target: String = "pg-1", current: String? = "pg-1", fenced: [String]? = nil) -> PostgresInstanceStatus {
        var s = PostgresInstanceStatus(
            phase: .ready, targetPrimary: target, currentPrimary: current,
            instancesStatus: [.init(name: "pg-1", role: .primary, ready: true, lsn: "0/5000060")])
        s.fencedInstances = fenced
        return s
    }
    static func input(
        instances: Int = 3, status: PostgresInstanceStatus? = status(), pods: [Int] = [1, 2, 3],
        reports: [InstanceReport], unhealthyFor: Duration? = nil, suspended: Bool = false,
        annotations: [String: String] = [:]
    ) -> PostgresFailoverPlan.Input {
        let now = origin + .seconds(100)
        return PostgresFailoverPlan.Input(
            spec: PostgresInstanceSpec(instances: instances), status: status, annotations: annotations,
            pods: pods.map { pod($0) }, reports: Dictionary(reports.map { ($0.pod, $0) }, uniquingKeysWith: { a, _ in a }),
            suspended: suspended,
            tracking: unhealthyFor.map {
                .init(primary: status?.targetPrimary ?? "", since: now - $0, lastSeenLSN: "0/5000060")
            }, now: now,
            wallNow: wall)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var input: PostgresFailoverPlan.Input
        /// Expected target primary afterwards.
        var target: String?
        var fenced: [String]?
        var requeue: Bool
        var tracking: Bool
        var events: [String]
    }

    static let healthy = [primary(1), replica(2, received: "0/5000060"), replica(3, received: "0/5000000")]
    static let primaryDown = [replica(2, received: "0/5000000"), replica(3, received: "0/5000060")]

    @Test(arguments: [
        Case(
            description: "healthy: nothing", input: input(reports: healthy), target: "pg-1", fenced: nil, requeue: false,
            tracking: false, events: []),
        Case(
            description: "unhealthy, first seen: tracked, requeue only", input: input(reports: primaryDown), target: "pg-1",
            fenced: nil, requeue: true, tracking: true, events: []),
        Case(
            description: "unhealthy shorter than failoverDelay: requeue only",
            input: input(reports: primaryDown, unhealthyFor: underDelay), target: "pg-1", fenced: nil, requeue: true,
            tracking: true, events: []),
        Case(
            description: "unhealthy for failoverDelay: fence pg-1, promote the most advanced (pg-3)",
            input: input(reports: primaryDown, unhealthyFor: atDelay), target: "pg-3", fenced: ["pg-1"], requeue: true,
            tracking: true, events: ["FailingOver", "Promoted"]),
        Case(
            description: "not ready primary counts as unhealthy",
            input: input(reports: [primary(1, ready: false)] + primaryDown, unhealthyFor: atDelay), target: "pg-3",
            fenced: ["pg-1"], requeue: true, tracking: true, events: ["FailingOver", "Promoted"]),
        Case(
            description: "primary pod gone counts as unhealthy",
            input: input(pods: [2, 3], reports: primaryDown, unhealthyFor: atDelay), target: "pg-3", fenced: ["pg-1"],
            requeue: true, tracking: true, events: ["FailingOver", "Promoted"]),
        Case(
            description: "ties: the lowest serial",
            input: input(reports: [replica(2, received: "0/6000000"), replica(3, received: "0/6000000")], unhealthyFor: atDelay),
            target: "pg-2", fenced: ["pg-1"], requeue: true, tracking: true, events: ["FailingOver", "Promoted"]),
        Case(
            description: "an unreachable replica is skipped (pg-3 does not answer)",
            input: input(reports: [replica(2, received: "0/1000000")], unhealthyFor: atDelay), target: "pg-2",
            fenced: ["pg-1"], requeue: true, tracking: true, events: ["FailingOver", "Promoted"]),
        Case(
            description: "a replica that fenced itself is skipped",
            input: input(reports: [replica(2, received: "0/1000000"), replica(3, received: "0/9000000", fenced: true)], unhealthyFor: atDelay),
            target: "pg-2", fenced: ["pg-1"], requeue: true, tracking: true, events: ["FailingOver", "Promoted"]),
        Case(
            description: "no reachable replica: nothing decided, keeps checking",
            input: input(reports: [], unhealthyFor: atDelay), target: "pg-1", fenced: nil, requeue: true, tracking: true,
            events: []),
        Case(
            description: "single instance: no failover, no fast requeue",
            input: input(instances: 1, pods: [1], reports: [], unhealthyFor: atDelay), target: "pg-1", fenced: nil,
            requeue: false, tracking: false, events: []),
        Case(
            description: "suspended: nothing",
            input: input(reports: primaryDown, unhealthyFor: atDelay, suspended: true), target: "pg-1", fenced: nil,
            requeue: false, tracking: false, events: []),
        Case(
            description: "never confirmed (provisioning): nothing",
            input: input(status: status(current: nil), reports: primaryDown, unhealthyFor: atDelay), target: "pg-1",
            fenced: nil, requeue: false, tracking: false, events: []),
        Case(
            description: "failing over, the new target answers as replica: waits",
            input: input(status: status(target: "pg-3", current: "pg-1", fenced: ["pg-1"]), reports: primaryDown, unhealthyFor: atDelay),
            target: "pg-3", fenced: ["pg-1"], requeue: true, tracking: false, events: []),
        Case(
            description: "unfence: the fenced one reports replica and streaming",
            input: input(
                status: status(target: "pg-3", current: "pg-3", fenced: ["pg-1"]),
                reports: [replica(1, received: "0/7000000"), replica(2, received: "0/7000000"), primary(3)]),
            target: "pg-3", fenced: nil, requeue: false, tracking: false, events: []),
        Case(
            description: "still fenced while it does not stream",
            input: input(
                status: status(target: "pg-3", current: "pg-3", fenced: ["pg-1"]),
                reports: [replica(1, received: nil, streaming: false), replica(2, received: "0/7000000"), primary(3)]),
            target: "pg-3", fenced: ["pg-1"], requeue: false, tracking: false, events: []),
    ])
    func failover(_ c: Case) {
        let out = PostgresFailoverPlan.plan(c.input)
        #expect(out.status?.targetPrimary == c.target)
        #expect(out.status?.fencedInstances == c.fenced)
        #expect((out.requeueAfter == PostgresFailoverPlan.recheckInterval) == c.requeue)
        #expect((out.tracking != nil) == c.tracking)
        #expect(out.events.map(\.reason) == c.events)
    }

    @Test func aFailoverRecordsThePromotionAndNamesTheLSNs() throws {
        let out = PostgresFailoverPlan.plan(Self.input(reports: Self.primaryDown, unhealthyFor: Self.atDelay))
        let status = try #require(out.status)
        #expect(status.targetPrimaryTimestamp == APITimestamp.time(Self.wall))
        #expect(
            status.promotions == [
                PostgresPromotion(
                    time: APITimestamp.time(Self.wall), from: "pg-1", to: "pg-3", reason: .failover, fromLSN: "0/5000060",
                    toReceivedLSN: "0/5000060", timeline: 2)
            ])
        #expect(out.events.last?.message == "pg-3 promoted (received 0/5000060); pg-1 fenced, last seen at 0/5000060")
    }

    @Test func theTrackingStartsAgainForAnotherPrimary() {
        var input = Self.input(reports: Self.primaryDown, unhealthyFor: Self.atDelay)
        input.tracking?.primary = "pg-9"
        let out = PostgresFailoverPlan.plan(input)
        #expect(out.status?.targetPrimary == "pg-1")
        #expect(out.tracking == .init(primary: "pg-1", since: input.now, lastSeenLSN: "0/5000060"))
    }

    @Test func promotionsKeepTheNewestTen() {
        var status = Self.status()
        status.promotions = (1...10).map { PostgresPromotion(time: "t\($0)", from: "a", to: "b", reason: .switchover) }
        let out = PostgresFailoverPlan.plan(Self.input(status: status, reports: Self.primaryDown, unhealthyFor: Self.atDelay))
        #expect(out.status?.promotions?.count == PostgresPromotion.kept)
        #expect(out.status?.promotions?.first?.time == "t2")
        #expect(out.status?.promotions?.last?.to == "pg-3")
    }

    // MARK: switchover

    static let switchover = [PostgresFailoverPlan.switchoverAnnotation: "pg-2@1764756000"]

    @Test func switchoverToAReadyStreamingReplica() throws {
        let out = PostgresFailoverPlan.plan(Self.input(reports: Self.healthy, annotations: Self.switchover))
        let status = try #require(out.status)
        #expect(status.targetPrimary == "pg-2")
        #expect(status.lastSwitchoverRequest == "pg-2@1764756000")
        #expect(status.promotions?.last?.reason == .switchover)
        #expect(status.fencedInstances == nil)
        #expect(out.events.map(\.reason) == ["SwitchingOver"])
    }

    @Test func switchoverWaitsForTheTargetToStream() {
        let reports = [Self.primary(1), Self.replica(2, received: nil, streaming: false)]
        let out = PostgresFailoverPlan.plan(Self.input(reports: reports, annotations: Self.switchover))
        #expect(out.status?.targetPrimary == "pg-1")
        #expect(out.status?.lastSwitchoverRequest == nil)
        #expect(out.events.isEmpty)
    }

    @Test func switchoverWaitsWhileThePrimaryIsUnhealthy() {
        let out = PostgresFailoverPlan.plan(Self.input(reports: Self.primaryDown, annotations: Self.switchover))
        #expect(out.status?.targetPrimary == "pg-1")
        #expect(out.status?.lastSwitchoverRequest == nil)
    }

    @Test func aHandledRequestIsNotTakenAgain() {
        var status = Self.status()
        status.lastSwitchoverRequest = "pg-2@1764756000"
        let out = PostgresFailoverPlan.plan(Self.input(status: status, reports: Self.healthy, annotations: Self.switchover))
        #expect(out.status?.targetPrimary == "pg-1")
        #expect(out.events.isEmpty)
    }

    @Test(arguments: ["pg-1@1", "pg-7@1", "other"])
    func switchoverToNoReplicaIsRefusedOnce(_ request: String) {
        let out = PostgresFailoverPlan.plan(
            Self.input(reports: Self.healthy, annotations: [PostgresFailoverPlan.switchoverAnnotation: request]))
        #expect(out.status?.targetPrimary == "pg-1")
        #expect(out.status?.lastSwitchoverRequest == request)
        #expect(out.events.map(\.reason) == ["SwitchoverRefused"])
        #expect(out.events.first?.type == .warning)
    }

    @Test(arguments: [("0/5000060", UInt64(0x5000060)), ("1/0", UInt64(1) << 32), ("x/1", nil), ("0/1/2", nil), ("", nil)])
    func lsnsParse(_ text: String, _ value: UInt64?) {
        #expect(PostgresLSN.parse(text) == value)
    }
}
