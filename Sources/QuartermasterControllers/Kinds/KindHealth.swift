import KubeCore

/// How a kind's status reads as health in Argo CD (the shared `gitops/argocd/health.lua`) and
/// Flux (`healthCheckExprs`). Every kind writes `status.observedGeneration` and the conditions
/// `Ready`, `Reconciling` and `Stalled`; what differs is how it can be suspended, read from its
/// CRD's schema so it cannot disagree with it.
public struct KindHealth: Sendable, Equatable {
    /// The spec has a boolean `suspended`: a suspended object counts as suspended (Argo CD) or
    /// current (Flux), never as progressing or failed.
    public var suspendedBySpec: Bool
    /// `status.phase` can be `Suspended` (same meaning).
    public var suspendedPhase: Bool

    public init(suspendedBySpec: Bool, suspendedPhase: Bool) {
        self.suspendedBySpec = suspendedBySpec
        self.suspendedPhase = suspendedPhase
    }

    /// `spec.suspended` of type boolean, and `Suspended` among the values of `status.phase`.
    public init(crd: CustomResourceDefinitionModel) {
        self.init(
            suspendedBySpec: crd.spec.property(at: "suspended")?.type == "boolean",
            suspendedPhase: crd.status.property(at: "phase")?.enumValues?.contains("Suspended") == true)
    }

    /// `true` when the object can be suspended at all (either way).
    public var canBeSuspended: Bool { suspendedBySpec || suspendedPhase }
}
