import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentRevisionPlan`: revision numbers, the served digest, automatic and manual
/// rollback, history outcomes and trimming, as tables of stored status + observed rollout.
@Suite struct AppDeploymentRevisionPlanTests {
    typealias Entry = AppDeploymentStatus.HistoryEntry
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let stamp = APITimestamp.time(now)
    static let earlier = "2026-12-01T10:00:00Z"
    static func digest(_ c: Character) -> String { "sha256:" + String(repeating: c, count: 64) }
    static let a = digest("a"), b = digest("b"), c = digest("c")
    static let hash1 = "1111111111111111", hash2 = "2222222222222222"

    static func entry(_ revision: Int, _ digest: String, _ outcome: Entry.Outcome, hash: String = hash1, image: String = "ghcr.io/acme/web:1")
        -> Entry
    {
        Entry(revision: revision, image: image, digest: digest, templateHash: hash, deployedAt: earlier, outcome: outcome)
    }

    static func status(_ history: [Entry], revision: Int?, phase: AppDeploymentStatus.Phase = .exposed) -> AppDeploymentStatus {
        AppDeploymentStatus(phase: phase, revision: revision, history: history)
    }

    /// A rollout of `digest` at generation 5: complete, in progress, or past its deadline.
    static func rollout(_ digest: String, _ state: String, desired: Int = 2) -> AppDeploymentObservedRollout {
        let image = "ghcr.io/acme/web@\(digest)"
        switch state {
        case "complete":
            return .init(generation: 5, observedGeneration: 5, desiredReplicas: desired, replicas: desired, updatedReplicas: desired,
                         availableReplicas: desired, progressingStatus: "True", progressingReason: "NewReplicaSetAvailable", image: image)
        case "deadline":
            return .init(generation: 5, observedGeneration: 5, desiredReplicas: desired, replicas: desired + 1, updatedReplicas: 1,
                         availableReplicas: desired, progressingStatus: "False", progressingReason: "ProgressDeadlineExceeded", image: image)
        case "stale-deadline":  // the controller has not seen generation 5 yet
            return .init(generation: 5, observedGeneration: 4, desiredReplicas: desired, replicas: desired, updatedReplicas: 0,
                         availableReplicas: desired, progressingStatus: "False", progressingReason: "ProgressDeadlineExceeded", image: image)
        case "degraded":  // a pod lost after the rollout
            return .init(generation: 5, observedGeneration: 5, desiredReplicas: desired, replicas: desired, updatedReplicas: desired,
                         availableReplicas: desired - 1, progressingStatus: "True", progressingReason: "NewReplicaSetAvailable", image: image)
        default:
            return .init(generation: 5, observedGeneration: 5, desiredReplicas: desired, replicas: desired + 1, updatedReplicas: 1,
                         availableReplicas: desired, progressingStatus: "True", progressingReason: "ReplicaSetUpdated", image: image)
        }
    }

    static func plan(
        _ spec: (inout AppDeploymentSpec) -> Void = { _ in }, status: AppDeploymentStatus?, digest: String, hash: String = hash1,
        rollout: AppDeploymentObservedRollout?
    ) -> AppDeploymentRevisionPlan {
        var s = AppDeploymentSpec(image: "ghcr.io/acme/web:1")
        spec(&s)
        return AppDeploymentRevisionPlan.plan(spec: s, status: status, digest: digest, templateHash: hash, rollout: rollout, now: now)
    }

    @Test func theFirstRevisionIsOneAndDeploying() {
        let plan = Self.plan(status: nil, digest: Self.a, rollout: nil)
        #expect(plan.revision == 1 && plan.digest == Self.a && plan.image == "ghcr.io/acme/web@\(Self.a)")
        #expect(plan.history == [Entry(revision: 1, image: "ghcr.io/acme/web:1", digest: Self.a, templateHash: Self.hash1,
                                       deployedAt: Self.stamp, outcome: .deploying)])
        #expect(plan.state == .deploying && plan.rolledBack == .keep && plan.problem == nil)
    }

    @Test func aCompleteRolloutMakesItHealthyAndSupersedesTheOldOne() {
        let stored = Self.status([Self.entry(1, Self.a, .healthy), Self.entry(2, Self.b, .deploying)], revision: 2, phase: .deploying)
        let plan = Self.plan(status: stored, digest: Self.b, rollout: Self.rollout(Self.b, "complete"))
        #expect(plan.state == .healthy && plan.revision == 2)
        #expect(plan.history.map(\.outcome) == [.superseded, .healthy])
        #expect(plan.rolledBack == .remove)
    }

    @Test func anObservationOfTheOldDigestIsNoCompletion() {
        let stored = Self.status([Self.entry(1, Self.a, .healthy)], revision: 1)
        let plan = Self.plan(status: stored, digest: Self.b, rollout: Self.rollout(Self.a, "complete"))
        #expect(plan.state == .deploying && plan.revision == 2 && plan.digest == Self.b)
        #expect(plan.history.map(\.outcome) == [.healthy, .deploying])
    }

    @Test func aKnownPairKeepsItsNumberAndATemplateChangeIsANewRevision() {
        let stored = Self.status([Self.entry(1, Self.a, .superseded), Self.entry(2, Self.b, .healthy)], revision: 2)
        let back = Self.plan(status: stored, digest: Self.a, rollout: Self.rollout(Self.b, "complete"))
        #expect(back.revision == 1 && back.history.count == 2 && back.history[0].outcome == .deploying)
        #expect(back.history[0].deployedAt == Self.earlier)
        let template = Self.plan(status: stored, digest: Self.b, hash: Self.hash2, rollout: Self.rollout(Self.b, "complete"))
        #expect(template.revision == 3 && template.history.last?.templateHash == Self.hash2)
    }

    @Test func aLostPodDoesNotMakeAHealthyRevisionDeploying() {
        let stored = Self.status([Self.entry(1, Self.a, .healthy)], revision: 1)
        let plan = Self.plan(status: stored, digest: Self.a, rollout: Self.rollout(Self.a, "degraded"))
        #expect(plan.state == .healthy && plan.history.map(\.outcome) == [.healthy])
    }

    @Test func aDeadlineExceededRolloutIsRolledBackToTheLastHealthyDigest() {
        let stored = Self.status([Self.entry(1, Self.a, .superseded), Self.entry(2, Self.b, .healthy), Self.entry(3, Self.c, .deploying)],
                                 revision: 3, phase: .deploying)
        let plan = Self.plan(status: stored, digest: Self.c, rollout: Self.rollout(Self.c, "deadline"))
        #expect(plan.state == .rollingBack && plan.revision == 2 && plan.digest == Self.b)
        #expect(plan.history.map(\.outcome) == [.superseded, .healthy, .rolledBack])
        #expect(plan.history[2].reason == "ProgressDeadlineExceeded")
        guard case .set(let message) = plan.rolledBack else {
            Issue.record("RolledBack not set: \(plan.rolledBack)")
            return
        }
        #expect(message.contains("revision 3 (\(Self.c))") && message.contains("revision 2 (\(Self.b))"), "\(message)")

        // Next pass: the Deployment runs revision 2's digest again and is rolling.
        var next = stored
        next.history = plan.history
        next.revision = 2
        next.phase = .rollingBack
        let rolling = Self.plan(status: next, digest: Self.c, rollout: Self.rollout(Self.b, "progressing"))
        #expect(rolling.state == .rollingBack && rolling.revision == 2 && rolling.rolledBack == .keep)
        // Its rollout completes: healthy again on revision 2; the RolledBack condition stays.
        let done = Self.plan(status: next, digest: Self.c, rollout: Self.rollout(Self.b, "complete"))
        #expect(done.state == .healthy && done.revision == 2 && done.rolledBack == .keep)
        #expect(done.history.map(\.outcome) == [.superseded, .healthy, .rolledBack])
        // A new image is a new revision; once healthy, RolledBack is removed.
        next.history = done.history
        next.phase = .exposed
        let newer = Self.plan(status: next, digest: Self.a, hash: Self.hash2, rollout: Self.rollout(Self.a, "complete"))
        #expect(newer.revision == 4 && newer.state == .healthy && newer.rolledBack == .remove)
        #expect(newer.history.map(\.outcome) == [.superseded, .superseded, .rolledBack, .healthy])
    }

    @Test func aStaleDeadlineIsNotTrusted() {
        let stored = Self.status([Self.entry(1, Self.a, .healthy), Self.entry(2, Self.b, .deploying)], revision: 2, phase: .deploying)
        let plan = Self.plan(status: stored, digest: Self.b, rollout: Self.rollout(Self.b, "stale-deadline"))
        #expect(plan.state == .deploying && plan.revision == 2 && plan.rolledBack == .keep)
    }

    @Test func withNothingToGoBackToTheRevisionFails() {
        let stored = Self.status([Self.entry(1, Self.a, .deploying)], revision: 1, phase: .deploying)
        let plan = Self.plan(status: stored, digest: Self.a, rollout: Self.rollout(Self.a, "deadline"))
        #expect(plan.state == .failed && plan.revision == 1 && plan.digest == Self.a)
        #expect(plan.history.map(\.outcome) == [.failed])
        #expect(plan.failure?.contains("no healthy revision to roll back to") == true)
        // It stays Failed for the same spec; a new image retries.
        var next = stored
        next.history = plan.history
        next.phase = .failed
        #expect(Self.plan(status: next, digest: Self.a, rollout: Self.rollout(Self.a, "deadline")).state == .failed)
        let retry = Self.plan(status: next, digest: Self.b, rollout: Self.rollout(Self.a, "deadline"))
        #expect(retry.state == .deploying && retry.revision == 2 && retry.history.map(\.outcome) == [.failed, .deploying])
    }

    @Test func aFailedRevisionWhosePodsBecomeReadyLateIsHealthy() {
        let stored = Self.status([Self.entry(1, Self.a, .deploying)], revision: 1, phase: .deploying)
        let failed = Self.plan(status: stored, digest: Self.a, rollout: Self.rollout(Self.a, "deadline"))
        var next = stored
        next.history = failed.history
        next.phase = .failed
        let late = Self.plan(status: next, digest: Self.a, rollout: Self.rollout(Self.a, "complete"))
        #expect(late.state == .healthy && late.revision == 1)
        #expect(late.history.map(\.outcome) == [.healthy])
        #expect(late.history.first?.reason == nil && late.failure == nil)
    }

    @Test func aTemplateOnlyFailureHasNoDigestToGoBackTo() {
        let stored = Self.status([Self.entry(1, Self.a, .healthy), Self.entry(2, Self.a, .deploying, hash: Self.hash2)], revision: 2,
                                 phase: .deploying)
        let plan = Self.plan(status: stored, digest: Self.a, hash: Self.hash2, rollout: Self.rollout(Self.a, "deadline"))
        #expect(plan.state == .failed && plan.history.map(\.outcome) == [.healthy, .failed])
    }

    @Test func aRolledBackSpecKeepsServingTheHealthyDigest() {
        let stored = Self.status([Self.entry(2, Self.b, .healthy), Self.entry(3, Self.c, .rolledBack)], revision: 2)
        let plan = Self.plan(status: stored, digest: Self.c, rollout: Self.rollout(Self.b, "complete"))
        #expect(plan.revision == 2 && plan.digest == Self.b && plan.state == .healthy && plan.rolledBack == .keep)
    }

    @Test func aManualRollbackServesTheKeptRevision() {
        let stored = Self.status([Self.entry(1, Self.a, .superseded, image: "ghcr.io/acme/old:1"), Self.entry(2, Self.b, .healthy)],
                                 revision: 2)
        let plan = Self.plan({ $0.rollbackTo = .init(revision: 1) }, status: stored, digest: Self.b, rollout: Self.rollout(Self.b, "complete"))
        #expect(plan.revision == 1 && plan.digest == Self.a && plan.image == "ghcr.io/acme/old@\(Self.a)")
        #expect(plan.state == .deploying && plan.history.map(\.outcome) == [.deploying, .healthy])
        var next = stored
        next.history = plan.history
        next.revision = 1
        next.phase = .deploying
        let done = Self.plan({ $0.rollbackTo = .init(revision: 1) }, status: next, digest: Self.b, rollout: Self.rollout(Self.a, "complete"))
        #expect(done.state == .healthy && done.history.map(\.outcome) == [.healthy, .superseded] && done.rolledBack == .keep)
    }

    @Test func anUnknownRollbackRevisionChangesNothing() {
        let stored = Self.status([Self.entry(1, Self.a, .superseded), Self.entry(2, Self.b, .healthy)], revision: 2)
        let plan = Self.plan({ $0.rollbackTo = .init(revision: 7) }, status: stored, digest: Self.c, rollout: Self.rollout(Self.b, "complete"))
        #expect(plan.problem?.reason == .unknownRevision)
        #expect(plan.problem?.message.contains("kept: 1, 2") == true)
        #expect(plan.revision == 2 && plan.digest == Self.b && plan.history == stored.history)
    }

    @Test(arguments: [(1, [5]), (2, [4, 5]), (3, [3, 4, 5]), (10, [1, 2, 3, 4, 5])])
    func historyIsTrimmedToTheLimit(limit: Int, kept: [Int]) {
        let stored = Self.status((1...4).map { Self.entry($0, Self.digest(Character(String($0))), .superseded) }, revision: 4)
        let plan = Self.plan({ $0.revisionHistoryLimit = limit }, status: stored, digest: Self.digest("5"), rollout: nil)
        #expect(plan.history.map(\.revision) == kept)
    }

    @Test func theServedRevisionIsNeverTrimmed() {
        let stored = Self.status((1...3).map { Self.entry($0, Self.digest(Character(String($0))), .superseded) }, revision: 3)
        let plan = Self.plan({ $0.revisionHistoryLimit = 1; $0.rollbackTo = .init(revision: 1) }, status: stored,
                             digest: Self.digest("3"), rollout: nil)
        #expect(plan.history.map(\.revision) == [1] && plan.revision == 1)
    }
}

extension AppDeploymentRevisionPlanTests {
    /// A template change keeps the digest: only the pod template's revision annotation tells
    /// the old rollout from the new one.
    @Test func theTemplatesRevisionAnnotationTellsRolloutsOfOneDigestApart() {
        let stored = Self.status([Self.entry(1, Self.a, .healthy)], revision: 1)
        var old = Self.rollout(Self.a, "complete")
        old.templateRevision = 1
        let plan = Self.plan(status: stored, digest: Self.a, hash: Self.hash2, rollout: old)
        #expect(plan.revision == 2 && plan.state == .deploying && plan.history.map(\.outcome) == [.healthy, .deploying])
        var new = Self.rollout(Self.a, "complete")
        new.templateRevision = 2
        var next = stored
        next.history = plan.history
        next.revision = 2
        let done = Self.plan(status: next, digest: Self.a, hash: Self.hash2, rollout: new)
        #expect(done.state == .healthy && done.history.map(\.outcome) == [.superseded, .healthy])
    }

    @Test func theObservationReadsTheAppsV1Deployment() throws {
        let deployment = try KubeJSON.decode(
            Deployment.self,
            from: Data(
                #"""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":7},
                 "spec":{"replicas":3,"selector":{"matchLabels":{"a":"b"}},
                   "template":{"metadata":{"annotations":{"quartermaster.dev/revision":"4"}},"spec":{"containers":[{"name":"app","image":"ghcr.io/acme/web@\#(Self.a)"}]}}},
                 "status":{"observedGeneration":7,"replicas":3,"updatedReplicas":3,"availableReplicas":3,
                   "conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}}
                """#.utf8))
        let observed = AppDeploymentObservedRollout(deployment: deployment)
        #expect(observed == .init(generation: 7, observedGeneration: 7, desiredReplicas: 3, replicas: 3, updatedReplicas: 3,
                                  availableReplicas: 3, progressingStatus: "False", progressingReason: "ProgressDeadlineExceeded",
                                  image: "ghcr.io/acme/web@\(Self.a)", templateRevision: 4))
        #expect(observed.isComplete && observed.progressDeadlineExceeded && observed.digest == Self.a)
        #expect(observed.runs(revision: 4, digest: Self.a) && !observed.runs(revision: 3, digest: Self.a))
        var behind = observed
        behind.observedGeneration = 6
        #expect(!behind.isComplete && !behind.progressDeadlineExceeded)
    }
}
