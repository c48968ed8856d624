import Foundation
import Testing

/// The analysis of what `PostgresWriters` recorded (`PostgresWriteLog`), as table tests without
/// I/O: acknowledged rows and the ones a server lacks, the downtime around a fault, and two
/// instances acknowledging at once.
@Suite("PostgresWriteLog: acknowledged rows, downtime, two writers")
struct PostgresWriteLogTests {
    static func ms(_ value: Int) -> Duration { .milliseconds(value) }

    static func log(_ commits: [(String, Int, Int)]) -> PostgresWriteLog {
        PostgresWriteLog(
            acknowledged: commits.map { instance, sequence, at in
                .init(row: .init(instance: instance, sequence: sequence), sentAt: ms(at - 10), acknowledgedAt: ms(at))
            })
    }

    @Test("acknowledged rows missing from a server are reported, unconfirmed ones are not acknowledged")
    func lostRows() {
        var log = Self.log([("pg-1", 1, 100), ("pg-1", 2, 200), ("pg-2", 1, 900)])
        log.unconfirmed = [
            .init(row: .init(instance: "pg-1", sequence: 3), sentAt: Self.ms(250), acknowledgedAt: Self.ms(6000))
        ]
        #expect(log.acknowledgedRows.count == 3)
        #expect(!log.acknowledgedRows.contains(.init(instance: "pg-1", sequence: 3)))
        let present: Set<PostgresWriteLog.Row> = [
            .init(instance: "pg-1", sequence: 1), .init(instance: "pg-2", sequence: 1),
        ]
        #expect(log.lost(present: present) == [.init(instance: "pg-1", sequence: 2)])
        #expect(log.lost(present: log.acknowledgedRows).isEmpty)
    }

    @Test(
        "downtime: the longest gap between consecutive acknowledgements from the last one before the fault",
        arguments: [
            // (acknowledgement times in ms, fault in ms, expected downtime in ms or nil)
            ([100, 200, 300, 5300, 5400], 350, 5000),
            ([100, 200, 300, 5300, 5400, 9400], 350, 5000),
            ([100, 200, 300, 5300, 5400, 11400], 350, 6000),  // a later, longer gap counts too
            ([9000, 200, 300], 350, 8700),  // order of arrival does not matter
            ([2000, 2100], 500, 1500),  // nothing before the fault: measured from the fault
            ([100, 200], 350, nil),  // writes never resumed
        ] as [([Int], Int, Int?)])
    func downtime(times: [Int], fault: Int, expected: Int?) {
        let log = Self.log(times.enumerated().map { ("pg-\($0.offset % 2 + 1)", $0.offset, $0.element) })
        #expect(log.downtime(after: Self.ms(fault)) == expected.map(Self.ms))
    }

    @Test(
        "two writers at once: two instances whose acknowledgements after the fault interleave",
        arguments: [
            // (commits (instance, ms), since ms, expected pair or nil)
            ([("pg-1", 100), ("pg-1", 200), ("pg-2", 6000), ("pg-2", 6100)], 300, nil),
            // the old primary's last acknowledgement right after the fault, before the new one's first
            ([("pg-1", 100), ("pg-1", 310), ("pg-2", 6000), ("pg-2", 6100)], 300, nil),
            // the old primary acknowledges again (thawed) while the new one writes
            ([("pg-1", 100), ("pg-2", 6000), ("pg-1", 6050), ("pg-2", 6100)], 300, ("pg-1", "pg-2")),
            ([("pg-2", 6000), ("pg-2", 6100), ("pg-1", 6100)], 300, ("pg-1", "pg-2")),  // touching counts
            // before `since` both may have written (a switchover long ago): not counted
            ([("pg-1", 100), ("pg-2", 150), ("pg-3", 6000), ("pg-3", 7000)], 300, nil),
            ([("pg-3", 6000), ("pg-1", 6500), ("pg-2", 6600), ("pg-3", 7000)], 300, ("pg-1", "pg-3")),
        ] as [([(String, Int)], Int, (String, String)?)])
    func twoWriters(commits: [(String, Int)], since: Int, expected: (String, String)?) {
        let log = Self.log(commits.enumerated().map { ($0.element.0, $0.offset, $0.element.1) })
        let pair = log.concurrentWriters(since: Self.ms(since))
        #expect(pair?.0 == expected?.0 && pair?.1 == expected?.1, "\(String(describing: pair))")
    }

    @Test("durations print in seconds with milliseconds")
    func printing() {
        #expect(PostgresWriteLog.seconds(.milliseconds(5123)) == "5.123 s")
        #expect(PostgresWriteLog.seconds(.zero) == "0.000 s")
    }
}
