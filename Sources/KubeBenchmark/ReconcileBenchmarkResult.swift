/// Figures of one `ReconcileBenchmark` run.
public struct ReconcileBenchmarkResult: Sendable {
    public var objects: Int
    public var concurrency: Int
    /// Seconds to create the N parents (POST, `concurrency` at once).
    public var createParentsSeconds: Double
    /// Seconds for a plain client to send N server-side applies of children (`concurrency` at
    /// once): the API server's own pace for this work.
    public var directApplySeconds: Double
    /// Seconds from the controller's start to its N-th child apply.
    public var controllerApplySeconds: Double
    /// Converged reconciles after a label was touched on every parent.
    public var touch: ConvergedReconcile
    /// Converged reconciles after a restart of the controller (fresh caches, every key queued).
    public var restart: ConvergedReconcile
    /// Parent update (write returned) → child applied by the controller.
    public var latency: LatencySummary

    /// `controllerApplySeconds / directApplySeconds`.
    public var ratio: Double { directApplySeconds > 0 ? controllerApplySeconds / directApplySeconds : 0 }
}

/// What the controller sent while reconciling already converged objects.
public struct ConvergedReconcile: Sendable {
    /// Reconciles that ran.
    public var reconciles: Int
    /// Every request the controller's client sent (lists and watches included).
    public var requests: Int
    /// POST/PUT/PATCH/DELETE the controller's client sent.
    public var writes: Int
    /// create/update/patch/delete the audit log recorded for the controller's user agent;
    /// `nil` without an audit log.
    public var auditWrites: Int?
}
