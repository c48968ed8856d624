import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Logging
import Synchronization
import Testing

@testable import KubeRuntime

/// A namespaced kind for the tests.
struct EventTestWidget: KubeResource {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", kind: "EventTestWidget", plural: "widgets", namespaced: true)
    var metadata: ObjectMeta
}

/// A cluster-scoped kind for the tests.
struct EventTestClusterWidget: KubeResource {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", kind: "EventTestClusterWidget", plural: "clusterwidgets", namespaced: false)
    var metadata: ObjectMeta
}

/// A clock the test moves by hand.
final class EventTestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Collects log lines.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }
    func logger(_ label: String = "test", level: Logger.Level = .debug) -> Logger {
        Logger(label: label) { JSONLogHandler(label: $0, level: level, sink: self.sink) }
    }
}

@Suite struct EventRecorderTests {
    static func widget(_ name: String = "w1") -> EventTestWidget {
        var meta = ObjectMeta(name: name, namespace: "team-a")
        meta.uid = "uid-\(name)"
        meta.resourceVersion = "42"
        return EventTestWidget(metadata: meta)
    }

    /// A transport that creates events (echoing them back) and patches them.
    static func eventAPI(failCreates: Bool = false) -> ScriptedTransport {
        let t = ScriptedTransport()
        t.on { req in
            guard req.path.hasPrefix("/api/v1/namespaces/"), req.path.contains("/events") else { return nil }
            switch req.method {
            case .post:
                if failCreates { return FakeLeaseAPI.status(500, "InternalError", "etcd is sad") }
                return HTTPResponse(status: 201, headers: [:], body: req.body ?? Data())
            case .patch:
                let name = String(req.path.split(separator: "/").last ?? "")
                let e = Event(metadata: ObjectMeta(name: name), involvedObject: ObjectReference())
                return FakeLeaseAPI.json(200, e)
            default: return nil
            }
        }
        return t
    }

