import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization

/// An in-memory `coordination.k8s.io/v1` Lease API with the server's optimistic concurrency:
/// create fails with AlreadyExists when the lease exists, update fails with Conflict when the
/// body's resourceVersion is not the stored one. Each client it makes can be cut off.
final class FakeLeaseAPI: Sendable {
    let namespace: String
    let name: String
    private let state = Mutex<State>(State())

    struct State {
        var lease: Lease?
        var resourceVersion = 100
        var puts = 0
        var posts = 0
        var conflictsToInject = 0
        var beforeNextPut: (@Sendable () -> Void)?
        /// Every successful write, in order: "create:<holder>", "update:<holder>", and notes.
        var log: [String] = []
    }

    init(namespace: String = "ns", name: String = "test-lease") {
        self.namespace = namespace
        self.name = name
    }

    var lease: Lease? { state.withLock { $0.lease } }
    var puts: Int { state.withLock { $0.puts } }
    var log: [String] { state.withLock { $0.log } }

    func injectConflicts(_ n: Int) { state.withLock { $0.conflictsToInject = n } }

    /// Runs `action` (say, another writer's `seed`) just before the next update is applied.
    func beforeNextPut(_ action: @escaping @Sendable () -> Void) { state.withLock { $0.beforeNextPut = action } }

    /// Appends a line to the write log (tests use it to order other happenings with writes).
    func note(_ line: String) { state.withLock { $0.log.append(line) } }

    /// Stores a lease with `spec` as if someone else had written it.
    func seed(_ spec: LeaseSpec) {
        state.withLock { s in
            s.resourceVersion += 1
            var meta = ObjectMeta(name: name, namespace: namespace)
            meta.resourceVersion = String(s.resourceVersion)
            meta.uid = "lease-uid"
            s.lease = Lease(metadata: meta, spec: spec)
        }
    }

    /// A client whose requests reach this fake unless `blocked()` returns true (then they fail
    /// like an unavailable server: 503).
    func makeClient(blocked: @escaping @Sendable () -> Bool = { false }) -> KubeClient {
        let transport = ScriptedTransport()
        transport.on { [self] req in
            if blocked() { return Self.status(503, "ServiceUnavailable", "unreachable") }
            return self.handle(req)
        }
        return KubeClient(transport: transport, defaultNamespace: namespace)
    }

    private var collection: String { "/apis/coordination.k8s.io/v1/namespaces/\(namespace)/leases" }

    private func handle(_ req: HTTPRequest) -> HTTPResponse? {
        let item = collection + "/" + name
        switch (req.method, req.path) {
        case (.get, item):
            return state.withLock { s in
                guard let lease = s.lease else { return Self.status(404, "NotFound", "leases \"\(name)\" not found") }
                return Self.json(200, lease)
            }
        case (.post, collection):
            guard let body = req.body, var lease = try? KubeJSON.decode(Lease.self, from: body) else {
                return Self.status(400, "BadRequest", "bad body")
            }
            return state.withLock { s in
                s.posts += 1
                if s.lease != nil { return Self.status(409, "AlreadyExists", "leases \"\(name)\" already exists") }
                s.resourceVersion += 1
                lease.metadata.resourceVersion = String(s.resourceVersion)
                lease.metadata.uid = "lease-uid"
                s.lease = lease
                s.log.append("create:\(lease.spec?.holderIdentity ?? "")")
                return Self.json(201, lease)
            }
        case (.put, item):
            guard let body = req.body, var lease = try? KubeJSON.decode(Lease.self, from: body) else {
                return Self.status(400, "BadRequest", "bad body")
            }
            let hook = state.withLock { s in
                defer { s.beforeNextPut = nil }
                return s.beforeNextPut
            }
            hook?()
            return state.withLock { s in
                s.puts += 1
                guard let current = s.lease else { return Self.status(404, "NotFound", "not found") }
                if s.conflictsToInject > 0 {
                    s.conflictsToInject -= 1
                    return Self.status(409, "Conflict", "injected conflict")
                }
                guard lease.metadata.resourceVersion == current.metadata.resourceVersion else {
                    return Self.status(409, "Conflict", "the object has been modified")
                }
                s.resourceVersion += 1
                lease.metadata.resourceVersion = String(s.resourceVersion)
                lease.metadata.uid = current.metadata.uid
                s.lease = lease
                s.log.append("update:\(lease.spec?.holderIdentity ?? "")")
                return Self.json(200, lease)
            }
        default:
            return nil
        }
    }

    static func json(_ code: Int, _ value: some Encodable) -> HTTPResponse {
        HTTPResponse(
            status: code, headers: ["content-type": "application/json"], body: (try? KubeJSON.encode(value)) ?? Data())
    }

    static func status(_ code: Int, _ reason: String, _ message: String) -> HTTPResponse {
        json(code, APIStatus(message: message, reason: reason, code: code))
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
/// The default timeout only bounds a hang: conditions are events, never speed measurements.
func awaitCondition(timeout: Duration = .seconds(120), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// Advances `clock` by `step` whenever something sleeps on it and no new sleep started for a
/// moment, until `done()` holds (or the hang guard of `awaitCondition` runs out); returns
/// whether `done()` held.
func drive(_ clock: ManualClock, step: Duration, until done: @Sendable () async -> Bool) async -> Bool {
    await awaitCondition {
        if await done() { return true }
        guard clock.sleeperCount > 0 else { return false }
        let before = clock.registrations
        try? await Task.sleep(for: .milliseconds(5))
        if await done() { return true }
        if clock.sleeperCount > 0 && clock.registrations == before { clock.advance(by: step) }
        return false
    }
}

/// Advances `clock` by `step`, `times` times, each time after at least `sleepers` tasks sleep
/// on it and no new sleep started for a moment (so that everything driven by the clock, such
/// as a request racing a deadline, has caught up before time moves on). `between` runs after
/// every step.
func step(
    _ clock: ManualClock, by step: Duration, times: Int, sleepers: Int = 1, between: () -> Void = {}
) async {
    for _ in 0..<times {
        await settle(clock, sleepers: sleepers)
        clock.advance(by: step)
        between()
    }
    await settle(clock, sleepers: sleepers)
}

/// Waits until at least `sleepers` tasks sleep on `clock` and no sleep started during a short
/// pause.
func settle(_ clock: ManualClock, sleepers: Int) async {
    _ = await awaitCondition {
        guard clock.sleeperCount >= sleepers else { return false }
        let before = clock.registrations
        try? await Task.sleep(for: .milliseconds(5))
        return clock.sleeperCount >= sleepers && clock.registrations == before
    }
}

/// A flag shared between a test and the code it drives.
final class SharedFlag: Sendable {
    private let value: Mutex<Bool>
    init(_ initial: Bool = false) { value = Mutex(initial) }
    var isSet: Bool { value.withLock { $0 } }
    func set(_ v: Bool = true) { value.withLock { $0 = v } }
}
