import Foundation
import PostgresInstanceManager
import Synchronization
import Testing

/// A clock the test moves by hand: time since an arbitrary origin.
final class SteppedClock: Sendable {
    private let elapsed = Mutex(Duration.zero)
    var now: @Sendable () -> Duration { { [self] in elapsed.withLock { $0 } } }
    func advance(by step: Duration) { elapsed.withLock { $0 += step } }
}

@Suite("Primary lease: the decision table and the keeper (in memory, injected clock)")
struct PrimaryLeaseTests {
    static let leaseDuration = Duration.seconds(5)
    static let justUnder = Duration.milliseconds(4999)
    static let partOfTheDuration = Duration.seconds(3)

    @Test(
        "decide: absent → create; free → take; own → renew; another holder → wait until unchanged for the duration",
        arguments: [
            (nil, nil, PrimaryLeaseDecision.create),
            (PrimaryLeaseRecord(holder: "", renewTime: "t", durationSeconds: 5), nil, .take),
            (PrimaryLeaseRecord(holder: nil, renewTime: nil, durationSeconds: 5), nil, .take),
            (PrimaryLeaseRecord(holder: "pg-2", renewTime: "t", durationSeconds: 5), nil, .renew),
            (PrimaryLeaseRecord(holder: "pg-1", renewTime: "t", durationSeconds: 5), nil, .wait(holder: "pg-1")),
            (PrimaryLeaseRecord(holder: "pg-1", renewTime: "t", durationSeconds: 5), justUnder, .wait(holder: "pg-1")),
            (PrimaryLeaseRecord(holder: "pg-1", renewTime: "t", durationSeconds: 5), leaseDuration, .take),
            // The record's own duration wins over the caller's.
            (
                PrimaryLeaseRecord(holder: "pg-1", renewTime: "t", durationSeconds: 10), leaseDuration,
                .wait(holder: "pg-1")
            ),
        ] as [(PrimaryLeaseRecord?, Duration?, PrimaryLeaseDecision)])
    func decisionTable(_ record: PrimaryLeaseRecord?, _ unchangedFor: Duration?, _ expected: PrimaryLeaseDecision) {
        #expect(
            PrimaryLeaseDecision.decide(
                record, identity: "pg-2", unchangedFor: unchangedFor, duration: Self.leaseDuration)
                == expected)
    }

    @Test("create, renew, and the holder's own deadline: duration − 1 s after the START of the last renewal")
    func renewAndDeadline() async {
        let store = InMemoryPrimaryLease()
        let clock = SteppedClock()
        let keeper = PrimaryLeaseKeeper(identity: "pg-1", lease: store, now: clock.now)
        #expect(!keeper.isHeld)
        #expect(!keeper.isDeadlinePassed, "never renewed: nothing to fence")
        #expect(await keeper.acquireOrRenew(durationSeconds: 5))
        #expect(store.record?.holder == "pg-1")
        #expect(store.record?.durationSeconds == 5)
        clock.advance(by: .milliseconds(3900))
        #expect(keeper.isHeld)
        #expect(await keeper.acquireOrRenew(durationSeconds: 5))
        let renewedVersion = store.record?.version
        // Renewals fail (the API server unreachable): the deadline runs from the last success.
        store.failing = true
        clock.advance(by: .milliseconds(3900))
        #expect(await keeper.acquireOrRenew(durationSeconds: 5))
        #expect(keeper.isHeld)
        clock.advance(by: .milliseconds(100))
        #expect(!keeper.isHeld)
        #expect(keeper.isDeadlinePassed)
        #expect(!(await keeper.acquireOrRenew(durationSeconds: 5)))
        #expect(keeper.lastError != nil)
        #expect(store.record?.version == renewedVersion)
    }

    @Test("another holder: wait, then take over only after its renewTime stayed unchanged for the duration (own clock)")
    func takeoverAfterExpiry() async {
        let store = InMemoryPrimaryLease()
        let clock = SteppedClock()
        let old = PrimaryLeaseKeeper(identity: "pg-1", lease: store, now: clock.now)
        let candidate = PrimaryLeaseKeeper(identity: "pg-2", lease: store, now: clock.now)
        #expect(await old.acquireOrRenew(durationSeconds: 5))
        #expect(!(await candidate.acquireOrRenew(durationSeconds: 5)))
        #expect(candidate.observedHolder == "pg-1")
        clock.advance(by: Self.partOfTheDuration)
        // A renewal restarts the candidate's wait.
        #expect(await old.acquireOrRenew(durationSeconds: 5))
        #expect(!(await candidate.acquireOrRenew(durationSeconds: 5)))
        clock.advance(by: Self.justUnder)
        #expect(!(await candidate.acquireOrRenew(durationSeconds: 5)))
        #expect(old.isDeadlinePassed, "the old holder stopped writing before the candidate may take over")
        clock.advance(by: .milliseconds(1))
        #expect(await candidate.acquireOrRenew(durationSeconds: 5))
        #expect(store.record?.holder == "pg-2")
        #expect(store.record?.transitions == 1)
        // The old holder's renewal now sees another holder and fails.
        #expect(!(await old.acquireOrRenew(durationSeconds: 5)))
        #expect(old.observedHolder == "pg-2")
    }

    @Test("a replica that watched the lease counts from the last renewal it saw: once the target, it takes over without a second wait, never earlier")
    func watchingReplicaTakesOverWithoutASecondWait() async {
        let store = InMemoryPrimaryLease()
        let clock = SteppedClock()
        let old = PrimaryLeaseKeeper(identity: "pg-1", lease: store, now: clock.now)
        let replica = PrimaryLeaseKeeper(identity: "pg-2", lease: store, now: clock.now)
        #expect(await old.acquireOrRenew(durationSeconds: 5))
        // The old holder's last renewal; the replica sees it on its next poll, then the holder stops.
        await replica.watch()
        #expect(replica.observedHolder == "pg-1")
        clock.advance(by: Self.justUnder)
        await replica.watch()
        // Made the target now: still inside the duration since it first saw that renewal.
        #expect(!(await replica.acquireOrRenew(durationSeconds: 5)))
        #expect(old.isDeadlinePassed, "the old holder stopped writing before anyone may take over")
        clock.advance(by: .milliseconds(1))
        #expect(await replica.acquireOrRenew(durationSeconds: 5))
        #expect(store.record?.holder == "pg-2")
    }

    @Test("a conflicting write loses: two candidates take a free lease, exactly one wins")
    func conflict() async {
        let store = InMemoryPrimaryLease(
            PrimaryLeaseRecord(holder: "", renewTime: "t", durationSeconds: 5, version: "9"))
        let clock = SteppedClock()
        let a = PrimaryLeaseKeeper(identity: "pg-1", lease: store, now: clock.now)
        let b = PrimaryLeaseKeeper(identity: "pg-2", lease: store, now: clock.now)
        // Both read version 9; a wins, b's write names the stale version and loses.
        let read = try? await store.read()
        #expect(read?.version == "9")
        #expect(await a.acquireOrRenew(durationSeconds: 5))
        let stale = PrimaryLeaseRecord(holder: "pg-2", renewTime: "u", durationSeconds: 5, version: "9")
        await #expect(throws: PrimaryLeaseConflict.self) { _ = try await store.update(stale) }
        #expect(store.record?.holder == "pg-1")
        #expect(!(await b.acquireOrRenew(durationSeconds: 5)), "held by pg-1 and renewed: b waits")
        await #expect(throws: PrimaryLeaseConflict.self) {
            _ = try await store.create(PrimaryLeaseRecord(holder: "pg-2", renewTime: "u", durationSeconds: 5))
        }
    }

    @Test(
        "release empties the holder so a candidate takes the lease at once; releasing a lease held by another does nothing"
    )
    func release() async {
        let store = InMemoryPrimaryLease()
        let clock = SteppedClock()
        let a = PrimaryLeaseKeeper(identity: "pg-1", lease: store, now: clock.now)
        let b = PrimaryLeaseKeeper(identity: "pg-2", lease: store, now: clock.now)
        #expect(await a.acquireOrRenew(durationSeconds: 5))
        #expect(await a.release())
        #expect(store.record?.holder == "")
        #expect(!a.isHeld)
        #expect(await b.acquireOrRenew(durationSeconds: 5))
        #expect(await a.release())
        #expect(store.record?.holder == "pg-2")
    }
}
