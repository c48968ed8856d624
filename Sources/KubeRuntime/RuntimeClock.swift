/// The time source of the parts of the runtime that wait (leader election, the manager's
/// graceful-shutdown bound): a monotonic "now" and a way to sleep until an instant.
///
/// Production code uses `ContinuousRuntimeClock` (the default everywhere); tests inject a
/// manual clock (`KubeTestSupport.ManualClock`) so that timing rules are checked by advancing
/// time explicitly instead of measuring the wall clock.
public protocol RuntimeClock: Sendable {
    /// The current instant. Never goes backwards.
    var now: ContinuousClock.Instant { get }
    /// Suspends until `deadline` has been reached (returns at once when it has).
    /// Throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension RuntimeClock {
    /// Suspends for `duration` from `now`; throws `CancellationError` when cancelled first.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

/// `ContinuousClock` as a `RuntimeClock`: real, monotonic time that keeps counting while the
/// machine sleeps.
public struct ContinuousRuntimeClock: RuntimeClock {
    public init() {}

    public var now: ContinuousClock.Instant { ContinuousClock.now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