    static func decodeEvent(_ r: HTTPRequest) throws -> Event {
        try KubeJSON.decode(Event.self, from: try #require(r.body))
    }

    static func decodePatch(_ r: HTTPRequest) throws -> [String: JSONValue] {
        let v = try KubeJSON.decode(JSONValue.self, from: try #require(r.body))
        guard case .object(let o) = v else { throw CancellationError() }
        return o
    }

    @Test func createsAnEventAboutTheObject() async throws {
        let t = Self.eventAPI()
        let clock = EventTestClock()
        let recorder = EventRecorder(
            client: KubeClient(transport: t), component: "quartermaster", instance: "pod-1", now: { clock.now })
        recorder.record(Self.widget(), type: .warning, reason: "QuotaExceeded", message: "over by 3", action: "Reconcile")
        await recorder.flush()
        let writes = t.writes
        #expect(writes.count == 1)
        let post = try #require(writes.first)
        #expect(post.method == .post)
        #expect(post.path == "/api/v1/namespaces/team-a/events")
        let e = try Self.decodeEvent(post)
        #expect(
            e.involvedObject
                == ObjectReference(
                    apiVersion: "example.com/v1", kind: "EventTestWidget", namespace: "team-a", name: "w1", uid: "uid-w1",
                    resourceVersion: "42"))
        #expect(e.type == "Warning")
        #expect(e.reason == "QuotaExceeded")
        #expect(e.message == "over by 3")
        #expect(e.count == 1)
        #expect(e.firstTimestamp == "2023-11-14T22:13:20Z")
        #expect(e.lastTimestamp == e.firstTimestamp)
        #expect(e.source == EventSource(component: "quartermaster", host: "pod-1"))
        #expect(e.reportingComponent == "quartermaster")
        #expect(e.reportingInstance == "pod-1")
        #expect(e.action == "Reconcile")
        #expect(e.metadata.namespace == "team-a")
        #expect(e.metadata.name?.hasPrefix("w1.") == true)
    }

    @Test func repeatsPatchCountAndLastTimestamp() async throws {
        let t = Self.eventAPI()
        let clock = EventTestClock()
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm", now: { clock.now })
        let w = Self.widget()
        recorder.record(w, type: .normal, reason: "Synced", message: "all good")
        await recorder.flush()
        clock.advance(10)
        recorder.record(w, type: .normal, reason: "Synced", message: "all good")
        clock.advance(10)
        recorder.record(w, type: .normal, reason: "Synced", message: "all good")
        await recorder.flush()

        let writes = t.writes
        #expect(writes.map(\.method) == [.post, .patch, .patch])
        let name = try #require(try Self.decodeEvent(writes[0]).metadata.name)
        #expect(writes[1].path == "/api/v1/namespaces/team-a/events/\(name)")
        #expect(writes[1].headers["Content-Type"] == PatchType.merge.rawValue)
        let p1 = try Self.decodePatch(writes[1])
        let p2 = try Self.decodePatch(writes[2])
        #expect(p1["count"] == .int(2))
        #expect(p1["lastTimestamp"] == .string("2023-11-14T22:13:30Z"))
        #expect(p2["count"] == .int(3))
        #expect(p2["lastTimestamp"] == .string("2023-11-14T22:13:40Z"))

        // A different message is a different event.
        recorder.record(w, type: .normal, reason: "Synced", message: "all good again")
        await recorder.flush()
        #expect(t.writes.map(\.method) == [.post, .patch, .patch, .post])
    }

    @Test func aRepeatOfAnExpiredEventCreatesANewOne() async throws {
        let t = ScriptedTransport()
        t.on { req in
            switch req.method {
            case .post: return HTTPResponse(status: 201, body: req.body ?? Data())
            case .patch: return FakeLeaseAPI.status(404, "NotFound", "events not found")
            default: return nil
            }
        }
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm")
        recorder.record(Self.widget(), type: .normal, reason: "R", message: "m")
        await recorder.flush()
        recorder.record(Self.widget(), type: .normal, reason: "R", message: "m")
        await recorder.flush()
        #expect(t.writes.map(\.method) == [.post, .patch, .post])
        #expect(try Self.decodeEvent(t.writes[2]).count == 1)
    }

    @Test func rateLimitsPerObjectAndReason() async throws {
        let t = Self.eventAPI()
        let clock = EventTestClock()
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm", now: { clock.now })
        let w = Self.widget()
        for i in 0..<30 { recorder.record(w, type: .normal, reason: "Busy", message: "attempt \(i)") }
        await recorder.flush()
        #expect(t.writes.count == 25)

        // Another reason, another object: their own buckets.
        recorder.record(w, type: .normal, reason: "Other", message: "x")
        recorder.record(Self.widget("w2"), type: .normal, reason: "Busy", message: "x")
        await recorder.flush()
        #expect(t.writes.count == 27)

        // One token every 5 minutes.
        clock.advance(299)
        recorder.record(w, type: .normal, reason: "Busy", message: "late 0")
        clock.advance(2)
        recorder.record(w, type: .normal, reason: "Busy", message: "late 1")
        recorder.record(w, type: .normal, reason: "Busy", message: "late 2")
        await recorder.flush()
        #expect(t.writes.count == 28)
        let last = try Self.decodeEvent(try #require(t.writes.last))
        #expect(last.message == "late 1")

        clock.advance(600)
        for i in 0..<5 { recorder.record(w, type: .normal, reason: "Busy", message: "later \(i)") }
        await recorder.flush()
        #expect(t.writes.count == 30)
    }

    @Test func clusterScopedObjectsGetEventsInDefault() async throws {
        let t = Self.eventAPI()
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm")
        var meta = ObjectMeta(name: "global", namespace: "ignored")
        meta.uid = "u"
        recorder.record(EventTestClusterWidget(metadata: meta), type: .normal, reason: "R", message: "m")
        await recorder.flush()
        let post = try #require(t.writes.first)
        #expect(post.path == "/api/v1/namespaces/default/events")
        #expect(try Self.decodeEvent(post).involvedObject.namespace == nil)
    }

    @Test func failuresAreLoggedNotThrown() async throws {
        let t = Self.eventAPI(failCreates: true)
        let logs = CapturedLogs()
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm", logger: logs.logger())
        recorder.record(Self.widget(), type: .warning, reason: "R", message: "m")
        await recorder.flush()
        #expect(t.writes.count == 1)
        #expect(logs.all.contains { $0.contains("could not create event") && $0.contains("etcd is sad") })
    }

    @Test func longMessagesAreTruncated() async throws {
        let t = Self.eventAPI()
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm")
        recorder.record(Self.widget(), type: .normal, reason: "R", message: String(repeating: "x", count: 5000))
        await recorder.flush()
        let message = try Self.decodeEvent(try #require(t.writes.first)).message
        #expect(message?.count == 1024)
        #expect(message?.hasSuffix(EventRecorder.truncationMarker) == true, "a cut message says so")
        #expect(EventRecorder.bounded("short") == "short")
    }

    @Test func recordNeverWaitsForTheServer() async throws {
        // A server that answers nothing until the test lets it: had `record` waited for an
        // answer, no call could have returned before the gate opened.
        let gate = DispatchSemaphore(value: 0)
        let hangGuard = DispatchTimeInterval.seconds(120)
        let answered = Locked(0)
        let t = ScriptedTransport()
        t.on { req in
            _ = gate.wait(timeout: .now() + hangGuard)
            answered.withLock { $0 += 1 }
            return HTTPResponse(status: 201, body: req.body ?? Data())
        }
        let recorder = EventRecorder(client: KubeClient(transport: t), component: "qm")
        for i in 0..<5 { recorder.record(Self.widget(), type: .normal, reason: "R\(i)", message: "m") }
        #expect(answered.value == 0, "every record returned before the server answered anything")
        for _ in 0..<5 { gate.signal() }
        await recorder.flush()
        #expect(t.writes.count == 5)
        #expect(answered.value == 5)
    }
}

@Suite struct EventSpamFilterTests {
    @Test func tokenBucketRefillsOnePerInterval() {
        var f = EventSpamFilter(burst: 2, refillInterval: .seconds(10))
        let t0 = Date(timeIntervalSince1970: 0)
        var got: [Bool] = []
        for (key, offset) in [("k", 0.0), ("k", 0), ("k", 0), ("other", 0), ("k", 9), ("k", 10)] {
            got.append(f.allow(key, now: t0.addingTimeInterval(offset)))
        }
        #expect(got == [true, true, false, true, false, true])
        // Never more than the burst, however long the wait.
        got = (0..<3).map { _ in f.allow("k", now: t0.addingTimeInterval(1000)) }
        #expect(got == [true, true, false])
    }
}
