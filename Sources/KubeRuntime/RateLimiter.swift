import Foundation
import Synchronization

/// Decides how long a failed key waits before it is handed out again.
public protocol RateLimiter<Key>: Sendable {
    associatedtype Key: Hashable & Sendable
    /// Records one more failure of `key` and returns how long it must wait.
    func when(_ key: Key) -> Duration
    /// Forgets `key`'s failures (after a success).
    func forget(_ key: Key)
    /// How many failures of `key` are on record.
    func retries(_ key: Key) -> Int
}

/// Per-key exponential backoff: `base * 2^failures`, capped at `maximum`.
///
/// Defaults as controller-runtime's: 5 ms doubling up to 1000 s (5 ms, 10 ms, 20 ms, ...).
public final class ExponentialFailureRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let base: Duration
    public let maximum: Duration
    private let failures = Mutex<[Key: Int]>([:])

    public init(base: Duration = .milliseconds(5), maximum: Duration = .seconds(1000)) {
        self.base = base
        self.maximum = maximum
    }

    public func when(_ key: Key) -> Duration {
        let exponent = failures.withLock { f -> Int in
            let n = f[key, default: 0]
            f[key] = n + 1
            return n
        }
        // 2^exponent overflows Double only far beyond any cap; clamp early anyway.
        let seconds = Double(base.components.seconds) + Double(base.components.attoseconds) / 1e18
        let delay = seconds * pow(2, Double(min(exponent, 62)))
        let maxSeconds = Double(maximum.components.seconds) + Double(maximum.components.attoseconds) / 1e18
        return delay >= maxSeconds ? maximum : .nanoseconds(Int64(delay * 1e9))
    }

    public func forget(_ key: Key) { failures.withLock { _ = $0.removeValue(forKey: key) } }

    public func retries(_ key: Key) -> Int { failures.withLock { $0[key, default: 0] } }
}

/// An overall token bucket shared by all keys: `rate` tokens per second, `burst` at most.
///
/// Defaults as controller-runtime's: 10 per second, burst 100. It has no per-key state, so
/// `forget` and `retries` do nothing.
public final class TokenBucketRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let rate: Double
    public let burst: Int
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }
    private let bucket: Mutex<Bucket>

    public init(rate: Double = 10, burst: Int = 100) {
        self.rate = rate
        self.burst = burst
        bucket = Mutex(Bucket(tokens: Double(burst), last: .now))
    }

    public func when(_ key: Key) -> Duration {
        bucket.withLock { b in
            let now = ContinuousClock.now
            let elapsed = now - b.last
            let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            b.tokens = min(Double(burst), b.tokens + elapsedSeconds * rate)
            b.last = now
            b.tokens -= 1  // reserve a token, possibly going into debt
            return b.tokens >= 0 ? .zero : .nanoseconds(Int64(-b.tokens / rate * 1e9))
        }
    }

    public func forget(_ key: Key) {}
    public func retries(_ key: Key) -> Int { 0 }
}

/// The longest delay of several limiters (every limiter records each failure).
public final class MaxOfRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let limiters: [any RateLimiter<Key>]

    public init(_ limiters: [any RateLimiter<Key>]) { self.limiters = limiters }

    /// controller-runtime's default: per-key 5 ms → 1000 s, and 10 per second overall (burst 100).
    public static func controllerDefault() -> MaxOfRateLimiter<Key> {
        MaxOfRateLimiter([ExponentialFailureRateLimiter<Key>(), TokenBucketRateLimiter<Key>()])
    }

    public func when(_ key: Key) -> Duration { limiters.map { $0.when(key) }.max() ?? .zero }
    public func forget(_ key: Key) { for l in limiters { l.forget(key) } }
    public func retries(_ key: Key) -> Int { limiters.map { $0.retries(key) }.max() ?? 0 }
}
