import Foundation
import KubeCore

/// What the AppDeployment reconciler observed and decided in one reconcile, condensed; turned
/// into the input of ``AppDeploymentStatusComputation`` by ``statusInput(for:)``. (The raw
/// reads are `AppDeploymentObservedObjects`.)
public struct AppDeploymentObservation: Sendable {
    /// Problems that stop the reconciler: `Stalled` with the first's reason.
    public var problems: [AppDeploymentProblem] = []
    /// Why `spec.image` could not be resolved (phase `Queued`, `Reconciling` reason
    /// `ResolvingImage`); `nil` when resolved or not tried.
    public var imageFailure: String?
    /// The digest `spec.image` resolved to (or the source build's); `nil` until resolved.
    public var digest: String?
    /// The image reference deployed: `spec.image`, or `<repository>:<commit>` of a source build.
    public var imageReference: String?
    /// The source steps (`spec.source`); `nil` for image deploys or before they were planned.
    public var source: AppDeploymentSourcePlan?
    /// The container port deployed when it is not `spec.port` (a source build's).
    public var port: Int?
    /// Why the quota does not fit the app (phase `Queued`); `nil` when it fits or was not
    /// checked (the apps/v1 Deployment exists).
    public var quotaShortfall: String?
    /// The database Resource `<name>-db` as observed; `nil` without `spec.database`.
    public var database: AppDeploymentStatusInput.Database?
    /// The IPFSCluster of `spec.ipfs`; `nil` without it.
    public var ipfs: AppDeploymentStatusInput.IPFS?
    /// The data claim exists (with `spec.volume`).
    public var claimExists = false
    /// The revision decision; `nil` before the app is deployed.
    public var plan: AppDeploymentRevisionPlan?
    /// The apps/v1 Deployment, Service and Ingress as last read or written.
    public var deployment: Deployment?
    public var service: Service?
    public var ingress: Ingress?
    /// Which optional APIs the server serves.
    public var servedAPIs: AppDeploymentContext.ServedAPIs

    public init(servedAPIs: AppDeploymentContext.ServedAPIs = .init()) {
        self.servedAPIs = servedAPIs
    }

    /// The input of ``AppDeploymentStatusComputation/compute(_:now:)`` for `app`.
    public func statusInput(for app: AppDeployment) -> AppDeploymentStatusInput {
        AppDeploymentStatusInput(
            deployment: app, problems: problems, digest: digest, imageReference: imageReference, source: source,
            port: port, resolvingMessage: imageFailure,
            quotaWait: quotaShortfall, database: database, ipfs: ipfs, volumeClaimExists: claimExists, plan: plan,
            rollout: deployment.map(AppDeploymentObservedRollout.init(deployment:)),
            exposure: AppDeploymentObservedExposure(ingress: ingress, service: service),
            servedAPIs: AppDeploymentStatusInput.ServedAPIs(
                autoscalingV2: servedAPIs.autoscalingV2, policyV1: servedAPIs.policyV1))
    }
}
