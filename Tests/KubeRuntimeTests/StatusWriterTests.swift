import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Synchronization
import Testing

struct TrinketSpec: DefaultedCustomResourceSpec, Equatable {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", kind: "Trinket", plural: "trinkets", namespaced: true)
    var size = 1
    init() {}
}

struct TrinketStatus: ConditionedStatus {
    var phase: String?
    var conditions: [Condition]?
}

typealias Trinket = CustomResource<TrinketSpec, TrinketStatus>

@Suite struct StatusWriterTests {
    static let statusPath = "/apis/example.com/v1/namespaces/ns/trinkets/g/status"

    static func trinket(_ status: TrinketStatus?) -> Trinket {
        var meta = ObjectMeta(name: "g", namespace: "ns")
        meta.uid = "uid-g"
        meta.resourceVersion = "5"
        return Trinket(metadata: meta, status: status)
    }

    static func status(ready: Condition.Status, stalled: Condition.Status, reason: String = "Broken") -> TrinketStatus {
        TrinketStatus(
            phase: "P",
            conditions: [
                Condition(type: "Ready", status: ready, reason: ready == .true ? "Ready" : reason, message: "ready msg"),
                Condition(type: "Stalled", status: stalled, reason: reason, message: "stalled msg"),
            ])
    }

    static let wording = StatusEventWording(
        ready: { .init(reason: "Ready", message: "ready: \($0.message ?? "")") },
        stalled: { .init(reason: "Stuck" + ($0.reason ?? ""), message: $0.message ?? "") },
        refused: { (reason: $0?.reason ?? "Stalled", explanation: $0?.message) })

