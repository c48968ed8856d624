import Testing

@testable import QuartermasterControllers

/// ``PostgresLiveFigures`` as tables, and through ``PostgresInstanceStatusComputation/withFailover``:
/// an idle instance's WAL figures do not rewrite its status.
@Suite struct PostgresLiveFiguresTests {
    struct LSNCase: Sendable, CustomStringConvertible {
        var description: String
        var reported: String?
        var previous: String?
        var expected: String?
    }

    @Test(arguments: [
        LSNCase(description: "first figure", reported: "0/3000148", previous: nil, expected: "0/3000148"),
        LSNCase(description: "a checkpoint record later", reported: "0/30001F0", previous: "0/3000148", expected: "0/3000148"),
        LSNCase(description: "just under a segment", reported: "0/3FFFFFF", previous: "0/3000000", expected: "0/3000000"),
        LSNCase(description: "a segment later", reported: "0/4000000", previous: "0/3000000", expected: "0/4000000"),
        LSNCase(description: "across the 4 GiB boundary", reported: "1/0", previous: "0/FFFFFF00", expected: "0/FFFFFF00"),
        LSNCase(description: "gone", reported: nil, previous: "0/3000000", expected: nil),
        LSNCase(description: "a stored figure that does not parse", reported: "0/3000000", previous: "junk", expected: "0/3000000"),
        LSNCase(description: "backwards by a segment (a new timeline)", reported: "0/2000000", previous: "0/3000000", expected: "0/2000000"),
    ])
    func lsn(_ c: LSNCase) {
        #expect(PostgresLiveFigures.settledLSN(c.reported, previous: c.previous) == c.expected)
    }

    struct LagCase: Sendable, CustomStringConvertible {
        var description: String
        var reported: Int?
        var previous: Int?
        var expected: Int?
    }

    @Test(arguments: [
        LagCase(description: "caught up, stays caught up", reported: 0, previous: 0, expected: 0),
        LagCase(description: "catches up", reported: 0, previous: 4096, expected: 0),
        LagCase(description: "starts to lag", reported: 72, previous: 0, expected: 72),
        LagCase(description: "lags a little more", reported: 8192, previous: 72, expected: 72),
        LagCase(description: "lags a segment more", reported: 72 + (16 << 20), previous: 72, expected: 72 + (16 << 20)),
        LagCase(description: "first figure", reported: 5, previous: nil, expected: 5),
        LagCase(description: "gone", reported: nil, previous: 5, expected: nil),
        LagCase(description: "a negative sample is caught up", reported: -96, previous: nil, expected: 0),
        LagCase(description: "caught up after a negative sample stays as it was", reported: 0, previous: -96, expected: 0),
        LagCase(description: "negative after caught up", reported: -96, previous: 0, expected: 0),
    ])
    func lag(_ c: LagCase) {
        #expect(PostgresLiveFigures.settledLag(c.reported, previous: c.previous) == c.expected)
    }

    struct VolumeCase: Sendable, CustomStringConvertible {
        var description: String
        var reported: PostgresVolumeUsage?
        var previous: PostgresVolumeUsage?
        var expected: PostgresVolumeUsage?
    }

    static let gi: Int64 = 1 << 30

    @Test(arguments: [
        VolumeCase(
            description: "moved 4% of capacity", reported: .init(usedBytes: 54 * gi / 10, capacityBytes: 10 * gi),
            previous: .init(usedBytes: 5 * gi, capacityBytes: 10 * gi), expected: .init(usedBytes: 5 * gi, capacityBytes: 10 * gi)),
        VolumeCase(
            description: "moved 5% of capacity", reported: .init(usedBytes: 55 * gi / 10, capacityBytes: 10 * gi),
            previous: .init(usedBytes: 5 * gi, capacityBytes: 10 * gi), expected: .init(usedBytes: 55 * gi / 10, capacityBytes: 10 * gi)),
        VolumeCase(
            description: "grown claim", reported: .init(usedBytes: 5 * gi, capacityBytes: 15 * gi),
            previous: .init(usedBytes: 5 * gi, capacityBytes: 10 * gi), expected: .init(usedBytes: 5 * gi, capacityBytes: 15 * gi)),
        VolumeCase(
            description: "first figure", reported: .init(usedBytes: 1, capacityBytes: 2), previous: nil,
            expected: .init(usedBytes: 1, capacityBytes: 2)),
    ])
    func volume(_ c: VolumeCase) {
        #expect(PostgresVolumeUsage.settled(c.reported, previous: c.previous) == c.expected)
    }

    @Test func anIdleInstancesStatusIsUnchangedByItsNextReport() {
        let stored = PostgresInstanceStatus(
            phase: .ready, targetPrimary: "pg-1", currentPrimary: "pg-1",
            instancesStatus: [
                .init(name: "pg-1", role: .primary, ready: true, timeline: 1, lsn: "0/3000148"),
                .init(name: "pg-2", role: .replica, ready: true, timeline: 1, lsn: "0/3000148", replicationLagBytes: 0),
            ])
        let primary = InstanceReport(pod: "pg-1", role: "primary", ready: true, timeline: 1, lsn: "0/30001F0")
        let replica = InstanceReport(
            pod: "pg-2", role: "replica", ready: true, timeline: 1, receivedLsn: "0/30001F0", replayLsn: "0/30001F0",
            replicationLagBytes: 0)
        var computed = stored
        computed.instancesStatus = [
            .init(name: "pg-1", role: .primary, ready: true, timeline: 1, lsn: primary.lsn),
            .init(name: "pg-2", role: .replica, ready: true, timeline: 1, lsn: replica.replayLsn, replicationLagBytes: 0),
        ]
        var storedWithReceived = stored
        storedWithReceived.instancesStatus?[1].receivedLsn = "0/3000148"
        let status = PostgresInstanceStatusComputation.withFailover(
            computed, planned: storedWithReceived, reports: ["pg-1": primary, "pg-2": replica], diskPressure: nil,
            generation: 1)
        #expect(status.instancesStatus == storedWithReceived.instancesStatus)
    }
}
