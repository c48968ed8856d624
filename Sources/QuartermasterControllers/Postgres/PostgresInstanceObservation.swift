import KubeCore

/// What the reconciler observed of a PostgresInstance, condensed: the input of the pure
/// functions (``PostgresInstanceDesiredState`` and ``PostgresInstanceStatusComputation``).
public struct PostgresInstanceObservation: Sendable, Hashable {
    /// One instance pod as observed.
    public struct ObservedPod: Sendable, Hashable {
        public var name: String
        public var serial: Int
        public var podIP: String?
        /// The pod's `Ready` condition is True.
        public var ready: Bool
        /// `deletionTimestamp` is set.
        public var deleting: Bool
        /// Its ``PostgresInstanceDesiredState/podSpecHashAnnotation``.
        public var specHash: String?
        /// Its `quartermaster.dev/role` label.
        public var roleLabel: String?

        public init(
            name: String, serial: Int, podIP: String? = nil, ready: Bool = false, deleting: Bool = false,
            specHash: String? = nil, roleLabel: String? = nil
        ) {
            self.name = name
            self.serial = serial
            self.podIP = podIP
            self.ready = ready
            self.deleting = deleting
            self.specHash = specHash
            self.roleLabel = roleLabel
        }
    }

    /// The instance pods, by ascending serial.
    public var pods: [ObservedPod]
    /// Serials of the data claims that exist.
    public var claimSerials: [Int]
    /// The instance managers' reports, by pod name (pods that did not answer are absent).
    public var reports: [String: InstanceReport]
    /// What stops the reconciler (any: `Stalled`).
    public var problems: [PostgresInstanceProblem]
    /// `false` when the server does not serve `policy/v1`.
    public var podDisruptionBudgetServed: Bool
    /// The `<name>-app` Secret exists.
    public var credentialsExist: Bool
    /// The pooler Deployment as observed (its ready replicas).
    public var poolerDeployment: Deployment?
    /// Namespaces that accept the app Secret's copy but hold another Secret of its name (left
    /// alone).
    public var secretCopyConflicts: [String]
    /// The name of the namespace's Tenant when it is suspended (the instance is suspended as by
    /// its own `spec.suspended`), `nil` otherwise.
    public var suspendedByTenant: String?

    public init(
        pods: [ObservedPod] = [], claimSerials: [Int] = [], reports: [String: InstanceReport] = [:],
        problems: [PostgresInstanceProblem] = [], podDisruptionBudgetServed: Bool = true, credentialsExist: Bool = false,
        poolerDeployment: Deployment? = nil, secretCopyConflicts: [String] = [], suspendedByTenant: String? = nil
    ) {
        self.suspendedByTenant = suspendedByTenant
        self.secretCopyConflicts = secretCopyConflicts
        self.pods = pods
        self.claimSerials = claimSerials
        self.reports = reports
        self.problems = problems
        self.podDisruptionBudgetServed = podDisruptionBudgetServed
        self.credentialsExist = credentialsExist
        self.poolerDeployment = poolerDeployment
    }

    public var podNames: [String] { pods.map(\.name) }

    /// The role each reporting instance manager claims (unknown roles left out).
    public var reportedRoles: [String: PostgresPodRole] { reports.compactMapValues(\.podRole) }
}
