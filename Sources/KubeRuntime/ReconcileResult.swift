import Foundation

/// What a reconcile asks the controller to do next.
public enum ReconcileResult: Sendable, Hashable {
    /// Nothing: the object is as it should be. Its failure count is reset. Counted as
    /// `result="success"`.
    case done
    /// Reconcile again soon, with the key's rate-limited backoff, without counting an error.
    /// Counted as `result="requeue"`.
    case requeue
    /// Reconcile again after this delay (for example to renew something before it expires).
    /// The failure count is reset. Counted as `result="requeue_after"`.
    case requeueAfter(Duration)
}
