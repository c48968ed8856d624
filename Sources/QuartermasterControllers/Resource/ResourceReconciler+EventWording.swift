import Foundation
import KubeCore
import KubeRuntime

extension ResourceReconciler {
    /// The Events of a Resource's status transitions, keyed on its phase (``ResourceStatus/phase``),
    /// which its conditions mirror (``ResourceStatusComputation``: `Ready` True only in phase
    /// `Ready`, `Stalled` True only in phase `Failed`, the `Ready` reason `Suspended` only in
    /// phase `Suspended`):
    ///
    /// | transition | Event |
    /// | --- | --- |
    /// | the phase becomes `Ready` | Normal `Ready`, `ready at <endpoint>` (`ready` without one) |
    /// | the phase becomes `Suspended` | Normal `Suspended`, `workloads scaled to zero, data kept` |
    /// | the phase becomes `Failed`, or the `Stalled` reason changes while `Failed` | Warning with the `Stalled` reason (`UnknownTemplate` and `InvalidParameters` read `InvalidTemplate`) and its message |
    /// | the server refuses the status (422) | Warning with the same reason when `Stalled` is True (else `Stalled`) and message, then the server's |
    ///
    /// - Parameter endpoint: the new status's `endpoint`.
    static func eventWording(endpoint: String?) -> StatusEventWording {
        StatusEventWording(
            ready: { _ in .init(reason: "Ready", message: "ready" + (endpoint.map { " at \($0)" } ?? "")) },
            stalled: { stalled in .init(reason: eventReason(stalled), message: stalled.message ?? "") },
            refused: { stalled in
                guard let stalled, stalled.status == .true else { return (reason: "Stalled", explanation: nil) }
                return (reason: eventReason(stalled), explanation: stalled.message)
            },
            otherTransitions: { old, new in
                let suspended = ResourceStatusComputation.suspendedReason
                guard new[type: StatusTransition.readyType]?.reason == suspended,
                    old[type: StatusTransition.readyType]?.reason != suspended
                else { return [] }
                return [.init(type: .normal, reason: "Suspended", message: "workloads scaled to zero, data kept")]
            })
    }

    /// A `Stalled` condition's reason as an Event reason: `InvalidTemplate` for `UnknownTemplate`
    /// and `InvalidParameters`, `Failed` when it has none, the reason otherwise.
    static func eventReason(_ stalled: Condition) -> String {
        let reason = stalled.reason ?? "Failed"
        return reason == "UnknownTemplate" || reason == "InvalidParameters" ? "InvalidTemplate" : reason
    }
}
