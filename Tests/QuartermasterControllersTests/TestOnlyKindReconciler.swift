import Foundation
import KubeClient
import KubeCore
import KubeRuntime

@testable import QuartermasterControllers

/// Keeps each Widget's ConfigMap as ``WidgetDesiredState`` renders it and reports
/// ``WidgetStatus``.
///
/// - The ConfigMap is read from the cache its controller declared and sent with server-side
///   apply only when the cache shows a difference (`DesiredStateApplier`, identity
///   `OperatorIdentity.quartermaster`); a ConfigMap of that name the Widget does not control
///   is never written (`NameConflict`). While `spec.suspended`, nothing is read or written
///   but the status.
/// - The status is replaced only when it differs (`StatusWriter`), which also records the
///   `Ready` Event. A converged reconcile sends no request.
/// - A deleted Widget needs nothing: the garbage collector removes its ConfigMap (owner
///   reference).
struct WidgetReconciler: Reconciler {
    typealias Object = Widget

    let configMaps: Store<ConfigMap>
    let applier: DesiredStateApplier
    let statusWriter: StatusWriter
    /// What each reconcile did, for tests.
    let log: WidgetReconcileLog
    /// The clock of condition transition times. Default: the system clock.
    let now: @Sendable () -> Date

    init(
        client: KubeClient, configMaps: Store<ConfigMap>, events: EventRecorder?, log: WidgetReconcileLog,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configMaps = configMaps
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
        self.statusWriter = StatusWriter(client: client, events: events)
        self.log = log
        self.now = now
    }

    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Widget>) async throws -> ReconcileResult {
        let widget = context.store.get(request.key)
        let cached = widget.flatMap {
            configMaps.get(name: WidgetDesiredState.configMapName(of: $0), namespace: $0.metadata.namespace)
        }
        log.started(request.key, versions: [widget?.metadata.resourceVersion, cached?.metadata.resourceVersion])
        defer { log.finished() }
        guard let widget else { return .done }

        let outcome: WidgetStatus.Outcome
        if widget.spec.suspended {
            outcome = .suspended
        } else {
            do {
                let desired = try WidgetDesiredState.configMap(for: widget)
                outcome = .rendered(try await applier.applyControlled(desired, cached: cached).object)
            } catch let conflict as ChildNameConflict {
                outcome = .conflict(conflict)
            }
        }
        let status = WidgetStatus.computed(for: widget, outcome: outcome, now: now())
        return try await statusWriter.write(status, of: widget, wording: Self.eventWording).result()
    }

    /// `Ready` with the condition's message when the Widget becomes ready; the Stalled reason
    /// (the Widget reports none) and the server's refusal otherwise.
    static let eventWording = StatusEventWording(
        ready: { .init(reason: "Ready", message: $0.message ?? "the widget is ready") },
        stalled: { .init(reason: $0.reason ?? "Stalled", message: $0.message ?? "") },
        refused: { stalled in (reason: stalled?.reason ?? "StatusRefused", explanation: stalled?.message) })
}
