import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentProgress`: the contract's percentages by phase, `Failed`/`RollingBack`
/// keeping the previous value, and `AppDeploymentStatusComputation` writing it.
@Suite struct AppDeploymentProgressTests {
    /// (phase, previous progress, expected)
    static let table: [(AppDeploymentStatus.Phase, Int?, Int)] = [
        (.queued, nil, 0), (.queued, 75, 0),
        (.analyzing, nil, 10), (.building, 10, 30), (.provisioning, 30, 60), (.deploying, 60, 75),
        (.healthy, 75, 90), (.exposed, 90, 100), (.exposed, nil, 100),
        (.failed, 30, 30), (.failed, nil, 0), (.failed, 100, 100),
        (.rollingBack, 75, 75), (.rollingBack, nil, 0),
        // A stored value out of range (written by hand) is clamped.
        (.failed, 250, 100), (.rollingBack, -5, 0),
    ]

    @Test(arguments: table.indices)
    func percentFromThePhase(index: Int) {
        let (phase, previous, expected) = Self.table[index]
        #expect(AppDeploymentProgress.percent(for: phase, previous: previous) == expected, "\(phase) after \(previous as Int?)")
    }

    @Test func everyPhaseHasAPercentInRange() {
        for phase in AppDeploymentStatus.Phase.allCases {
            #expect((0...100).contains(AppDeploymentProgress.percent(for: phase, previous: 42)))
        }
    }

    @Test func theStatusComputationWritesIt() {
        typealias T = AppDeploymentStatusComputationTests
        let exposed = AppDeploymentStatusComputation.compute(T.input(), now: T.now)
        #expect(exposed.phase == .exposed && exposed.progress == 100)
        let deploying = AppDeploymentStatusComputation.compute(T.input(plan: T.plan(.deploying)), now: T.now)
        #expect(deploying.phase == .deploying && deploying.progress == 75)
        let queued = AppDeploymentStatusComputation.compute(T.input(digest: nil, plan: nil), now: T.now)
        #expect(queued.phase == .queued && queued.progress == 0)
        // Failed keeps what the stored status reached.
        let stored = AppDeploymentStatus(phase: .deploying, progress: 75)
        let failed = AppDeploymentStatusComputation.compute(
            T.input(T.deployment(status: stored), plan: T.plan(.failed)), now: T.now)
        #expect(failed.phase == .failed && failed.progress == 75)
    }
}
