import Testing

@testable import QuartermasterControllers

@Suite struct PostgresInstanceTopologyTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var existing: Set<Int>
        var instances: Int
        var target: Int?
        var serials: [Int]
        var removed: [Int]
        var primary: Int
    }

    @Test(arguments: [
        Case(description: "new, one instance", existing: [], instances: 1, target: nil, serials: [1], removed: [], primary: 1),
        Case(description: "new, three instances", existing: [], instances: 3, target: nil, serials: [1, 2, 3], removed: [], primary: 1),
        Case(description: "steady", existing: [1, 2, 3], instances: 3, target: 1, serials: [1, 2, 3], removed: [], primary: 1),
        Case(description: "scale up after max", existing: [1, 4], instances: 3, target: 1, serials: [1, 4, 5], removed: [], primary: 1),
        Case(description: "scale down keeps the primary", existing: [1, 2, 3], instances: 1, target: 3, serials: [3], removed: [1, 2], primary: 3),
        Case(description: "scale down removes the highest replica", existing: [1, 2, 3], instances: 2, target: 1, serials: [1, 2], removed: [3], primary: 1),
        Case(description: "target gone: lowest existing", existing: [2, 3], instances: 2, target: 1, serials: [2, 3], removed: [], primary: 2),
        Case(description: "unset target: oldest", existing: [5, 7], instances: 2, target: nil, serials: [5, 7], removed: [], primary: 5),
    ])
    func plan(_ c: Case) {
        let plan = PostgresInstanceTopology.plan(existing: c.existing, instances: c.instances, targetPrimary: c.target)
        #expect(plan == PostgresInstanceTopology(serials: c.serials, removed: c.removed, primary: c.primary))
    }

    @Test func names() {
        let n = PostgresInstanceNames(instance: "pg")
        #expect(n.serial(of: "pg-1") == 1)
        #expect(n.serial(of: "pg-12") == 12)
        #expect(n.serial(of: "pg-1-wal") == nil)
        #expect(n.serial(of: "pg-pooler-abc") == nil)
        #expect(n.serial(of: "pg-01") == nil)
        #expect(n.serial(of: "pg-0") == nil)
        #expect(n.serial(of: "pgx-1") == nil)
        #expect(n.serial(of: "pg-") == nil)
    }
}
