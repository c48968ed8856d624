/// Everything ``AppDeploymentStatusComputation`` reads, gathered by the reconciler (branch
/// `drec`) from its caches and its own decisions. No I/O happens past this point.
public struct AppDeploymentStatusInput: Sendable {
    /// The database Resource `<name>-db` as observed (`spec.database` set).
    public struct Database: Sendable, Equatable {
        /// The Resource exists and is Ready.
        public var ready: Bool
        /// The Secret the Resource's status names (its *name*; key `uri`), when known.
        public var secretName: String?
        /// Why it is not ready (the Resource's `Ready` message), if known.
        public var message: String?
        public init(ready: Bool, secretName: String? = nil, message: String? = nil) {
            self.ready = ready
            self.secretName = secretName
            self.message = message
        }
    }

    /// The IPFSCluster of `spec.ipfs.cluster` as observed.
    public enum IPFS: Sendable, Equatable {
        /// No IPFSCluster of that name in the namespace (`IPFSBound` False `NotFound`).
        case notFound
        /// It exists and is not Ready (`IPFSBound` False `NotReady`, with its phase or message).
        case notReady(String)
        /// It is Ready (`IPFSBound` True `Bound`).
        case ready
    }

    /// The served APIs that decide the `Autoscaling` and `DisruptionBudget` conditions.
    public struct ServedAPIs: Sendable, Equatable {
        /// `autoscaling/v2` (HorizontalPodAutoscaler) is served (v1.23+).
        public var autoscalingV2: Bool
        /// `policy/v1` (PodDisruptionBudget) is served (v1.21+).
        public var policyV1: Bool
        public init(autoscalingV2: Bool, policyV1: Bool) {
            self.autoscalingV2 = autoscalingV2
            self.policyV1 = policyV1
        }
    }

    /// The object, with its stored status (`previous`).
    public var deployment: AppDeployment
    /// What stops the reconciler (validation, policy, name conflicts, refused writes): the first
    /// is `Stalled`'s reason. The plan's own problem (`UnknownRevision`) is added by the
    /// computation.
    public var problems: [AppDeploymentProblem]
    /// The digest `spec.image` resolved to (or the source build's); `nil` while it is not resolved.
    public var digest: String?
    /// The image deployed (`status.image.reference`): `spec.image`, or `<repository>:<commit>`
    /// of a source build. Default `spec.image`.
    public var imageReference: String?
    /// The source steps' plan (`spec.source`): `status.source`, `analysis`, `build`, the
    /// `Built` condition and the phases `Analyzing`, `Building`, `Failed` before anything is served.
    public var source: AppDeploymentSourcePlan?
    /// The container port when it is not `spec.port`: a source build's
    /// (``AppDeploymentSourcePlan/port(build:analysis:spec:)``); for the URL.
    public var port: Int?
    /// Why the digest is not resolved yet (the registry's status line, never credentials);
    /// used while ``digest`` is `nil`.
    public var resolvingMessage: String?
    /// Set while the app waits for quota to fit (phase `Queued`): the numbers.
    public var quotaWait: String?
    /// `nil` without `spec.database`, or before the Resource is observed (then not ready).
    public var database: Database?
    /// `nil` without `spec.ipfs`.
    public var ipfs: IPFS?
    /// The PVC `<name>-data` exists (with `spec.volume`). Its binding is not waited for: with a
    /// `WaitForFirstConsumer` class it binds only when a pod is scheduled.
    public var volumeClaimExists: Bool
    /// The revision plan, once a digest is resolved.
    public var plan: AppDeploymentRevisionPlan?
    /// The observed apps/v1 Deployment; `nil` before it exists.
    public var rollout: AppDeploymentObservedRollout?
    public var exposure: AppDeploymentObservedExposure
    public var servedAPIs: ServedAPIs

    public init(
        deployment: AppDeployment, problems: [AppDeploymentProblem] = [], digest: String? = nil,
        imageReference: String? = nil, source: AppDeploymentSourcePlan? = nil, port: Int? = nil,
        resolvingMessage: String? = nil, quotaWait: String? = nil, database: Database? = nil, ipfs: IPFS? = nil,
        volumeClaimExists: Bool = false, plan: AppDeploymentRevisionPlan? = nil,
        rollout: AppDeploymentObservedRollout? = nil, exposure: AppDeploymentObservedExposure = .init(),
        servedAPIs: ServedAPIs = .init(autoscalingV2: true, policyV1: true)
    ) {
        self.deployment = deployment
        self.problems = problems
        self.digest = digest
        self.imageReference = imageReference
        self.source = source
        self.port = port
        self.resolvingMessage = resolvingMessage
        self.quotaWait = quotaWait
        self.database = database
        self.ipfs = ipfs
        self.volumeClaimExists = volumeClaimExists
        self.plan = plan
        self.rollout = rollout
        self.exposure = exposure
        self.servedAPIs = servedAPIs
    }
}
