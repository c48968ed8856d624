/// Thrown when the leader could not renew its lease within the renew deadline, or saw another
/// candidate holding it. The process must stop its workers and exit: another replica may
/// already be acting as leader.
public struct LeaderElectionLost: Error, Sendable, Equatable, CustomStringConvertible {
    /// `namespace/name` of the lease.
    public var lease: String
    /// This candidate's identity.
    public var identity: String
    /// Why leadership was lost.
    public var reason: String

    public init(lease: String, identity: String, reason: String) {
        self.lease = lease
        self.identity = identity
        self.reason = reason
    }

    public var description: String { "lost leadership of lease \(lease) as \(identity): \(reason)" }
}
