import Foundation
import KubeCore

/// What the AppDeployment reconciler observed and decided in one reconcile, condensed: the
/// input of ``AppDeploymentStatusComputation``. (The raw reads are `AppDeploymentObservedObjects`.)
public struct AppDeploymentObservation: Sendable {
    /// The IPFSCluster of `spec.ipfs`.
    public enum IPFSState: String, Sendable, Hashable {
        /// No IPFSCluster of that name in the namespace (`IPFSBound` False `NotFound`).
        case notFound = "NotFound"
        /// It exists and is not Ready (`IPFSBound` False `NotReady`).
        case notReady = "NotReady"
        /// Ready: the pods get its API address (`IPFSBound` True).
        case bound = "Bound"
    }

    /// Problems that stop the reconciler: `Stalled` with the first's reason.
    public var problems: [AppDeploymentProblem] = []
    /// Why `spec.image` could not be resolved (phase `Queued`, `Reconciling` reason
    /// `ResolvingImage`); `nil` when resolved or not tried.
    public var imageFailure: String?
    /// The digest `spec.image` resolved to; `nil` until resolved.
    public var digest: String?
    /// Why the quota does not fit the app (phase `Queued`, `Stalled` `QuotaExceeded`); `nil` when
    /// it fits or was not checked (the apps/v1 Deployment exists).
    public var quotaShortfall: String?
    /// `status.database` as observed; `nil` without `spec.database`.
    public var database: AppDeploymentStatus.Database?
    /// The binding's state; `nil` without `spec.ipfs`.
    public var ipfs: IPFSState?
    /// The data claim, when `spec.volume` asks for one and it exists.
    public var claim: PersistentVolumeClaim?
    /// The revision decision (``AppDeploymentRevisionPlan``); `nil` before the app is deployed.
    public var plan: AppDeploymentInterimRevisionPlan.Outcome?
    /// `true` once every object of the plan was applied in this reconcile.
    public var applied = false
    /// The apps/v1 Deployment, Service and Ingress as last read or written.
    public var deployment: Deployment?
    public var service: Service?
    public var ingress: Ingress?
    /// Which optional APIs the server serves (``AppDeploymentContext/ServedAPIs``).
    public var servedAPIs: AppDeploymentContext.ServedAPIs
    /// The namespace's Tenant when it is suspended, `nil` otherwise.
    public var suspendedByTenant: String?

    public init(servedAPIs: AppDeploymentContext.ServedAPIs = .init(), suspendedByTenant: String? = nil) {
        self.servedAPIs = servedAPIs
        self.suspendedByTenant = suspendedByTenant
    }
}
