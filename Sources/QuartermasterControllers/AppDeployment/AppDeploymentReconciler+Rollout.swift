import Foundation
import KubeCore

/// The one place the reconciler asks for the revision decision.
extension AppDeploymentReconciler {
    /// The revision to serve for `app` with its image (`reference`, built from `commit` for a
    /// source build) resolved to `digest` and its pod template
    /// hashing to `templateHash`, given the observed apps/v1 `deployment`
    /// (``AppDeploymentRevisionPlan``). A plan with a ``AppDeploymentRevisionPlan/problem``
    /// (`UnknownRevision`) changes nothing.
    func rolloutDecision(
        _ app: AppDeployment, image reference: String, commit: String?, digest: String, templateHash: String,
        deployment: Deployment?
    ) -> AppDeploymentRevisionPlan {
        AppDeploymentRevisionPlan.plan(
            spec: app.spec, status: app.status, image: reference, commit: commit, digest: digest, templateHash: templateHash,
            rollout: deployment.map(AppDeploymentObservedRollout.init(deployment:)), now: now())
    }
}
