import Foundation
import KubeCore

/// The revision choice of the contract ("Revisions, rollout and rollback"), pure: which pair
/// (digest, template hash) the pods run, the history, and whether the rollout is healthy,
/// failed or rolling back.
///
/// Branch `drec`'s stand-in until branch `dapi`'s `AppDeploymentRevisionPlan` lands; the
/// reconciler calls it through ``AppDeploymentReconciler`` only, so swapping is one call.
///
/// Rules:
/// - A revision is a pair (digest, template hash). A pair not in the history gets
///   `max(revision) + 1` (1 for the first) and an entry `Deploying`; a pair in it keeps its number.
/// - Served: `rollbackTo.revision` when set (an unknown one → ``Outcome/unknownRevision``, nothing
///   changes); else the spec's pair, unless its entry is `Failed` or `RolledBack`: then the
///   newest `Healthy` entry keeps being served until the image or template changes.
/// - The apps/v1 Deployment counts for the served revision only when its pod template runs the
///   served image and `observedGeneration ≥ generation`. Healthy: `updatedReplicas ==
///   availableReplicas == spec.replicas` (and `status.replicas` equal) → the served entry
///   becomes `Healthy` (a manual rollback's target too), every other `Healthy` entry `Superseded`.
/// - `Progressing=False` reason `ProgressDeadlineExceeded` for the spec's revision, newer than
///   the newest `Healthy`: the entry becomes `RolledBack` (reason `ProgressDeadlineExceeded`)
///   and the newest `Healthy` is served (``Outcome/rollingBack`` until it is healthy again),
///   with ``Outcome/rolledBack`` naming both; no `Healthy` entry → `Failed`, ``Outcome/failed``.
/// - Entries `Deploying` other than the served one become `Superseded`. The history keeps the
///   newest `revisionHistoryLimit` entries (by revision), never dropping the served one.
public enum AppDeploymentInterimRevisionPlan {
    /// The decision.
    public struct Outcome: Sendable, Equatable {
        /// The revision served, its pinned image (`repository@digest`) and digest.
        public var revision: Int
        public var image: String
        public var digest: String
        public var history: [AppDeploymentStatus.HistoryEntry]
        /// The served revision is rolled out and every desired pod available.
        public var healthy: Bool
        /// The served revision is an automatic rollback's target, not yet healthy.
        public var rollingBack: Bool
        /// The spec's revision failed and there was nothing to roll back to.
        public var failed: Bool
        /// Set by an automatic rollback in this decision: the `RolledBack` condition's message.
        public var rolledBack: String?
        /// `spec.rollbackTo.revision` is not kept: `Stalled` `UnknownRevision`.
        public var unknownRevision: Int?
    }

    /// Decides for `spec` (its image resolved to `digest`, its pod template hashing to
    /// `templateHash`), the stored `status`, and the observed apps/v1 `deployment`.
    public static func decide(
        spec: AppDeploymentSpec, status: AppDeploymentStatus?, deployment: Deployment?, digest: String,
        templateHash: String, now: Date
    ) -> Outcome {
        var history = (status?.history ?? []).sorted { $0.revision < $1.revision }
        let stamp = APITimestamp.time(now)
        func pinned(_ entry: AppDeploymentStatus.HistoryEntry) -> String {
            AppDeploymentImage(entry.image)?.pinned(to: entry.digest) ?? entry.image
        }
        var specIndex = history.firstIndex { $0.digest == digest && $0.templateHash == templateHash }
        if specIndex == nil {
            history.append(
                AppDeploymentStatus.HistoryEntry(
                    revision: (history.map(\.revision).max() ?? 0) + 1, image: spec.image, digest: digest,
                    templateHash: templateHash, deployedAt: stamp, outcome: .deploying))
            specIndex = history.count - 1
        }
        guard let specAt = specIndex else { preconditionFailure("the spec's entry was just added") }
        let lastHealthy = history.lastIndex { $0.outcome == .healthy }

        var servedAt = specAt
        var unknown: Int?
        var rollingBack = false
        var failed = false
        var rolledBack: String?
        if let target = spec.rollbackTo?.revision {
            if let index = history.firstIndex(where: { $0.revision == target }) {
                servedAt = index
            } else {
                unknown = target
                // Nothing changes: keep serving what the status says.
                servedAt = history.firstIndex { $0.revision == status?.revision } ?? specAt
            }
        } else if [.failed, .rolledBack].contains(history[specAt].outcome) {
            if let lastHealthy { servedAt = lastHealthy } else { failed = history[specAt].outcome == .failed }
        }

        // What the apps/v1 Deployment says about the served revision.
        let served = history[servedAt]
        let current = deployment.map { d in
            d.spec?.template.spec?.containers.first?.image == pinned(served)
                && (d.status?.observedGeneration ?? -1) >= (d.metadata.generation ?? 0)
        } ?? false
        let desired = deployment?.spec?.replicas ?? 1
        let s = deployment?.status
        let healthy =
            current && (s?.updatedReplicas ?? 0) == desired && (s?.availableReplicas ?? 0) == desired
            && (s?.replicas ?? 0) == desired
        let deadline =
            current
            && (s?.conditions ?? []).contains {
                $0.type == "Progressing" && $0.status == "False" && $0.reason == "ProgressDeadlineExceeded"
            }

        if healthy {
            history[servedAt].outcome = .healthy
            for i in history.indices where i != servedAt && history[i].outcome == .healthy {
                history[i].outcome = .superseded
            }
        } else if deadline, servedAt == specAt, spec.rollbackTo == nil, history[specAt].outcome == .deploying,
            lastHealthy.map({ history[$0].revision < history[specAt].revision }) ?? true
        {
            let seconds = spec.progressDeadlineSeconds
            if let lastHealthy {
                let from = history[specAt], to = history[lastHealthy]
                let message =
                    "revision \(from.revision) (\(from.digest)) did not become available within \(seconds)s; "
                    + "rolled back to revision \(to.revision) (\(to.digest))"
                history[specAt].outcome = .rolledBack
                history[specAt].reason = "ProgressDeadlineExceeded"
                history[specAt].message = message
                rolledBack = message
                servedAt = lastHealthy
                rollingBack = true
            } else {
                history[specAt].outcome = .failed
                history[specAt].reason = "ProgressDeadlineExceeded"
                history[specAt].message =
                    "revision \(history[specAt].revision) (\(history[specAt].digest)) did not become available within \(seconds)s and no healthy revision exists to roll back to"
                failed = true
            }
        }
        if !healthy, servedAt != specAt, [.rolledBack].contains(history[specAt].outcome), spec.rollbackTo == nil {
            rollingBack = true
        }
        for i in history.indices where i != servedAt && history[i].outcome == .deploying {
            history[i].outcome = .superseded
        }

        // Keep the newest entries, and always the served one.
        let servedRevision = history[servedAt].revision
        while history.count > max(1, spec.revisionHistoryLimit),
            let drop = history.firstIndex(where: { $0.revision != servedRevision })
        {
            history.remove(at: drop)
        }
        guard let entry = history.first(where: { $0.revision == servedRevision }) else {
            preconditionFailure("the served entry is kept")
        }
        return Outcome(
            revision: entry.revision, image: pinned(entry), digest: entry.digest, history: history,
            healthy: healthy && !failed, rollingBack: rollingBack && !healthy, failed: failed, rolledBack: rolledBack,
            unknownRevision: unknown)
    }
}
