import Foundation
import KubeClient
import KubeCore
import Logging
import Prometheus
import Synchronization

/// Leader election on a `coordination.k8s.io/v1 Lease`, with client-go's semantics.
///
/// - Acquire: read the lease; create it when missing; take it over when nobody holds it, or
///   when its holder has not changed it for the lease's `leaseDurationSeconds` as measured by
///   this process's own clock since it last saw the lease change (remote clocks are never
///   trusted); every write carries the `resourceVersion` it read, so of two racing candidates
///   one gets a conflict and loses that round. Attempts repeat every `retryPeriod` (with up to
///   20% jitter).
/// - Renew: every `retryPeriod`; when no renewal succeeds within `renewDeadline`, or another
///   holder shows up in the lease, leadership is lost (`LeaderElectionLost`).
/// - Release (on cancellation, when `releaseOnCancel`): the lease is written with an empty
///   holder and `leaseDurationSeconds: 1`, so a standby takes over at once. A 409 Conflict
///   (say, a renewal whose answer was lost reached the server after all) is retried after
///   re-reading the lease, as long as the lease still names this candidate.
///
/// All waiting (retries, the renew deadline, lease expiry) is measured on the injected
/// `RuntimeClock` (default: `ContinuousRuntimeClock`), so tests can drive it by hand.
///
/// `isLeader` and `leadershipChanges()` report the state; the gauge
/// `leader_election_master_status{name}` is 1 while leading, 0 otherwise.
public final class LeaderElector: Sendable {
    public let options: LeaderElectionOptions
    private let client: KubeClient
    private let logger: Logger
    private let gauge: Gauge?
    private let clock: any RuntimeClock
    private let state = Mutex<State>(State())

    private struct State {
        var isLeader = false
        /// The last lease read or written, for its `resourceVersion`.
        var lease: Lease?
        /// The last spec seen, and when (locally) it was first seen in that form.
        var observedSpec: LeaseSpec?
        var observedTime: ContinuousClock.Instant?
        var subscribers: [UUID: AsyncStream<Bool>.Continuation] = [:]
    }

    private enum Attempt {
        case acquired
        case heldByOther(String)
        case failed(String)
    }

    /// How many times `release()` writes the lease before giving up (each Conflict re-reads it).
    static let releaseAttempts = 3

