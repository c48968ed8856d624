import Foundation
import KubeCore

/// The one place the reconciler asks for the revision decision.
extension AppDeploymentReconciler {
    /// The revision to serve for `app` with its image resolved to `digest` and its pod template
    /// hashing to `templateHash`, given the observed apps/v1 `deployment`. An unknown
    /// `rollbackTo.revision` is an ``AppDeploymentProblem`` (`UnknownRevision`): nothing changes.
    func rolloutDecision(_ app: AppDeployment, digest: String, templateHash: String, deployment: Deployment?) throws
        -> AppDeploymentInterimRevisionPlan.Outcome
    {
        let outcome = AppDeploymentInterimRevisionPlan.decide(
            spec: app.spec, status: app.status, deployment: deployment, digest: digest, templateHash: templateHash,
            now: now())
        if let unknown = outcome.unknownRevision {
            let kept = (app.status?.history ?? []).map { String($0.revision) }.joined(separator: ", ")
            throw AppDeploymentProblem(
                reason: .unknownRevision,
                message: "spec.rollbackTo.revision \(unknown) is not in status.history (kept: \(kept.isEmpty ? "none" : kept))")
        }
        return outcome
    }
}
