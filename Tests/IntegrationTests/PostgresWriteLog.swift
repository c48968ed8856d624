import Foundation

/// What `PostgresWriters` saw, and what follows from it: the rows acknowledged, the write
/// downtime around a fault, and whether two instances acknowledged writes at once.
///
/// Times are offsets from the writers' start on one monotonic clock (the test process's), so
/// the analysis is pure (table-tested in `PostgresWriteLogTests`). Nothing here is an
/// expectation of speed: the downtime is a measurement to print, never to assert.
struct PostgresWriteLog: Sendable, Equatable {
    /// One inserted row: the instance whose writer inserted it (the table's `instance`) and
    /// its number (`seq`).
    struct Row: Hashable, Sendable, Comparable, CustomStringConvertible {
        var instance: String
        var sequence: Int
        static func < (a: Row, b: Row) -> Bool { (a.instance, a.sequence) < (b.instance, b.sequence) }
        var description: String { "\(instance):\(sequence)" }
    }

    /// One commit the server acknowledged: the row, when the INSERT was sent and when its
    /// success came back (offsets from the writers' start).
    struct Commit: Sendable, Equatable {
        var row: Row
        var sentAt: Duration
        var acknowledgedAt: Duration
    }

    /// Every acknowledged commit, in the order the acknowledgements arrived (per writer).
    var acknowledged: [Commit] = []
    /// Commits that came back with PostgreSQL's warning that the wait for synchronous
    /// replication was cancelled: committed locally, not confirmed replicated. An application
    /// cannot count on them; they are kept apart and are not "acknowledged".
    var unconfirmed: [Commit] = []
    /// Attempts that failed (refused, timed out, read-only, killed by the hang guard), per
    /// instance: how often each writer tried and failed.
    var failures: [String: Int] = [:]
    /// The last failure message per instance (one line), for diagnostics.
    var lastFailure: [String: String] = [:]

    /// The rows whose commits were acknowledged.
    var acknowledgedRows: Set<Row> { Set(acknowledged.map(\.row)) }

    /// The acknowledged rows missing from `present` (the rows a server holds): must be empty
    /// on a new primary after a failover with synchronous replication.
    func lost(present: Set<Row>) -> [Row] { acknowledgedRows.subtracting(present).sorted() }

    /// The write downtime around a fault at `fault`: the longest gap between consecutive
    /// acknowledged commits (every instance's, merged in time order) from the last one at or
    /// before `fault` (or `fault` itself when there is none) on. `nil` when no commit was
    /// acknowledged after `fault` (writes never resumed).
    func downtime(after fault: Duration) -> Duration? {
        let times = acknowledged.map(\.acknowledgedAt).sorted()
        let later = times.filter { $0 > fault }
        guard !later.isEmpty else { return nil }
        var previous = times.last { $0 <= fault } ?? fault
        var longest = Duration.zero
        for time in later {
            longest = max(longest, time - previous)
            previous = time
        }
        return longest
    }

    /// Per instance, the interval from its first to its last acknowledged commit at or after
    /// `since`; instances with none are absent.
    func writingIntervals(since: Duration) -> [String: ClosedRange<Duration>] {
        var intervals: [String: ClosedRange<Duration>] = [:]
        for commit in acknowledged where commit.acknowledgedAt >= since {
            let time = commit.acknowledgedAt
            if let interval = intervals[commit.row.instance] {
                intervals[commit.row.instance] = min(interval.lowerBound, time)...max(interval.upperBound, time)
            } else {
                intervals[commit.row.instance] = time...time
            }
        }
        return intervals
    }

    /// "Two writers at once": two different instances whose intervals of acknowledged commits
    /// at or after `since` (the fault, or the moment the promotion began) overlap, i.e. one
    /// acknowledged a commit while the other was also acknowledging them. `nil` when no two do
    /// (one writable instance at a time). Returns the first such pair, in name order.
    func concurrentWriters(since: Duration) -> (String, String)? {
        let intervals = writingIntervals(since: since).sorted { $0.key < $1.key }
        for (index, first) in intervals.enumerated() {
            for second in intervals[(index + 1)...] where first.value.overlaps(second.value) {
                return (first.key, second.key)
            }
        }
        return nil
    }

    /// The instances that acknowledged commits at or after `since`, in name order.
    func writers(since: Duration) -> [String] { writingIntervals(since: since).keys.sorted() }

    /// A duration in seconds with millisecond precision, for printing (`5.123 s`).
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return String(format: "%.3f s", Double(milliseconds) / 1000)
    }
}
