import Foundation
import Synchronization

@testable import QuartermasterControllers

/// The test double of ``InstanceStatusClient``: answers each pod IP with the report set for it,
/// fails for any other (as an instance manager that does not answer), and counts the calls.
final class ScriptedInstanceStatusClient: InstanceStatusClient {
    struct NoAnswer: Error {}
    private let state = Mutex<(reports: [String: InstanceReport], calls: [String])>(([:], []))

    func set(_ podIP: String, _ report: InstanceReport?) { state.withLock { $0.reports[podIP] = report } }

    var calls: [String] { state.withLock { $0.calls } }

    func report(podIP: String) async throws -> InstanceReport {
        let report = state.withLock { s -> InstanceReport? in
            s.calls.append(podIP)
            return s.reports[podIP]
        }
        guard let report else { throw NoAnswer() }
        return report
    }
}
