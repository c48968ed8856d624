import KubeCore

/// What the reconciler observed of the apps/v1 Deployment `<name>` (from the cache), as the
/// revision plan (``AppDeploymentRevisionPlan``) and the status computation
/// (``AppDeploymentStatusComputation``) read it. `nil` where they take one: no Deployment yet.
///
/// Build it with ``init(deployment:)`` from the observed object; the memberwise initialiser is
/// for tests.
public struct AppDeploymentObservedRollout: Sendable, Equatable {
    /// `metadata.generation` of the apps/v1 Deployment (bumped by the API server on every spec
    /// change, the operator's apply of a new pod template or replica count included).
    public var generation: Int64
    /// `status.observedGeneration`: the generation the Deployment controller has acted on;
    /// `nil` before it has.
    public var observedGeneration: Int64?
    /// `spec.replicas` of the Deployment: the replicas wanted (set by the operator, or by the
    /// HorizontalPodAutoscaler). 1 when the field is absent, as the API server defaults it.
    public var desiredReplicas: Int
    /// `status.replicas`: pods of any revision.
    public var replicas: Int
    /// `status.updatedReplicas`: pods of the current pod template.
    public var updatedReplicas: Int
    /// `status.availableReplicas`.
    public var availableReplicas: Int
    /// The Deployment's `Progressing` condition: `status` (`True`, `False`, `Unknown`) and
    /// `reason` (`NewReplicaSetAvailable`, `ReplicaSetUpdated`, `ProgressDeadlineExceeded`, ...);
    /// `nil` when it has none.
    public var progressingStatus: String?
    public var progressingReason: String?
    /// The image of the pod template's first container (`repo@sha256:...`), to tell which
    /// digest the observed rollout is about; `nil` when the template has no container.
    public var image: String?
    /// The pod template's annotation ``revisionAnnotation`` (the revision the template was
    /// rendered for), when present and a number.
    public var templateRevision: Int?

    /// `quartermaster.dev/revision`: the pod template annotation naming the revision.
    public static let revisionAnnotation = "quartermaster.dev/revision"

    public init(
        generation: Int64, observedGeneration: Int64?, desiredReplicas: Int, replicas: Int, updatedReplicas: Int,
        availableReplicas: Int, progressingStatus: String? = nil, progressingReason: String? = nil, image: String? = nil,
        templateRevision: Int? = nil
    ) {
        self.generation = generation
        self.observedGeneration = observedGeneration
        self.desiredReplicas = desiredReplicas
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.availableReplicas = availableReplicas
        self.progressingStatus = progressingStatus
        self.progressingReason = progressingReason
        self.image = image
        self.templateRevision = templateRevision
    }

    /// The observation of `deployment`: absent counts are 0, an absent `spec.replicas` is 1,
    /// an absent `metadata.generation` is 0.
    public init(deployment: Deployment) {
        let progressing = deployment.status?.conditions?.first { $0.type == "Progressing" }
        self.init(
            generation: deployment.metadata.generation ?? 0, observedGeneration: deployment.status?.observedGeneration,
            desiredReplicas: deployment.spec?.replicas ?? 1, replicas: deployment.status?.replicas ?? 0,
            updatedReplicas: deployment.status?.updatedReplicas ?? 0,
            availableReplicas: deployment.status?.availableReplicas ?? 0, progressingStatus: progressing?.status,
            progressingReason: progressing?.reason, image: deployment.spec?.template.spec?.containers.first?.image,
            templateRevision: deployment.spec?.template.metadata?.annotations?[Self.revisionAnnotation].flatMap { Int($0) })
    }

    /// The Deployment controller has acted on the latest spec (`observedGeneration ≥ generation`).
    public var observedCurrentGeneration: Bool { (observedGeneration ?? -1) >= generation }

    /// The rollout is complete: the latest spec observed, and every wanted pod updated and
    /// available with no pod of an older template left (`updatedReplicas == replicas ==
    /// availableReplicas == desiredReplicas`).
    public var isComplete: Bool {
        observedCurrentGeneration && updatedReplicas == desiredReplicas && replicas == desiredReplicas
            && availableReplicas == desiredReplicas
    }

    /// The Deployment controller gave up on the current generation: `Progressing` is `False`
    /// with reason `ProgressDeadlineExceeded`, and the latest spec is observed.
    public var progressDeadlineExceeded: Bool {
        observedCurrentGeneration && progressingStatus == "False" && progressingReason == "ProgressDeadlineExceeded"
    }

    /// `true` when the observed pod template is the one of `revision` with `digest`: its image
    /// has that digest and its revision annotation (when present) names that revision.
    public func runs(revision: Int, digest: String) -> Bool {
        self.digest == digest && (templateRevision == nil || templateRevision == revision)
    }

    /// The digest in ``image`` (`sha256:...`), if it is pinned.
    public var digest: String? { image.flatMap { AppDeploymentImage($0)?.digest } }
}