    /// - Parameters:
    ///   - registry: where to register `leader_election_master_status`; `nil` for none.
    ///   - clock: the time source of every wait; default `ContinuousRuntimeClock()`.
    public init(
        client: KubeClient, options: LeaderElectionOptions, registry: PrometheusCollectorRegistry? = nil,
        logger: Logger = Logger(label: "leader-election"), clock: any RuntimeClock = ContinuousRuntimeClock()
    ) {
        self.client = client
        self.clock = clock
        self.options = options
        var logger = logger
        logger[metadataKey: "lease"] = "\(options.namespace)/\(options.name)"
        logger[metadataKey: "identity"] = "\(options.identity)"
        self.logger = logger
        self.gauge = registry?.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "leader_election_master", unitName: "status",
                helpText: "1 while this process holds the leader election lease, 0 otherwise."),
            labels: [("name", options.name)])
        gauge?.set(0.0)
    }

    /// `true` while this process holds the lease (as of its last successful write).
    public var isLeader: Bool { state.withLock { $0.isLeader } }

    /// The holder seen in the lease at the last read or write (`nil` when none).
    public var observedLeader: String? {
        state.withLock { s in s.observedSpec?.holderIdentity.flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// A stream of leadership states: the current one first, then every change.
    /// It ends when the consumer stops iterating.
    public func leadershipChanges() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .unbounded)
        let id = UUID()
        state.withLock { s in
            continuation.yield(s.isLeader)
            s.subscribers[id] = continuation
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    // MARK: Running

    /// Acquires the lease, then runs `whileLeading` while renewing it.
    ///
    /// - Returns when the task is cancelled: `whileLeading` is cancelled and awaited first, then
    ///   the lease is released (when `releaseOnCancel`).
    /// - Throws `LeaderElectionLost` when renewal fails (after cancelling and awaiting
    ///   `whileLeading`), or what `whileLeading` throws (the lease is then released).
    ///   Returns normally if cancelled before leadership was acquired.
    /// - Parameter onLost: called at the moment leadership is lost, before `whileLeading` is
    ///   cancelled and awaited, so a caller can bound how long it waits for the leading work
    ///   to stop (the `Manager` does). Default: does nothing.
    public func run(
        onLost: @escaping @Sendable (LeaderElectionLost) -> Void = { _ in },
        whileLeading: @escaping @Sendable () async throws -> Void
    ) async throws {
        do {
            try await acquire()
        } catch is CancellationError {
            return
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await self.renew()
                    } catch let lost as LeaderElectionLost {
                        onLost(lost)
                        throw lost
                    }
                }
                group.addTask { try await whileLeading() }
                // The leading work may finish early; leadership is then still held and renewed
                // until cancellation or loss.
                while try await group.next() != nil {}
            }
        } catch let lost as LeaderElectionLost {
            throw lost
        } catch {
            // Anything thrown while being cancelled is part of a graceful stop.
            if !Task.isCancelled {
                await releaseDetached()
                throw error
            }
        }
        if options.releaseOnCancel { await releaseDetached() } else { setLeader(false) }
    }

    /// Returns once this process holds the lease, retrying every `retryPeriod` (plus jitter).
    /// Throws `CancellationError` when cancelled first.
    public func acquire() async throws {
        logger.info("attempting to acquire leader lease")
        while true {
            try Task.checkCancellation()
            switch await tryAcquireOrRenew() {
            case .acquired:
                logger.info("acquired leader lease")
                setLeader(true)
                return
            case .heldByOther(let holder):
                logger.debug("lease is held by another candidate", metadata: ["holder": "\(holder)"])
                // Try again when the holder's lease runs out if that comes before the next
                // retry: a dead leader is replaced within leaseDuration + retryPeriod of its
                // last renewal, not up to a retry period later.
                let retry = options.retryPeriod * (1.0 + Double.random(in: 0..<0.2))
                try await clock.sleep(for: min(retry, max(untilObservedLeaseExpires(), .milliseconds(10))))
                continue
            case .failed(let reason):
                logger.info("failed to acquire lease", metadata: ["error": "\(reason)"])
            }
            try await clock.sleep(for: options.retryPeriod * (1.0 + Double.random(in: 0..<0.2)))
        }
    }

    /// Time left until the lease last observed (held by another candidate) expires, measured
    /// from when this process saw it change; `retryPeriod` when nothing was observed.
    private func untilObservedLeaseExpires() -> Duration {
        let (spec, observedAt) = state.withLock { ($0.observedSpec, $0.observedTime) }
        guard let observedAt else { return options.retryPeriod }
        let seconds = Int64(spec?.leaseDurationSeconds ?? options.leaseDurationSeconds)
        return (observedAt + .seconds(seconds)) - clock.now
    }

    /// Renews the lease every `retryPeriod` until the task is cancelled (returns normally,
    /// without releasing) or renewal fails for `renewDeadline` (throws `LeaderElectionLost`).
    public func renew() async throws {
        while true {
            do { try await clock.sleep(for: options.retryPeriod) } catch { return }
            let deadline = clock.now + options.renewDeadline
            var lastFailure = "no attempt finished"
            renewal: while true {
                if Task.isCancelled { return }
                let attempt = await withDeadline(deadline) { await self.tryAcquireOrRenew() }
                if Task.isCancelled { return }
                switch attempt {
                case .acquired?:
                    break renewal
                case .heldByOther(let holder)?:
                    throw lose("the lease is now held by \(holder)")
                case .failed(let reason)?:
                    lastFailure = reason
                    logger.warning("failed to renew lease", metadata: ["error": "\(reason)"])
                case nil:
                    lastFailure = "renewal timed out"
                }
                if clock.now + options.retryPeriod > deadline {
                    throw lose("could not renew within \(options.renewDeadline): \(lastFailure)")
                }
                do { try await clock.sleep(for: options.retryPeriod) } catch { return }
            }
        }
    }

    /// Gives up the lease if this process holds it: empty holder, `leaseDurationSeconds: 1`,
    /// leadership transitions kept.
    ///
    /// A 409 Conflict means the lease changed since this process last saw it (typically its own
    /// last renewal reached the server although the answer did not arrive): the lease is read
    /// again and, while it still names this candidate, the release is retried with the new
    /// `resourceVersion` (up to 3 writes). A lease that names someone else, or no longer
    /// exists, is left alone. Other failures are logged; leadership is considered given up
    /// either way.
    public func release() async {
        let held = state.withLock { s in s.isLeader ? s.lease : nil }
        defer { setLeader(false) }
        guard var lease = held else { return }
        for attempt in 1...Self.releaseAttempts {
            let now = APITimestamp.microTime(Date())
            lease.spec = LeaseSpec(
                holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now,
                leaseTransitions: lease.spec?.leaseTransitions ?? 0)
            do {
                let written = try await client.replace(lease)
                observe(written)
                logger.info("released leader lease")
                return
            } catch KubeAPIError.conflict(let message) where attempt < Self.releaseAttempts {
                logger.info(
                    "conflict releasing leader lease; reading it again",
                    metadata: ["error": "\(message)", "attempt": "\(attempt)"])
                guard let current = await reReadForRelease() else { return }
                lease = current
            } catch {
                logger.warning("failed to release leader lease", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// The lease as stored now, when it still names this candidate as holder; `nil` (after
    /// logging why) when it is gone, held by someone else, or cannot be read.
    private func reReadForRelease() async -> Lease? {
        let current: Lease?
        do {
            current = try await client.getIfExists(Lease.self, name: options.name, namespace: options.namespace)
        } catch {
            logger.warning("failed to read leader lease for release", metadata: ["error": "\(error)"])
            return nil
        }
        guard let current else {
            logger.info("leader lease is gone; nothing to release")
            return nil
        }
        observe(current)
        let holder = current.spec?.holderIdentity ?? ""
        guard holder == options.identity else {
            logger.info("leader lease is no longer held by this candidate; nothing to release", metadata: ["holder": "\(holder)"])
            return nil
        }
        return current
    }

    // MARK: Internals

    /// Releases from a fresh task, so a cancelled caller's cancellation does not abort the
    /// request.
    private func releaseDetached() async {
        await Task { await self.release() }.value
    }

    private func lose(_ reason: String) -> LeaderElectionLost {
        logger.error("lost leadership", metadata: ["reason": "\(reason)"])
        setLeader(false)
        return LeaderElectionLost(
            lease: "\(options.namespace)/\(options.name)", identity: options.identity, reason: reason)
    }

    private func setLeader(_ leader: Bool) {
        let subscribers: [AsyncStream<Bool>.Continuation]? = state.withLock { s in
            guard s.isLeader != leader else { return nil }
            s.isLeader = leader
            return Array(s.subscribers.values)
        }
        guard let subscribers else { return }
        gauge?.set(leader ? 1.0 : 0.0)
        for c in subscribers { c.yield(leader) }
    }

    /// Records a lease read or written: its spec's observation time changes only when the
    /// spec changed.
    private func observe(_ lease: Lease) {
        let now = clock.now
        state.withLock { s in
            s.lease = lease
            let spec = lease.spec ?? LeaseSpec()
            if s.observedSpec != spec || s.observedTime == nil {
                s.observedSpec = spec
                s.observedTime = now
            }
        }
    }

    private func tryAcquireOrRenew() async -> Attempt {
        let now = APITimestamp.microTime(Date())
        let mine = LeaseSpec(
            holderIdentity: options.identity, leaseDurationSeconds: options.leaseDurationSeconds,
            acquireTime: now, renewTime: now, leaseTransitions: 0)

        let current: Lease?
        do {
            current = try await client.getIfExists(Lease.self, name: options.name, namespace: options.namespace)
        } catch {
            return .failed("get: \(error)")
        }
        guard var lease = current else {
            let fresh = Lease(metadata: ObjectMeta(name: options.name, namespace: options.namespace), spec: mine)
            do {
                observe(try await client.create(fresh, namespace: options.namespace))
                return .acquired
            } catch {
                return .failed("create: \(error)")
            }
        }
        observe(lease)

        let old = lease.spec ?? LeaseSpec()
        let holder = old.holderIdentity ?? ""
        if !holder.isEmpty && holder != options.identity {
            let seconds = Int64(old.leaseDurationSeconds ?? options.leaseDurationSeconds)
            let observedAt = state.withLock { $0.observedTime } ?? clock.now
            if observedAt + .seconds(seconds) > clock.now { return .heldByOther(holder) }
        }

        var spec = mine
        if holder == options.identity {
            spec.acquireTime = old.acquireTime ?? now
            spec.leaseTransitions = old.leaseTransitions ?? 0
        } else {
            spec.leaseTransitions = (old.leaseTransitions ?? 0) + 1
        }
        lease.spec = spec
        do {
            observe(try await client.replace(lease))
            return .acquired
        } catch {
            return .failed("update: \(error)")
        }
    }

    /// Runs `operation`, giving up on it (cancelling it) at `deadline`; `nil` on timeout.
    private func withDeadline<T: Sendable>(
        _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async -> T
    ) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await operation() }
            group.addTask {
                try? await self.clock.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
