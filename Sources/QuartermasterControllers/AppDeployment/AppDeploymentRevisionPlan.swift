import Foundation
import KubeCore

/// Which revision a Deployment serves, its history, and whether a rollout failed and is rolled
/// back (pure; contract section "Revisions, rollout and rollback").
///
/// A revision is a pair (image digest, `templateHash`), the hash being ``ContentHash`` of the
/// rendered pod template without the image (16 hex). A pair already in the history keeps its
/// number; a new pair gets the largest number in the history + 1 (1 for the first).
///
/// The served pair:
/// - with `spec.rollbackTo.revision` N kept in the history: N's digest with the current
///   template (that is N itself when the template did not change). N not kept: the problem
///   `UnknownRevision` and nothing changes (``problem``; served and history as stored).
/// - otherwise the spec's pair (resolved digest, template hash), unless its history entry is
///   `Failed` or `RolledBack` (its rollout failed): then the last `Healthy` revision's digest
///   with the current template keeps being served until the image or template changes.
///
/// Automatic rollback: the served revision is the spec's, newer than the last `Healthy` one,
/// and the observed apps/v1 Deployment runs it (``AppDeploymentObservedRollout/runs(revision:digest:)``) and reports `Progressing=False` reason
/// `ProgressDeadlineExceeded` for its current generation. Then the entry becomes `RolledBack`
/// (reason `ProgressDeadlineExceeded`), the last `Healthy` revision's digest is served
/// (``State/rollingBack`` until that rollout completes, then ``State/healthy``), and
/// ``rolledBack`` is ``RolledBackChange/set(message:)``. With no `Healthy` revision (or one of the
/// same digest, as when only the template changed) the entry becomes `Failed` and the state is
/// ``State/failed``; a new spec pair retries. A manual rollback that fails becomes `Failed` too.
/// A `Failed` revision still served whose rollout completes after all (its pods became ready
/// past the deadline) becomes `Healthy`.
///
/// History (newest last, sorted by revision): a new served pair is appended as `Deploying`
/// with `deployedAt = now`; an entry served again becomes `Deploying` again (`deployedAt` kept);
/// once the served rollout is complete its entry is `Healthy` and every other `Healthy` or
/// `Deploying` entry `Superseded` (so at most one `Healthy`: the one to roll back to); an entry
/// left while `Deploying` becomes `Superseded`. Then the oldest entries other than the served
/// one are dropped down to `spec.revisionHistoryLimit` (with a limit of 1, a new revision's
/// rollout has nothing to roll back to). `RolledBack=True` is removed (``RolledBackChange/remove``)
/// once the spec's own pair is served and healthy.
public struct AppDeploymentRevisionPlan: Sendable, Equatable {
    /// Where the served revision's rollout is.
    public enum State: String, Sendable, Equatable {
        /// Rolling out the served revision (or no Deployment yet).
        case deploying
        /// The served revision's rollout is complete.
        case healthy
        /// Rolling out the last healthy revision after an automatic rollback.
        case rollingBack
        /// The served revision's rollout failed and there is nothing to roll back to.
        case failed
    }

    /// What to do with the `RolledBack` condition.
    public enum RolledBackChange: Sendable, Equatable {
        /// Leave it as stored.
        case keep
        /// `True`, reason `ProgressDeadlineExceeded`, this message (naming both revisions and digests).
        case set(message: String)
        /// Remove it.
        case remove
    }

    /// The revision to serve (`status.revision`).
    public var revision: Int
    /// The image for the pod template: the repository of the revision's `image` pinned to its
    /// digest (`ghcr.io/acme/web@sha256:...`).
    public var image: String
    /// The digest served (`sha256:...`).
    public var digest: String
    /// The new `status.history`.
    public var history: [AppDeploymentStatus.HistoryEntry]
    public var state: State
    public var rolledBack: RolledBackChange
    /// Set when the served revision's rollout failed (state ``State/failed``): why, for `Ready`.
    public var failure: String?
    /// `UnknownRevision` when `spec.rollbackTo` names a revision not kept; then nothing changed.
    public var problem: AppDeploymentProblem?

    /// The reason of the outcome of a revision whose rollout did not finish in time.
    public static let progressDeadlineExceeded = "ProgressDeadlineExceeded"

