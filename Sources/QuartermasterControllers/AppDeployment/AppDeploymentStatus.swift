import KubeCore
import KubeRuntime
import SourceBuild

/// `status` of a `Deployment` (``AppDeployment``), written by the operator. JSON names are the
/// contract's (`/work/notes/deployment.md`, "Status"). No secret is ever written here (the
/// database Secret's *name* only).
public struct AppDeploymentStatus: ConditionedStatus {
    /// The design's phases. `Analyzing` and `Building` belong to source builds (issue 14): an
    /// image never passes them.
    public enum Phase: String, Codable, Sendable, CaseIterable {
        /// Accepted; waiting for quota fit or for the image's digest.
        case queued = "Queued"
        case analyzing = "Analyzing"
        case building = "Building"
        /// The database Resource, the volume or the IPFSCluster is not ready yet.
        case provisioning = "Provisioning"
        /// The apps/v1 Deployment is rolling out.
        case deploying = "Deploying"
        /// Every desired pod is updated and available; the URL is not known yet.
        case healthy = "Healthy"
        /// Healthy, and reachable at `status.url`. The only phase with `Ready` `True`.
        case exposed = "Exposed"
        /// A rollout failed with no healthy revision to go back to.
        case failed = "Failed"
        /// A failed revision is being replaced by the last healthy one.
        case rollingBack = "RollingBack"
    }

    /// `status.image`: ``AppDeploymentSpec/image`` and the digest it resolved to.
    public struct Image: Codable, Sendable, Equatable {
        /// `spec.image` as written when it was resolved.
        public var reference: String
        /// `sha256:<64 hex>`; `nil` while not resolved.
        public var digest: String?
        public init(reference: String, digest: String? = nil) {
            self.reference = reference
            self.digest = digest
        }
    }

    /// `status.database`: the child Resource and the name of the Secret it produced.
    public struct Database: Codable, Sendable, Equatable {
        /// The child Resource's name (`<name>-db`).
        public var resource: String
        /// The Secret holding the URI (key `uri`); `nil` until known. A name, never its data.
        public var secretName: String?
        /// The Resource is Ready.
        public var ready: Bool
        public init(resource: String, secretName: String? = nil, ready: Bool = false) {
            self.resource = resource
            self.secretName = secretName
            self.ready = ready
        }
    }

    /// One revision: a pair (image digest, template hash) and what became of it.
    public struct HistoryEntry: Codable, Sendable, Equatable {
        /// What became of a revision.
        public enum Outcome: String, Codable, Sendable, CaseIterable {
            /// Being rolled out now.
            case deploying = "Deploying"
            /// Its rollout completed.
            case healthy = "Healthy"
            /// Its rollout failed and nothing could be rolled back to.
            case failed = "Failed"
            /// Its rollout failed and the operator rolled back from it.
            case rolledBack = "RolledBack"
            /// A newer revision replaced it.
            case superseded = "Superseded"
        }
        /// ≥ 1; a new pair gets the largest number in the history + 1.
        public var revision: Int
        /// `spec.image` as written when the revision was made.
        public var image: String
        /// `sha256:<64 hex>`.
        public var digest: String
        /// ``ContentHash`` of the pod template without the image: 16 hex digits.
        public var templateHash: String
        /// When the revision was first rolled out, RFC3339.
        public var deployedAt: String?
        public var outcome: Outcome
        /// CamelCase reason of the outcome (`ProgressDeadlineExceeded`); may be empty.
        public var reason: String?
        /// Human-readable details; may be empty.
        public var message: String?
        /// The source commit (40 hex) the image was built from; `nil` for image deploys.
        public var commit: String?

        public init(
            revision: Int, image: String, digest: String, templateHash: String, deployedAt: String? = nil,
            outcome: Outcome, reason: String? = nil, message: String? = nil, commit: String? = nil
        ) {
            self.commit = commit
            self.revision = revision
            self.image = image
            self.digest = digest
            self.templateHash = templateHash
            self.deployedAt = deployedAt
            self.outcome = outcome
            self.reason = reason
            self.message = message
        }
    }

    /// `meta/v1 Condition`, the one type every kind's status uses.
    public typealias Condition = KubeCore.Condition

    /// The condition types this kind writes besides `Ready`, `Reconciling` and `Stalled`.
    public enum ConditionType {
        /// `True` after an automatic rollback (reason `ProgressDeadlineExceeded`); removed when a
        /// newer revision is Healthy.
        public static let rolledBack = "RolledBack"
        /// With `spec.autoscaling`: `True`, or `False` `NotServed` when autoscaling/v2 is not served.
        public static let autoscaling = "Autoscaling"
        /// With more than one replica: `True` `Created`, or `False` `NotServed` when policy/v1 is not served.
        public static let disruptionBudget = "DisruptionBudget"
        /// With `spec.database`.
        public static let databaseReady = "DatabaseReady"
        /// With `spec.ipfs`.
        public static let ipfsBound = "IPFSBound"
        /// With `spec.source`: `True` `Succeeded` once the image is built, `False` with the
        /// build's reason (``BuildStatus/Reason``); absent for image deploys.
        public static let built = "Built"
    }

