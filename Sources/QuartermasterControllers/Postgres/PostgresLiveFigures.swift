/// The WAL figures of `status.instancesStatus[]` (`lsn`, `receivedLsn`, `replicationLagBytes`)
/// move with every write the database takes, including the few records an idle server logs
/// (checkpoints, running-transaction snapshots). Copied into the status on every poll, they
/// would make every reconcile write. So, like ``PostgresVolumeUsage/settled(_:previous:)``, a
/// stored figure stays until the reported one has moved by at least ``walSegmentBytes``:
/// an idle instance's status is written once and then left alone, and a busy one's at most once
/// per poll. The live figures are in the instance manager's `/status` and the metrics.
public enum PostgresLiveFigures {
    /// One WAL segment (PostgreSQL's default, 16 MiB): how far a figure moves before it is rewritten.
    public static let walSegmentBytes: UInt64 = 16 << 20

    /// `reported`, unless both parse and `previous` is within ``walSegmentBytes`` of it: then
    /// `previous`. A figure that appears, disappears or does not parse is taken as reported.
    public static func settledLSN(_ reported: String?, previous: String?) -> String? {
        guard let reported, let previous, let now = PostgresLSN(reported), let then = PostgresLSN(previous) else {
            return reported
        }
        let moved = now.value > then.value ? now.value - then.value : then.value - now.value
        return moved < walSegmentBytes ? previous : reported
    }

    /// `reported`, unless `previous` is within ``walSegmentBytes`` of it and both are on the same
    /// side of zero (a replica catching up to 0, or starting to lag, is always written). A
    /// negative figure (positions sampled at different moments; seen in the full suite as -96)
    /// is 0: a replica is never ahead of what it received.
    public static func settledLag(_ reported: Int?, previous: Int?) -> Int? {
        let reported = reported.map { max(0, $0) }
        let previous = previous.map { max(0, $0) }
        guard let reported, let previous, (reported == 0) == (previous == 0) else { return reported }
        return UInt64(abs(reported - previous)) < walSegmentBytes ? previous : reported
    }
}
