import Foundation
import KubeCore
import Synchronization

/// What a candidate does with the primary lease it read (pure; `PrimaryLeaseKeeper` acts on it).
///
/// - no lease → `create`;
/// - nobody holds it (holder empty) → `take`;
/// - this candidate holds it → `renew`;
/// - another holder, and its `renewTime` unchanged for the lease's duration by this candidate's
///   own clock since it first saw that value (`unchangedFor`) → `take`;
/// - otherwise → `wait` for that holder.
public enum PrimaryLeaseDecision: Hashable, Sendable {
    case create
    case take
    case renew
    case wait(holder: String)

    /// - Parameters:
    ///   - unchangedFor: how long (this process's `ContinuousClock`) the lease has shown the same
    ///     holder and `renewTime`; `nil` when just seen for the first time in that form.
    ///   - duration: the lease duration to wait out, when the record names none (0).
    public static func decide(
        _ record: PrimaryLeaseRecord?, identity: String, unchangedFor: Duration?, duration: Duration
    ) -> PrimaryLeaseDecision {
        guard let record else { return .create }
        guard let holder = record.holder, !holder.isEmpty else { return .take }
        if holder == identity { return .renew }
        let leaseDuration = record.durationSeconds > 0 ? .seconds(record.durationSeconds) : duration
        if let unchangedFor, unchangedFor >= leaseDuration { return .take }
        return .wait(holder: holder)
    }
}

/// Holds the primary lease for one instance manager: `acquireOrRenew` (every poll while this pod
/// is the target primary), `release` (after a clean demotion), and the local deadline the
/// supervision loop checks before anything else: `isExpired` is true once `leaseDuration - 1 s`
/// have passed since the START of the last successful renewal (by `now`, a `ContinuousClock`
/// that keeps counting while the process is stopped), so the holder stops writing at least a
/// second before any other candidate may take the lease over (they wait the full duration from
/// when they last saw it change, which is after that start).
public final class PrimaryLeaseKeeper: Sendable {
    public let identity: String
    public let lease: any PrimaryLease
    private let now: @Sendable () -> Duration
    private let state = Mutex(State())

    /// The margin by which the holder's own deadline precedes the lease's expiry: 1 s.
    public static let safetyMargin = Duration.seconds(1)

    private struct State {
        /// (holder, renewTime) last seen, and when first seen in that form.
        var observed: ObservedLease?
        var observedSince: Duration?
        /// Start of the last successful create or renewal while holding, and its duration.
        var renewedAt: Duration?
        var duration: Duration = .seconds(5)
        var held = false
        var lastError: String?
    }

    private struct ObservedLease: Equatable {
        var holder: String?
        var renewTime: String?
    }

    /// The monotonic time since the first use in this process (`ContinuousClock`: it keeps
    /// counting while the process is stopped).
    public static let monotonicNow: @Sendable () -> Duration = {
        let origin = ContinuousClock.now
        return { ContinuousClock.now - origin }
    }()

    /// - Parameter now: the clock as time since any fixed origin (default `monotonicNow`);
    ///   tests inject one they drive.
    public init(
        identity: String, lease: any PrimaryLease,
        now: @escaping @Sendable () -> Duration = PrimaryLeaseKeeper.monotonicNow
    ) {
        self.identity = identity
        self.lease = lease
        self.now = now
    }

    /// Whether this manager holds the lease and its own deadline has not passed.
    public var isHeld: Bool {
        let t = now()
        return state.withLock { $0.held && !Self.expired($0, at: t) }
    }

    /// Whether this manager held the lease and its own deadline has passed (no successful
    /// renewal for `duration - 1 s` since the start of the last one).
    public var isExpired: Bool {
        let t = now()
        return state.withLock { $0.held && Self.expired($0, at: t) }
    }

    /// Whether a successful renewal is overdue: none yet, or `duration - 1 s` have passed since
    /// the start of the last one (whether or not the lease is still believed held).
    public var isDeadlinePassed: Bool {
        let t = now()
        return state.withLock { $0.renewedAt != nil && Self.expired($0, at: t) }
    }

