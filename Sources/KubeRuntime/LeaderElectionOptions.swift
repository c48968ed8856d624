import Foundation

/// Settings of a `LeaderElector`, with client-go's defaults.
///
/// The durations must satisfy `leaseDuration > renewDeadline > retryPeriod`: a leader gives up
/// (after `renewDeadline` without a successful renewal) before any standby may take over (after
/// `leaseDuration` without an observed change).
public struct LeaderElectionOptions: Sendable, Hashable {
    /// Namespace of the `Lease`.
    public var namespace: String
    /// Name of the `Lease` (the lock's id).
    public var name: String
    /// This candidate's identity, written as the lease's `holderIdentity`.
    /// Default: `LeaderElectionOptions.defaultIdentity()` (`hostname_UUID`).
    public var identity: String
    /// How long standbys wait, after they last saw the lease change, before taking it over.
    /// Written to the lease in whole seconds (at least 1). Default: 15 s.
    public var leaseDuration: Duration
    /// How long the leader keeps retrying a failing renewal before it gives up leadership.
    /// Default: 10 s.
    public var renewDeadline: Duration
    /// The pause between attempts to acquire or renew. Default: 2 s.
    public var retryPeriod: Duration
    /// Release the lease when the elector is cancelled (graceful shutdown), so a standby takes
    /// over at once instead of after `leaseDuration`. Default: `true`.
    public var releaseOnCancel: Bool

    public init(
        namespace: String, name: String, identity: String = LeaderElectionOptions.defaultIdentity(),
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true
    ) {
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }

    /// `hostname_<random UUID>`: unique even when two replicas share a host name.
    public static func defaultIdentity() -> String {
        ProcessInfo.processInfo.hostName + "_" + UUID().uuidString.lowercased()
    }

    /// `leaseDuration` in whole seconds, rounded up, at least 1: what goes into the lease.
    var leaseDurationSeconds: Int32 {
        let (s, atto) = leaseDuration.components
        return Int32(clamping: max(1, s + (atto > 0 ? 1 : 0)))
    }
}
