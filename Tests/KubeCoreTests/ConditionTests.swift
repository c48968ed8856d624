import Foundation
import KubeCore
import Testing

@Suite struct ConditionTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let t1 = Date(timeIntervalSince1970: 1_700_000_600)

    @Test func newConditionGetsTransitionTime() {
        var cs: [Condition] = []
        let r1 = cs.set(Condition(type: "Ready", status: .false, reason: "Starting"), now: t0)
        #expect(r1)
        #expect(cs[type: "Ready"]?.lastTransitionTime == "2023-11-14T22:13:20Z")
    }

    @Test func unchangedStatusKeepsTransitionTime() {
        var cs: [Condition] = []
        cs.set(Condition(type: "Ready", status: .false, reason: "Starting", message: "0/3"), now: t0)
        let changed = cs.set(Condition(type: "Ready", status: .false, reason: "Starting", message: "1/3"), now: t1)
        #expect(changed)
        #expect(cs.count == 1)
        #expect(cs[type: "Ready"]?.lastTransitionTime == APITimestamp.time(t0))
        #expect(cs[type: "Ready"]?.message == "1/3")
    }

    @Test func identicalConditionReportsNoChange() {
        var cs: [Condition] = []
        cs.set(Condition(type: "Ready", status: .true, observedGeneration: 2, reason: "Up"), now: t0)
        let r2 = cs.set(Condition(type: "Ready", status: .true, observedGeneration: 2, reason: "Up"), now: t1)
        #expect(!r2)
        let r3 = cs.set(Condition(type: "Ready", status: .true, observedGeneration: 3, reason: "Up"), now: t1)
        #expect(r3)
        #expect(cs[type: "Ready"]?.lastTransitionTime == APITimestamp.time(t0))
    }

    @Test func changedStatusMovesTransitionTime() {
        var cs: [Condition] = [Condition(type: "Other", status: .true)]
        cs.set(Condition(type: "Ready", status: .false), now: t0)
        cs.set(Condition(type: "Ready", status: .true), now: t1)
        #expect(cs[type: "Ready"]?.lastTransitionTime == APITimestamp.time(t1))
        #expect(cs.isTrue("Ready"))
        #expect(cs.count == 2)
        let r4 = cs.remove(type: "Other")
        #expect(r4)
        let r5 = cs.remove(type: "Other")
        #expect(!r5)
    }

    @Test func encodesWithoutNils() throws {
        let c = Condition(type: "Ready", status: .unknown)
        #expect(String(decoding: try KubeJSON.encode(c), as: UTF8.self) == #"{"status":"Unknown","type":"Ready"}"#)
    }
}
