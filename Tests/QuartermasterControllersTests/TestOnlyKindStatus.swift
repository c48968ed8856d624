import Foundation
import KubeCore
import KubeRuntime

@testable import QuartermasterControllers

/// What the Widget controller last observed, written through `StatusWriter` (only when it
/// differs from the stored status).
struct WidgetStatus: ConditionedStatus, Hashable {
    /// The summary: `Ready` once the ConfigMap is rendered, `Pending` while its name is taken,
    /// `Suspended` while `spec.suspended`.
    enum Phase: String, Codable, Hashable, Sendable {
        case pending = "Pending", ready = "Ready", suspended = "Suspended"
    }

    /// What one reconcile did with the Widget's ConfigMap.
    enum Outcome: Sendable {
        /// The ConfigMap is as desired (applied or already so).
        case rendered(ConfigMap)
        /// Its name is taken by an object the Widget does not control; nothing was written.
        case conflict(ChildNameConflict)
        /// `spec.suspended`: nothing was looked at or written.
        case suspended
    }

    /// The `metadata.generation` this status was computed from.
    var observedGeneration: Int64?
    var phase: Phase?
    /// `Ready` only.
    var conditions: [Condition]?

    /// The status of `widget` after `outcome`. The `Ready` condition keeps its
    /// `lastTransitionTime` while its status does not change, so the same outcome for the same
    /// generation gives an equal status (and `StatusWriter` sends nothing).
    static func computed(for widget: Widget, outcome: Outcome, now: Date) -> WidgetStatus {
        let generation = widget.metadata.generation
        let phase: Phase
        let ready: Condition
        switch outcome {
        case .rendered(let configMap):
            phase = .ready
            ready = Condition(
                type: "Ready", status: .true, observedGeneration: generation, reason: "Rendered",
                message: "ConfigMap \(configMap.metadata.name ?? "") holds \(widget.spec.size) line(s)")
        case .conflict(let conflict):
            phase = .pending
            ready = Condition(
                type: "Ready", status: .false, observedGeneration: generation, reason: "NameConflict",
                message: conflict.description)
        case .suspended:
            phase = .suspended
            ready = Condition(
                type: "Ready", status: .false, observedGeneration: generation, reason: "Suspended",
                message: "spec.suspended: the ConfigMap is left as it is")
        }
        var conditions = widget.status?.conditions ?? []
        conditions.set(ready, now: now)
        return WidgetStatus(observedGeneration: generation, phase: phase, conditions: conditions)
    }
}