    /// The plan for `spec` with the resolved `digest` of its image and the pod template's
    /// `templateHash`, from the stored `status` (history and served revision) and the observed
    /// apps/v1 Deployment (`nil` before it exists). `now` stamps new entries. `image` is the
    /// reference a new entry records (default `spec.image`; `<repository>:<commit>` for a
    /// source build, whose entry also records `commit`).
    public static func plan(
        spec: AppDeploymentSpec, status: AppDeploymentStatus?, image specImage: String? = nil, commit: String? = nil,
        digest: String, templateHash: String, rollout: AppDeploymentObservedRollout?, now: Date
    ) -> AppDeploymentRevisionPlan {
        var history = (status?.history ?? []).sorted { $0.revision < $1.revision }
        let stamp = APITimestamp.time(now)
        let lastHealthy = history.last { $0.outcome == .healthy }

        func index(digest: String, image: String, commit: String? = nil) -> Int {
            if let i = history.firstIndex(where: { $0.digest == digest && $0.templateHash == templateHash }) { return i }
            let next = (history.map(\.revision).max() ?? 0) + 1
            history.append(
                .init(
                    revision: next, image: image, digest: digest, templateHash: templateHash, deployedAt: stamp,
                    outcome: .deploying, commit: commit))
            return history.count - 1
        }

        // The served entry, before looking at the rollout.
        var served: Int
        var fallingBack = false
        if let target = spec.rollbackTo?.revision {
            guard let kept = history.first(where: { $0.revision == target }) else {
                return unchanged(spec: spec, status: status, history: history, target: target)
            }
            served = index(digest: kept.digest, image: kept.image, commit: kept.commit)
        } else {
            served = index(digest: digest, image: specImage ?? spec.image, commit: commit)
            if [.failed, .rolledBack].contains(history[served].outcome), let healthy = lastHealthy,
                healthy.digest != history[served].digest
            {
                served = index(digest: healthy.digest, image: healthy.image, commit: healthy.commit)
                fallingBack = true
            }
        }

        var state: State = fallingBack ? .rollingBack : .deploying
        var rolledBack: RolledBackChange = .keep
        var failure: String?
        let runsServed = rollout?.runs(revision: history[served].revision, digest: history[served].digest) ?? false
        // Served before, Healthy, and not being rolled back to: a pod lost or a scale by the
        // autoscaler is no new rollout.
        let wasServingHealthy =
            history[served].outcome == .healthy && status?.revision == history[served].revision
            && status?.phase != .rollingBack && !fallingBack

        // A missed deadline is not final for Kubernetes: pods that become ready later complete
        // the rollout (Progressing True again), and a Failed revision still served is then Healthy.
        let completedLate = history[served].outcome == .failed && runsServed && rollout?.isComplete == true
        if history[served].outcome == .failed && !fallingBack && spec.rollbackTo == nil && !completedLate {
            // The spec's pair failed and there was nothing to go back to: Failed until the spec
            // changes (a new pair retries).
            state = .failed
            failure = history[served].message
        } else if let rollout, runsServed, rollout.isComplete || wasServingHealthy {
            state = .healthy
        } else if let rollout, runsServed, rollout.progressDeadlineExceeded, history[served].outcome != .healthy {
            let failing = history[served]
            let target = lastHealthy.flatMap { h in h.digest != failing.digest && h.revision < failing.revision ? h : nil }
            if spec.rollbackTo == nil, !fallingBack, let target {
                let message =
                    "revision \(failing.revision) (\(failing.digest)) did not become available within \(spec.progressDeadlineSeconds)s; rolled back to revision \(target.revision) (\(target.digest))"
                history[served].outcome = .rolledBack
                history[served].reason = progressDeadlineExceeded
                history[served].message = message
                served = index(digest: target.digest, image: target.image, commit: target.commit)
                state = .rollingBack
                fallingBack = true
                rolledBack = .set(message: message)
            } else {
                let message =
                    "revision \(failing.revision) (\(failing.digest)) did not become available within \(spec.progressDeadlineSeconds)s and there is no healthy revision to roll back to"
                history[served].outcome = .failed
                history[served].reason = progressDeadlineExceeded
                history[served].message = message
                state = .failed
                failure = message
            }
        }

        // Outcomes.
        let servedRevision = history[served].revision
        for i in history.indices where history[i].revision != servedRevision {
            if history[i].outcome == .deploying || (state == .healthy && history[i].outcome == .healthy) {
                history[i].outcome = .superseded
            }
        }
        switch state {
        case .healthy:
            if history[served].outcome == .failed {
                history[served].reason = nil
                history[served].message = nil
            }
            history[served].outcome = .healthy
            if !fallingBack && spec.rollbackTo == nil { rolledBack = .remove }
        case .deploying, .rollingBack:
            if history[served].outcome != .healthy {
                history[served].outcome = .deploying
                history[served].reason = nil
                history[served].message = nil
            }
        case .failed:
            break
        }

        history = trimmed(history, keeping: servedRevision, limit: spec.revisionHistoryLimit)
        let entry = history.first { $0.revision == servedRevision } ?? history[history.count - 1]
        return AppDeploymentRevisionPlan(
            revision: entry.revision, image: pinned(entry), digest: entry.digest, history: history, state: state,
            rolledBack: rolledBack, failure: failure, problem: nil)
    }

    /// `rollbackTo` names a revision not kept: the stored revision keeps being served.
    private static func unchanged(
        spec: AppDeploymentSpec, status: AppDeploymentStatus?, history: [AppDeploymentStatus.HistoryEntry], target: Int
    ) -> AppDeploymentRevisionPlan {
        let kept = history.map { String($0.revision) }.joined(separator: ", ")
        let problem = AppDeploymentProblem(
            reason: .unknownRevision,
            message: "spec.rollbackTo.revision \(target) is not in status.history (kept: \(kept.isEmpty ? "none" : kept)); nothing was changed")
        let current = status?.revision.flatMap { r in history.first { $0.revision == r } }
        return AppDeploymentRevisionPlan(
            revision: current?.revision ?? 0, image: current.map(pinned) ?? "", digest: current?.digest ?? "",
            history: history, state: .deploying, rolledBack: .keep, failure: nil, problem: problem)
    }

    /// The entry's image pinned to its digest.
    static func pinned(_ entry: AppDeploymentStatus.HistoryEntry) -> String {
        AppDeploymentImage(entry.image)?.pinned(to: entry.digest) ?? entry.image
    }

    /// `history` without its oldest entries other than `served`, down to `limit` (at least the
    /// served entry is kept).
    static func trimmed(
        _ history: [AppDeploymentStatus.HistoryEntry], keeping served: Int, limit: Int
    ) -> [AppDeploymentStatus.HistoryEntry] {
        var out = history
        var excess = out.count - max(limit, 1)
        var i = 0
        while excess > 0, i < out.count {
            if out[i].revision == served {
                i += 1
            } else {
                out.remove(at: i)
                excess -= 1
            }
        }
        return out
    }
}
