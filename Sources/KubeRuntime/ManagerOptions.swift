import Foundation
import KubeCore

/// Settings of a `Manager`, with their defaults.
public struct ManagerOptions: Sendable {
    /// Who the operator is; required (a lease name shared by two operators would let one
    /// block the other). The lease name defaults to its `leaderElectionID`.
    public var operatorIdentity: OperatorIdentity
    /// Where `/metrics` is served. Default `:8080`; `0` disables it.
    public var metricsBindAddress: BindAddress
    /// Where `/healthz` and `/readyz` are served. Default `:8081`; `0` disables it.
    public var healthProbeBindAddress: BindAddress
    /// Run workers only on the replica holding the lease. Default `false` (workers run at once).
    public var leaderElection: Bool
    /// Namespace of the leader election lease. Default: the pod's namespace when running in a
    /// cluster (read from the service account), else `default`.
    public var leaderElectionNamespace: String
    /// Name of the leader election lease. Default `operatorIdentity.leaderElectionID`.
    public var leaderElectionID: String
    /// This replica's identity in the lease. Default: `hostname_UUID`.
    public var leaderElectionIdentity: String
    /// Lease timing. Defaults: 15 s / 10 s / 2 s (client-go's).
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    /// How long shutdown waits for workers and caches to stop before giving up on them; also
    /// the grace period the workers get after leadership is lost, before `Manager.run()`
    /// throws `LeaderElectionLost` regardless. Default 30 s.
    public var gracefulShutdownTimeout: Duration
    /// Install SIGTERM/SIGINT handlers that shut the manager down (a second signal exits at
    /// once with status 1). Default `true`; tests turn it off and call `Manager.shutdown()`.
    public var handleSignals: Bool
    /// How often every controller added to the manager re-enqueues each cached primary object
    /// (controller-runtime's `SyncPeriod`); replaces the controller's own `resync` when it is
    /// added. `nil` turns resync off. Default `ResyncPeriod.controllerRuntimeDefault`: 10 h,
    /// each wait jittered by ±10%.
    public var syncPeriod: ResyncPeriod?

    public init(
        operatorIdentity: OperatorIdentity,
        metricsBindAddress: BindAddress = .listen(host: nil, port: 8080),
        healthProbeBindAddress: BindAddress = .listen(host: nil, port: 8081),
        leaderElection: Bool = false,
        leaderElectionNamespace: String = ManagerOptions.inClusterNamespace() ?? "default",
        leaderElectionID: String? = nil,
        leaderElectionIdentity: String = LeaderElectionOptions.defaultIdentity(),
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2), gracefulShutdownTimeout: Duration = .seconds(30),
        handleSignals: Bool = true, syncPeriod: ResyncPeriod? = .controllerRuntimeDefault
    ) {
        self.operatorIdentity = operatorIdentity
        self.metricsBindAddress = metricsBindAddress
        self.healthProbeBindAddress = healthProbeBindAddress
        self.leaderElection = leaderElection
        self.leaderElectionNamespace = leaderElectionNamespace
        self.leaderElectionID = leaderElectionID ?? operatorIdentity.leaderElectionID
        self.leaderElectionIdentity = leaderElectionIdentity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.gracefulShutdownTimeout = gracefulShutdownTimeout
        self.handleSignals = handleSignals
        self.syncPeriod = syncPeriod
    }

    /// The leader election settings these options describe.
    public var leaderElectionOptions: LeaderElectionOptions {
        LeaderElectionOptions(
            namespace: leaderElectionNamespace, name: leaderElectionID, identity: leaderElectionIdentity,
            leaseDuration: leaseDuration, renewDeadline: renewDeadline, retryPeriod: retryPeriod,
            releaseOnCancel: true)
    }

    /// The pod's namespace, from the mounted service account; `nil` outside a cluster.
    public static func inClusterNamespace(
        path: String = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
    ) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let ns = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return ns.isEmpty ? nil : ns
    }
}
