import Foundation
import Synchronization

/// The primary lease as one backend stores it: who holds it, a renewal token that changes on
/// every renewal, its duration, and the version a conditional write must name.
public struct PrimaryLeaseRecord: Hashable, Sendable {
    /// The holder's identity (a pod name); `nil` or empty when nobody holds the lease.
    public var holder: String?
    /// Changes on every renewal (a `MicroTime` on the API server); only compared, never read as
    /// a time (remote clocks are not trusted).
    public var renewTime: String?
    /// `leaseDurationSeconds`.
    public var durationSeconds: Int
    /// The backend's version of what was read (`metadata.resourceVersion`): an update must name
    /// it and fails with `PrimaryLeaseConflict` when the lease changed since.
    public var version: String
    /// When the current holder acquired it (`acquireTime`); `nil` when free.
    public var acquireTime: String?
    /// How many times the holder changed (`leaseTransitions`).
    public var transitions: Int

    public init(
        holder: String?, renewTime: String?, durationSeconds: Int, version: String = "", acquireTime: String? = nil,
        transitions: Int = 0
    ) {
        self.holder = holder
        self.renewTime = renewTime
        self.durationSeconds = durationSeconds
        self.version = version
        self.acquireTime = acquireTime
        self.transitions = transitions
    }

    /// Whether nobody holds the lease.
    public var isFree: Bool { holder?.isEmpty ?? true }
}

/// A conditional write lost: the lease was created or changed by someone else since it was read.
public struct PrimaryLeaseConflict: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where the primary lease lives: a `coordination.k8s.io/v1` Lease in a pod
/// (`KubePrimaryLease`), a file outside a cluster (`FilePrimaryLease`), memory in unit tests
/// (`InMemoryPrimaryLease`). Every write is conditional (optimistic concurrency), so of two
/// candidates one wins and the other gets `PrimaryLeaseConflict`.
public protocol PrimaryLease: Sendable {
    /// The lease read now; `nil` when it does not exist.
    func read() async throws -> PrimaryLeaseRecord?
    /// Creates the lease; throws `PrimaryLeaseConflict` when it exists already.
    func create(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord
    /// Replaces the lease if it is still at `record.version`; throws `PrimaryLeaseConflict`
    /// otherwise. Returns what was stored (with its new version).
    func update(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord
}

/// A lease held in memory, for unit tests. `failing` makes every call throw (an unreachable
/// API server).
public final class InMemoryPrimaryLease: PrimaryLease {
    public struct Unavailable: Error {}
    private struct State {
        var record: PrimaryLeaseRecord?
        var counter = 0
        var failing = false
    }
    private let state = Mutex(State())

    public init(_ record: PrimaryLeaseRecord? = nil) {
        state.withLock { $0.record = record }
    }

    /// Whether every call fails.
    public var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    /// What is stored now.
    public var record: PrimaryLeaseRecord? { state.withLock { $0.record } }

    public func read() async throws -> PrimaryLeaseRecord? {
        try state.withLock { s in
            if s.failing { throw Unavailable() }
            return s.record
        }
    }

    public func create(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord {
        try state.withLock { s in
            if s.failing { throw Unavailable() }
            guard s.record == nil else { throw PrimaryLeaseConflict("the lease exists") }
            s.counter += 1
            var stored = record
            stored.version = String(s.counter)
            s.record = stored
            return stored
        }
    }

    public func update(_ record: PrimaryLeaseRecord) async throws -> PrimaryLeaseRecord {
        try state.withLock { s in
            if s.failing { throw Unavailable() }
            guard let current = s.record else { throw PrimaryLeaseConflict("the lease is gone") }
            guard current.version == record.version else { throw PrimaryLeaseConflict("the lease changed") }
            s.counter += 1
            var stored = record
            stored.version = String(s.counter)
            s.record = stored
            return stored
        }
    }
}