    public var observedGeneration: Int64?
    public var phase: Phase?
    /// 0...100, from the phase (``AppDeploymentProgress``): a coarse figure for progress bars.
    public var progress: Int?
    /// The revision being served.
    public var revision: Int?
    /// Where the app is reached: the Ingress (`https://` with TLS), a LoadBalancer Service
    /// (`http://<address>:<port>`), else `http://<name>.<namespace>.svc:<port>`.
    public var url: String?
    /// The Ingress's or LoadBalancer Service's load-balancer IP (a hostname goes to ``url`` only).
    public var ip: String?
    public var image: Image?
    /// Pods of the apps/v1 Deployment (its `status.replicas`).
    public var replicas: Int?
    /// Available pods of the apps/v1 Deployment.
    public var availableReplicas: Int?
    public var database: Database?
    /// Revisions, oldest first, newest last; at most `spec.revisionHistoryLimit`.
    public var history: [HistoryEntry]?
    /// With `spec.source`: the ref and the commit it resolved to.
    public var source: SourceStatus?
    /// With `spec.source`: what the analysis of ``source``'s commit found.
    public var analysis: SourceAnalysis?
    /// With `spec.source`: the latest build.
    public var build: BuildStatus?
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil, phase: Phase? = nil, revision: Int? = nil, url: String? = nil,
        ip: String? = nil, image: Image? = nil, replicas: Int? = nil, availableReplicas: Int? = nil,
        database: Database? = nil, history: [HistoryEntry]? = nil, conditions: [Condition]? = nil,
        progress: Int? = nil, source: SourceStatus? = nil, analysis: SourceAnalysis? = nil, build: BuildStatus? = nil
    ) {
        self.progress = progress
        self.source = source
        self.analysis = analysis
        self.build = build
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.revision = revision
        self.url = url
        self.ip = ip
        self.image = image
        self.replicas = replicas
        self.availableReplicas = availableReplicas
        self.database = database
        self.history = history
        self.conditions = conditions
    }

    /// The structural schema of `status`.
    public static var schema: JSONSchemaProperty {
        .object(
            "Observed state of the application, written by the operator.",
            [
                "observedGeneration": .integer("The spec generation this status reflects.", format: "int64"),
                "phase": .string(
                    "Summary: Queued, Analyzing, Building, Provisioning, Deploying, Healthy, Exposed, Failed or RollingBack.",
                    enum: Phase.allCases.map(\.rawValue)),
                "progress": .integer("0 to 100, from the phase.", minimum: 0, maximum: 100),
                "revision": .integer("The revision being served (see history).", minimum: 1),
                "url": .string("Where the application is reached."),
                "ip": .string("Load-balancer IP address of the Ingress or Service, when it has one."),
                "image": .object(
                    "spec.image and the digest it resolved to.", required: ["reference"],
                    [
                        "reference": .string("spec.image as written."),
                        "digest": .string("The resolved digest (sha256:...)."),
                    ]),
                "replicas": .integer("Pods of the apps/v1 Deployment."),
                "availableReplicas": .integer("Available pods of the apps/v1 Deployment."),
                "database": .object(
                    "The database Resource and the name of its Secret (never its contents).", required: ["resource", "ready"],
                    [
                        "resource": .string("Name of the child Resource."),
                        "secretName": .string("Name of the Secret holding the connection URI (key uri)."),
                        "ready": .boolean("The Resource is Ready."),
                    ]),
                "history": .array(
                    "Revisions, newest last; at most spec.revisionHistoryLimit.",
                    of: .object(
                        "One revision: an image digest and pod template hash, and what became of it.",
                        required: ["revision", "image", "digest", "templateHash", "outcome"],
                        [
                            "revision": .integer("Revision number.", minimum: 1),
                            "image": .string("spec.image when the revision was made."),
                            "digest": .string("Image digest (sha256:...)."),
                            "templateHash": .string("Hash of the pod template without the image."),
                            "deployedAt": .string("When it was first rolled out.", format: "date-time"),
                            "outcome": .string(
                                "Deploying, Healthy, Failed, RolledBack or Superseded.",
                                enum: HistoryEntry.Outcome.allCases.map(\.rawValue)),
                            "reason": .string("Reason of the outcome."),
                            "message": .string("Details of the outcome."),
                            "commit": .string(
                                "The source commit the image was built from (source deploys).",
                                pattern: AppDeploymentSpec.commitPattern, maxLength: 40),
                        ])),
                "source": SourceStatus.schema,
                "analysis": analysisSchema,
                "build": BuildStatus.schema,
                "conditions": QuartermasterSchemaNodes.conditions(
                    "Latest observations: Ready, Reconciling, Stalled, RolledBack, Autoscaling, DisruptionBudget, DatabaseReady, IPFSBound, Built.",
                    required: ["type", "status", "lastTransitionTime", "reason", "message"]),
            ])
    }
}
