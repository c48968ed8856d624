import Foundation
import KubeCore

/// What a Resource reports of its child, read from the child's status the same way for every
/// kind (the kstatus conventions), plus the places its ``ResourceOffering`` declares:
///
/// - current: `status.observedGeneration` (absent: current) is at least `metadata.generation`;
/// - ready: current, `Reconciling` not `True`, and the `Ready` condition `True` (a kind without
///   a `Ready` condition: `status.phase` is `Ready`);
/// - failure: `status.phase` `Failed` (message: the `Stalled=True` condition's, else the
///   `Ready` condition's, else `the <Kind> failed`), or a `Stalled=True` condition (its message,
///   else its reason, else `the <Kind> is stalled`);
/// - progress, endpoint and credentials Secret: from ``ResourceChildStatusPaths``.
struct ResourceChildState {
    var ready: Bool
    var progress: String?
    var failure: String?
    /// The reason of the `Stalled=True` condition, when the child has one.
    var failureReason: String?
    var endpoint: String?
    var credentialsSecretName: String?

    init(_ child: ResourceChildObject, paths: ResourceChildStatusPaths) {
        let status = child.json["status"]
        let generation = child.metadata.generation
        let observedGeneration = status?["observedGeneration"]?.intValue
        let current = (observedGeneration ?? generation ?? 0) >= (generation ?? 0)
        // One unreadable condition does not hide the others.
        let conditions = (status?["conditions"]?.arrayValue ?? []).compactMap { try? $0.decode(as: Condition.self) }
        let phase = status?["phase"]?.stringValue
        let readyCondition = conditions[type: "Ready"]
        let stalled = conditions.first { $0.type == "Stalled" && $0.status == .true }
        let reconciling = conditions.isTrue("Reconciling")
        ready = current && !reconciling && (readyCondition.map { $0.status == .true } ?? (phase == "Ready"))
        failureReason = stalled?.reason
        if phase == "Failed" {
            failure = stalled?.message ?? readyCondition?.message ?? "the \(child.kind.kind) failed"
        } else if let stalled {
            failure = stalled.message.flatMap { $0.isEmpty ? nil : $0 } ?? stalled.reason ?? "the \(child.kind.kind) is stalled"
        }
        progress = paths.progress.map { p in
            "\(child.json[pointer: p.ready]?.intValue ?? 0)/\(child.json[pointer: p.desired]?.intValue ?? 0) \(p.unit) ready"
        }
        endpoint = paths.endpoints.lazy.compactMap { child.json[pointer: $0]?.stringValue }.first
        credentialsSecretName = paths.credentialsSecretName.flatMap { child.json[pointer: $0]?.stringValue }
    }
}