    /// The holder last seen (`nil` when free or unknown).
    public var observedHolder: String? {
        state.withLock { s in s.observed?.holder.flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// The last error of a lease call; `nil` after a success.
    public var lastError: String? { state.withLock { $0.lastError } }

    private static func expired(_ s: State, at t: Duration) -> Bool {
        guard let renewedAt = s.renewedAt else { return true }
        return t - renewedAt >= s.duration - safetyMargin
    }

    /// Reads the lease and creates, takes or renews it per `PrimaryLeaseDecision`; returns
    /// whether this manager holds it afterwards. A failed or lost write leaves the deadline
    /// where it was (the holder fences itself when it passes).
    @discardableResult
    public func acquireOrRenew(durationSeconds: Int) async -> Bool {
        let start = now()
        let duration = Duration.seconds(durationSeconds)
        do {
            let current = try await lease.read()
            let unchangedFor = observe(current, at: start)
            let decision = PrimaryLeaseDecision.decide(
                current, identity: identity, unchangedFor: unchangedFor, duration: duration)
            let renewTime = APITimestamp.microTime(Date())
            let stored: PrimaryLeaseRecord
            switch decision {
            case .wait:
                state.withLock {
                    $0.held = false
                    $0.lastError = nil
                }
                return false
            case .create:
                stored = try await lease.create(
                    PrimaryLeaseRecord(
                        holder: identity, renewTime: renewTime, durationSeconds: durationSeconds,
                        acquireTime: renewTime, transitions: 0))
            case .take:
                guard var record = current else { return false }
                record.holder = identity
                record.renewTime = renewTime
                record.acquireTime = renewTime
                record.durationSeconds = durationSeconds
                record.transitions += 1
                stored = try await lease.update(record)
            case .renew:
                guard var record = current else { return false }
                record.renewTime = renewTime
                record.durationSeconds = durationSeconds
                stored = try await lease.update(record)
            }
            state.withLock { s in
                s.held = true
                s.renewedAt = start
                s.duration = duration
                s.lastError = nil
                s.observed = ObservedLease(holder: stored.holder, renewTime: stored.renewTime)
                s.observedSince = start
            }
            return true
        } catch {
            state.withLock { s in
                // A conflict means someone else wrote first: whoever it is, this manager does not
                // hold the lease any longer (its deadline still applies to what it started).
                if error is PrimaryLeaseConflict { s.held = false }
                s.lastError = "\(error)"
            }
            return isHeld
        }
    }

    /// Reads the lease without writing anything (a replica, every poll): the time the holder's
    /// `renewTime` has stood still is counted from here on, by this process's clock, so a
    /// replica that becomes the target primary after its old holder stopped renewing may take
    /// over as soon as the lease's duration has passed since it saw that last renewal, not a
    /// whole duration after the decision. The rule is unchanged (unchanged for the duration by
    /// the candidate's own clock since it first saw it); only the counting starts earlier.
    public func watch() async {
        let start = now()
        do {
            _ = observe(try await lease.read(), at: start)
        } catch {
            state.withLock { $0.lastError = "\(error)" }
        }
    }

    /// Gives the lease up (holder empty) when this manager holds it; true when released or not
    /// held. After a clean stop of the primary, so the next target primary takes it at once.
    @discardableResult
    public func release() async -> Bool {
        defer { state.withLock { $0.held = false } }
        for _ in 0..<3 {
            do {
                guard var record = try await lease.read(), record.holder == identity else { return true }
                record.holder = ""
                record.renewTime = APITimestamp.microTime(Date())
                record.acquireTime = nil
                _ = try await lease.update(record)
                return true
            } catch {
                state.withLock { $0.lastError = "\(error)" }
            }
        }
        return false
    }

    /// Records what was read; returns how long it has looked like this (`nil` when it changed now).
    private func observe(_ record: PrimaryLeaseRecord?, at t: Duration) -> Duration? {
        let seen = ObservedLease(holder: record?.holder, renewTime: record?.renewTime)
        return state.withLock { s in
            if s.observed == seen, let since = s.observedSince { return t - since }
            s.observed = seen
            s.observedSince = t
            if let holder = record?.holder, holder != identity, !holder.isEmpty { s.held = false }
            return nil
        }
    }
}
