import Foundation

/// Per-key token buckets that keep a controller from flooding the API with events, in the
/// style of client-go's spam filter.
///
/// Each key (object + reason) starts with `burst` tokens; an event takes one; a token comes
/// back every `refillInterval`, up to `burst`. Defaults: burst 25, one token per 5 minutes.
/// At most `maxKeys` keys are remembered; full buckets are forgotten first.
struct EventSpamFilter: Sendable {
    let burst: Double
    let refillInterval: TimeInterval
    let maxKeys: Int
    private var buckets: [String: Bucket] = [:]

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    init(burst: Int = 25, refillInterval: Duration = .seconds(300), maxKeys: Int = 4096) {
        self.burst = Double(max(1, burst))
        let (s, atto) = refillInterval.components
        self.refillInterval = max(0.001, Double(s) + Double(atto) / 1e18)
        self.maxKeys = maxKeys
    }

    /// Takes a token for `key` at `now`; `false` when the bucket is empty (drop the event).
    mutating func allow(_ key: String, now: Date) -> Bool {
        var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        bucket.tokens = min(burst, bucket.tokens + elapsed / refillInterval)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[key] = bucket
        if buckets.count > maxKeys { evict(now: now) }
        return allowed
    }

    private mutating func evict(now: Date) {
        let refillAll = burst * refillInterval
        buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < refillAll }
        if buckets.count > maxKeys {
            let keep = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(maxKeys / 2)
            buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