    /// Answers the status PUT with `code` (the object echoed back on 200) and accepts Events.
    static func transport(statusCode code: Int) -> ScriptedTransport {
        let t = EventRecorderTests.eventAPI()
        t.on { req in
            guard req.method == .put, req.path == statusPath else { return nil }
            switch code {
            case 200: return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: req.body ?? Data())
            case 409: return FakeLeaseAPI.status(409, "Conflict", "the object has been modified")
            case 404: return FakeLeaseAPI.status(404, "NotFound", "trinkets \"g\" not found")
            default: return FakeLeaseAPI.status(422, "Invalid", "spec.size: Invalid value")
            }
        }
        return t
    }

    /// Writes `new` over `old` against a server answering `code`; the outcome, the status PUTs
    /// and the Events recorded (type, reason, message).
    static func write(
        _ new: TrinketStatus, over old: TrinketStatus?, statusCode code: Int = 200, wording: StatusEventWording = Self.wording
    ) async throws -> (outcome: StatusWriter.Outcome, puts: [HTTPRequest], events: [String]) {
        let t = transport(statusCode: code)
        let client = KubeClient(transport: t)
        let recorder = EventRecorder(client: client, component: "test", instance: "i")
        let writer = StatusWriter(client: client, events: recorder)
        let outcome = try await writer.write(new, of: trinket(old), wording: wording)
        await recorder.flush()
        let events = try t.writes.filter { $0.method == .post }.map { r in
            let e = try EventRecorderTests.decodeEvent(r)
            return "\(e.type ?? "") \(e.reason ?? ""): \(e.message ?? "")"
        }
        return (outcome, t.writes.filter { $0.method == .put }, events)
    }

    @Test func anUnchangedStatusSendsNothing() async throws {
        let s = Self.status(ready: .true, stalled: .false)
        let r = try await Self.write(s, over: s)
        #expect(r.outcome == .unchanged)
        #expect(r.puts.isEmpty)
        #expect(r.events.isEmpty)
        #expect(r.outcome.result(otherwise: .requeueAfter(.milliseconds(7))) == .requeueAfter(.milliseconds(7)))
    }

    @Test func aChangedStatusIsReplacedWithTheObjectAsRead() async throws {
        let new = Self.status(ready: .false, stalled: .false)
        let r = try await Self.write(new, over: nil)
        #expect(r.outcome == .written)
        let put = try #require(r.puts.first)
        #expect(r.puts.count == 1)
        let sent = try KubeJSON.decode(Trinket.self, from: try #require(put.body))
        #expect(sent.status == new)
        #expect(sent.metadata.resourceVersion == "5", "the write is guarded by the version it was computed from")
        #expect(r.events.isEmpty, "neither Ready nor Stalled became True")
    }

    struct TransitionRow: Sendable, CustomTestStringConvertible {
        var name: String
        var old: TrinketStatus?
        var new: TrinketStatus
        var events: [String]
        var testDescription: String { name }
    }

    static let transitionRows: [TransitionRow] = [
        TransitionRow(
            name: "becoming ready", old: status(ready: .false, stalled: .false), new: status(ready: .true, stalled: .false),
            events: ["Normal Ready: ready: ready msg"]),
        TransitionRow(
            name: "ready from no status", old: nil, new: status(ready: .true, stalled: .false),
            events: ["Normal Ready: ready: ready msg"]),
        TransitionRow(
            name: "staying ready while something else changes",
            old: status(ready: .true, stalled: .false),
            new: TrinketStatus(phase: "Q", conditions: status(ready: .true, stalled: .false).conditions), events: []),
        TransitionRow(
            name: "stalling", old: status(ready: .false, stalled: .false), new: status(ready: .false, stalled: .true),
            events: ["Warning StuckBroken: stalled msg"]),
        TransitionRow(
            name: "stalled for another reason", old: status(ready: .false, stalled: .true, reason: "A"),
            new: status(ready: .false, stalled: .true, reason: "B"), events: ["Warning StuckB: stalled msg"]),
        TransitionRow(
            name: "stalled for the same reason, message changed",
            old: status(ready: .false, stalled: .true),
            new: TrinketStatus(phase: "other", conditions: status(ready: .false, stalled: .true).conditions), events: []),
    ]

    @Test(arguments: transitionRows)
    func eventsOnlyOnTransitions(_ row: TransitionRow) async throws {
        let r = try await Self.write(row.new, over: row.old)
        #expect(r.outcome == .written)
        #expect(r.events == row.events)
    }

    /// ``wording`` plus a kind's own rule: a `Normal` `Paused` Event when the `Ready` reason
    /// becomes `Paused`, and a `Warning` `Seen` Event naming how many conditions each side had.
    static let wordingWithOwnTransitions = StatusEventWording(
        ready: wording.ready, stalled: wording.stalled, refused: wording.refused,
        otherTransitions: { old, new in
            var events: [StatusEventWording.Event] = []
            if new[type: "Ready"]?.reason == "Paused", old[type: "Ready"]?.reason != "Paused" {
                events.append(.init(type: .normal, reason: "Paused", message: "paused"))
            }
            events.append(.init(type: .warning, reason: "Seen", message: "\(old.count) -> \(new.count)"))
            return events
        })

    @Test func aKindsOwnTransitionsAreRecordedAfterTheSharedOnes() async throws {
        let paused = Self.status(ready: .false, stalled: .true, reason: "Paused")
        let r = try await Self.write(paused, over: nil, wording: Self.wordingWithOwnTransitions)
        #expect(r.outcome == .written)
        #expect(r.events == ["Warning StuckPaused: stalled msg", "Normal Paused: paused", "Warning Seen: 0 -> 2"])

        let again = try await Self.write(
            TrinketStatus(phase: "other", conditions: paused.conditions), over: paused, wording: Self.wordingWithOwnTransitions)
        #expect(again.events == ["Warning Seen: 2 -> 2"], "judged against the status just replaced")

        let unchanged = try await Self.write(paused, over: paused, wording: Self.wordingWithOwnTransitions)
        #expect(unchanged.outcome == .unchanged)
        #expect(unchanged.events.isEmpty, "nothing written, nothing recorded")

        let conflicted = try await Self.write(paused, over: nil, statusCode: 409, wording: Self.wordingWithOwnTransitions)
        #expect(conflicted.events.isEmpty)
    }

    @Test(arguments: [(409, StatusWriter.Outcome.conflicted, ReconcileResult.requeue), (404, .gone, .done)])
    func aConflictOrAGoneObjectRecordsNothing(code: Int, outcome: StatusWriter.Outcome, result: ReconcileResult)
        async throws
    {
        let r = try await Self.write(Self.status(ready: .true, stalled: .false), over: nil, statusCode: code)
        #expect(r.outcome == outcome)
        #expect(r.outcome.result(otherwise: .requeueAfter(.milliseconds(7))) == result)
        #expect(r.puts.count == 1)
        #expect(r.events.isEmpty)
    }

    @Test func aRefusedStatusIsAWarningEventInstead() async throws {
        let r = try await Self.write(Self.status(ready: .false, stalled: .true, reason: "InvalidSpec"), over: nil, statusCode: 422)
        guard case .refused(let message) = r.outcome else {
            Issue.record("expected refused, got \(r.outcome)")
            return
        }
        #expect(message.contains("spec.size: Invalid value"))
        #expect(r.outcome.result() == .done)
        #expect(r.events == ["Warning InvalidSpec: stalled msg; the status cannot be written: \(message)"])
    }

    @Test func aRefusedStatusWithoutAnExplanationSaysOnlyThat() {
        #expect(
            StatusEventWording.refusalMessage(explanation: nil, server: "bad") == "the status cannot be written: bad")
        #expect(
            StatusEventWording.refusalMessage(explanation: "why", server: "bad") == "why; the status cannot be written: bad")
    }

    @Test func withoutARecorderTheStatusIsStillWritten() async throws {
        let t = Self.transport(statusCode: 200)
        let writer = StatusWriter(client: KubeClient(transport: t), events: nil)
        let outcome = try await writer.write(Self.status(ready: .true, stalled: .false), of: Self.trinket(nil), wording: Self.wording)
        #expect(outcome == .written)
        #expect(t.writes.count == 1)
    }

    /// Remembers the statuses it was told about.
    final class ReadyLog: ReadinessObserver {
        let told = Mutex<[String?]>([])
        func becameReady<Spec: CustomResourceSpec, Status: ConditionedStatus>(_ object: CustomResource<Spec, Status>) {
            told.withLock { $0.append((object.status as? TrinketStatus)?.phase ?? "none") }
        }
    }

    @Test func theReadinessObserverIsToldOfEachWriteThatMadeTheObjectReady() async throws {
        let log = ReadyLog()
        let writer = StatusWriter(client: KubeClient(transport: Self.transport(statusCode: 200)), events: nil, readiness: log)
        var notReady = Self.status(ready: .false, stalled: .false)
        notReady.phase = "Provisioning"
        let ready = Self.status(ready: .true, stalled: .false)
        _ = try await writer.write(notReady, of: Self.trinket(nil), wording: Self.wording)
        _ = try await writer.write(ready, of: Self.trinket(notReady), wording: Self.wording)
        var readyAgain = ready
        readyAgain.phase = "Q"
        _ = try await writer.write(readyAgain, of: Self.trinket(ready), wording: Self.wording)
        #expect(log.told.withLock { $0 } == ["Provisioning"], "told once, with the status replaced")
        // A write the server refused made nothing Ready.
        let refused = StatusWriter(client: KubeClient(transport: Self.transport(statusCode: 409)), events: nil, readiness: log)
        #expect(try await refused.write(ready, of: Self.trinket(notReady), wording: Self.wording) == .conflicted)
        #expect(log.told.withLock { $0.count } == 1)
    }
}
