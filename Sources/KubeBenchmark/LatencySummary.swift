/// Percentiles of a set of measured durations.
///
/// Percentiles use the nearest-rank method: the p-th percentile of n sorted samples is the
/// sample at rank ⌈p/100 · n⌉ (1-based), so it is always one of the samples.
public struct LatencySummary: Sendable, Hashable {
    /// The samples, sorted ascending.
    public let sorted: [Duration]

    public init(_ samples: [Duration]) { sorted = samples.sorted() }

    public var count: Int { sorted.count }

    /// The p-th percentile (0 < p ≤ 100); `nil` when there are no samples.
    public func percentile(_ p: Double) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let clamped = Swift.min(Swift.max(p, 0), 100)
        let rank = Int((clamped / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    public var p50: Duration? { percentile(50) }
    public var p99: Duration? { percentile(99) }
    public var max: Duration? { sorted.last }
    public var min: Duration? { sorted.first }
}

extension Duration {
    /// This duration in milliseconds, as a `Double`.
    public var milliseconds: Double {
        let (s, atto) = components
        return Double(s) * 1000 + Double(atto) / 1e15
    }

    /// This duration in seconds, as a `Double`.
    public var seconds: Double { milliseconds / 1000 }
}
