import KubeClient
import KubeCore

/// The last step of a reconcile: replace a custom resource's `/status` when the computed
/// status differs from the stored one, then record Events for its transitions.
///
/// - Equal to the stored status: nothing is sent and nothing recorded (a converged reconcile
///   sends no request).
/// - Otherwise one `PUT …/status` with the object as read (its `resourceVersion` guards it):
///   - written → ``readiness`` told when the object became Ready, and one Event per
///     ``StatusTransition`` from the status just replaced to the new
///     one, worded by the kind (``StatusEventWording``), then the Events of the kind's own
///     transitions (``StatusEventWording/otherTransitions``);
///   - 409 conflict → ``Outcome/conflicted``, no Event (reconcile again from a fresh read);
///   - 404 → ``Outcome/gone``, no Event;
///   - 422 invalid → a `Warning` Event saying so, ``Outcome/refused``. A server without CRD
///     validation ratcheting (before v1.28) validates the whole object on a status write, so
///     an object stored under a looser schema cannot take any status; the next change of the
///     object brings the reconciler back.
///   - any other error is thrown.
public struct StatusWriter: Sendable {
    /// What a status write did.
    public enum Outcome: Hashable, Sendable {
        /// The computed status equals the stored one; nothing was sent.
        case unchanged
        /// The status was replaced (and its transitions recorded).
        case written
        /// The object changed since it was read (409); nothing was written.
        case conflicted
        /// The object is gone (404).
        case gone
        /// The server refused the status (422) with this message; a Warning Event says so.
        case refused(String)

        /// What the reconcile should return: `.requeue` after a conflict, `.done` when the
        /// object is gone or refused the status, `otherwise` when the status is as computed.
        public func result(otherwise: ReconcileResult = .done) -> ReconcileResult {
            switch self {
            case .unchanged, .written: return otherwise
            case .conflicted: return .requeue
            case .gone, .refused: return .done
            }
        }
    }

    public let client: KubeClient
    /// Where Events go; `nil` records none.
    public let events: EventRecorder?
    /// Told of each write that made the object Ready; `nil` (the default) tells no one.
    public var readiness: (any ReadinessObserver)?

    public init(client: KubeClient, events: EventRecorder?, readiness: (any ReadinessObserver)? = nil) {
        self.client = client
        self.events = events
        self.readiness = readiness
    }

    /// Replaces `object`'s status with `status` when they differ, and records the Events.
    public func write<Spec, Status: ConditionedStatus>(
        _ status: Status, of object: CustomResource<Spec, Status>, wording: StatusEventWording
    ) async throws -> Outcome {
        guard status != object.status else { return .unchanged }
        var updated = object
        updated.status = status
        do {
            _ = try await client.replaceStatus(updated)
        } catch KubeAPIError.conflict {
            return .conflicted
        } catch KubeAPIError.notFound {
            return .gone
        } catch KubeAPIError.invalid(let message, _) {
            let refusal = wording.refused(status.conditions?[type: StatusTransition.stalledType])
            events?.record(
                object, type: .warning, reason: refusal.reason,
                message: StatusEventWording.refusalMessage(explanation: refusal.explanation, server: message))
            return .refused(message)
        }
        let old = object.status?.conditions ?? [], new = status.conditions ?? []
        let transitions = StatusTransition.between(old: old, new: new)
        if let readiness, transitions.contains(where: { if case .becameReady = $0 { true } else { false } }) {
            readiness.becameReady(object)
        }
        guard let events else { return .written }
        for transition in transitions {
            switch transition {
            case .becameReady(let condition):
                let w = wording.ready(condition)
                events.record(object, type: .normal, reason: w.reason, message: w.message)
            case .stalled(let condition):
                let w = wording.stalled(condition)
                events.record(object, type: .warning, reason: w.reason, message: w.message)
            }
        }
        for event in wording.otherTransitions(old, new) {
            events.record(object, type: event.type, reason: event.reason, message: event.message)
        }
        return .written
    }
}
