import Foundation

/// Exponential backoff with jitter for the reflector's list and watch retries, following
/// client-go's reflector: 0.8 s doubling up to 30 s, reset after 2 minutes without a failure.
///
/// Each `next(at:)` call records a failure and returns how long to wait before retrying.
public struct Backoff: Sendable {
    /// The first delay. Default 0.8 s.
    public var initial: Duration
    /// The largest delay, jitter included. Default 30 s.
    public var maximum: Duration
    /// Growth per failure. Default 2.
    public var factor: Double
    /// Each delay is lengthened by up to this fraction, at random. Default 1.0 (client-go's), so
    /// a delay `d` becomes a value in `[d, 2d)`, capped at `maximum`.
    public var jitter: Double
    /// After this long without a failure, the next delay starts again at `initial`. Default 2 min.
    public var resetAfter: Duration

    private var current: Duration?
    private var lastFailure: ContinuousClock.Instant?

    public init(
        initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2,
        jitter: Double = 1.0, resetAfter: Duration = .seconds(120)
    ) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self.resetAfter = resetAfter
    }

    /// Records a failure at `now` and returns the delay before the next attempt.
    ///
    /// - Parameter random: a value in `[0, 1)` scaling the jitter; random by default (tests pass
    ///   a fixed value).
    public mutating func next(
        at now: ContinuousClock.Instant = .now, random: Double = Double.random(in: 0..<1)
    ) -> Duration {
        if let lastFailure, now - lastFailure >= resetAfter { current = nil }
        let base: Duration
        if let current {
            base = min(maximum, current * factor)
        } else {
            base = min(maximum, initial)
        }
        current = base
        lastFailure = now
        return min(maximum, base + base * (jitter * random))
    }

    /// Forgets past failures: the next delay is `initial` again.
    public mutating func reset() {
        current = nil
        lastFailure = nil
    }
}
