import Foundation
import KubeCore

/// The one place the reconciler asks for the revision decision.
extension AppDeploymentReconciler {
    /// The revision to serve for `app` with its image resolved to `digest` and its pod template
    /// hashing to `templateHash`, given the observed apps/v1 `deployment`
    /// (``AppDeploymentRevisionPlan``). A plan with a ``AppDeploymentRevisionPlan/problem``
    /// (`UnknownRevision`) changes nothing.
    func rolloutDecision(_ app: AppDeployment, digest: String, templateHash: String, deployment: Deployment?)
        -> AppDeploymentRevisionPlan
    {
        AppDeploymentRevisionPlan.plan(
            spec: app.spec, status: app.status, digest: digest, templateHash: templateHash,
            rollout: deployment.map(AppDeploymentObservedRollout.init(deployment:)), now: now())
    }
}
