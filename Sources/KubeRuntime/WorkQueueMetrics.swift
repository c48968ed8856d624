import Foundation

/// Receives a work queue's measurements (client-go's `workqueue` metrics family).
///
/// Every method is called outside the queue's lock and must be cheap.
public protocol WorkQueueMetricsRecorder: Sendable {
    /// The number of keys waiting to be handed out (`workqueue_depth`).
    func depth(_ value: Int)
    /// A key was accepted by `add` (`workqueue_adds_total`).
    func added()
    /// How long a key waited in the queue before a worker got it (`workqueue_queue_duration_seconds`).
    func queued(for duration: Duration)
    /// How long a worker held a key (`workqueue_work_duration_seconds`).
    func worked(for duration: Duration)
    /// A key was re-added with `addRateLimited` (`workqueue_retries_total`).
    func retried()
    /// Work in progress not yet reported by `worked`: the total and the longest, in seconds
    /// (`workqueue_unfinished_work_seconds`, `workqueue_longest_running_processor_seconds`).
    func inProgress(unfinishedSeconds: Double, longestSeconds: Double)
}

/// Records nothing.
public struct NoWorkQueueMetrics: WorkQueueMetricsRecorder {
    public init() {}
    public func depth(_ value: Int) {}
    public func added() {}
    public func queued(for duration: Duration) {}
    public func worked(for duration: Duration) {}
    public func retried() {}
    public func inProgress(unfinishedSeconds: Double, longestSeconds: Double) {}
}
