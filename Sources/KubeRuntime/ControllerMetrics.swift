import Foundation
import Prometheus

/// A controller's Prometheus metrics, with controller-runtime's names, labels and help texts:
///
/// - `controller_runtime_reconcile_total{controller,result}`, `result` one of `success`,
///   `error`, `requeue`, `requeue_after`, all four created at 0 when the controller is built;
/// - `controller_runtime_reconcile_errors_total{controller}`;
/// - `controller_runtime_terminal_reconcile_errors_total{controller}`;
/// - `controller_runtime_reconcile_errors_by_reason_total{controller,reason}` (not in
///   controller-runtime): the errors again, by ``ReconcileErrorReason``, every reason created at 0;
/// - `controller_runtime_reconcile_time_seconds{controller}` (histogram);
/// - `controller_runtime_max_concurrent_reconciles{controller}`;
/// - `controller_runtime_active_workers{controller}`;
/// - and the work queue's `workqueue_*{name}` family (see `PrometheusWorkQueueMetrics`).
public final class ControllerMetrics: Sendable {
    /// The values of the `result` label.
    public enum Result: String, Sendable, CaseIterable {
        case success, error, requeue
        case requeueAfter = "requeue_after"
    }

    public let controller: String
    private let reconcileTotal: [Result: Counter]
    private let reconcileErrors: Counter
    private let terminalErrors: Counter
    private let errorsByReason: [ReconcileErrorReason: Counter]
    private let reconcileTime: DurationHistogram
    private let maxConcurrentReconciles: Gauge
    private let activeWorkers: Gauge
    /// The work queue's metrics, labelled `name=<controller>`.
    public let workQueue: PrometheusWorkQueueMetrics

    /// controller-runtime's buckets for `controller_runtime_reconcile_time_seconds`.
    public static let reconcileTimeBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
    ]

    public init(registry: PrometheusCollectorRegistry, controller: String) {
        self.controller = controller
        let labels = [("controller", controller)]
        var totals: [Result: Counter] = [:]
        for result in Result.allCases {
            totals[result] = registry.makeCounter(
                descriptor: Self.descriptor(
                    "controller_runtime_reconcile_total", "Total number of reconciliations per controller"),
                labels: labels + [("result", result.rawValue)])
        }
        reconcileTotal = totals
        reconcileErrors = registry.makeCounter(
            descriptor: Self.descriptor(
                "controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller"),
            labels: labels)
        terminalErrors = registry.makeCounter(
            descriptor: Self.descriptor(
                "controller_runtime_terminal_reconcile_errors_total",
                "Total number of terminal reconciliation errors per controller"),
            labels: labels)
        var byReason: [ReconcileErrorReason: Counter] = [:]
        for reason in ReconcileErrorReason.allCases {
            byReason[reason] = registry.makeCounter(
                descriptor: Self.descriptor(
                    "controller_runtime_reconcile_errors_by_reason_total",
                    "Total number of reconciliation errors per controller and reason"),
                labels: labels + [("reason", reason.rawValue)])
        }
        errorsByReason = byReason
        reconcileTime = registry.makeDurationHistogram(
            descriptor: Self.descriptor(
                "controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller"),
            labels: labels, buckets: Self.reconcileTimeBuckets.map(Self.duration))
        maxConcurrentReconciles = registry.makeGauge(
            descriptor: Self.descriptor(
                "controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller"),
            labels: labels)
        activeWorkers = registry.makeGauge(
            descriptor: Self.descriptor(
                "controller_runtime_active_workers", "Number of currently used workers per controller"),
            labels: labels)
        workQueue = PrometheusWorkQueueMetrics(registry: registry, name: controller)
    }

    /// Counts one finished reconcile.
    public func reconciled(_ result: Result, duration: Duration) {
        reconcileTotal[result]?.increment()
        reconcileTime.record(duration)
    }

    /// Counts one reconcile that failed with `error` (a ``TerminalError`` counts as terminal).
    public func failed(with error: any Error, duration: Duration) {
        reconciled(.error, duration: duration)
        reconcileErrors.increment()
        let reason = ReconcileErrorReason(error)
        if reason == .terminal { terminalErrors.increment() }
        errorsByReason[reason]?.increment()
    }

    public func setMaxConcurrentReconciles(_ value: Int) { maxConcurrentReconciles.set(Double(value)) }
    public func workerStarted() { activeWorkers.increment() }
    public func workerFinished() { activeWorkers.decrement() }

    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    static func duration(_ seconds: Double) -> Duration { .nanoseconds(Int64((seconds * 1e9).rounded())) }
}

/// client-go's work queue metrics in a Prometheus registry, labelled `name`:
/// `workqueue_depth`, `workqueue_adds_total`, `workqueue_queue_duration_seconds`,
/// `workqueue_work_duration_seconds`, `workqueue_unfinished_work_seconds`,
/// `workqueue_longest_running_processor_seconds`, `workqueue_retries_total`.
public final class PrometheusWorkQueueMetrics: WorkQueueMetricsRecorder {
    private let depthGauge: Gauge
    private let adds: Counter
    private let queueLatency: DurationHistogram
    private let workDuration: DurationHistogram
    private let unfinished: Gauge
    private let longest: Gauge
    private let retries: Counter

    /// controller-runtime's buckets for the two duration histograms: 10 ns to 10 s, by factors
    /// of 10.
    public static let durationBuckets: [Double] = (0..<10).map { 1e-8 * pow(10, Double($0)) }

    public init(registry: PrometheusCollectorRegistry, name: String) {
        let labels = [("name", name)]
        let d = ControllerMetrics.descriptor
        let buckets = Self.durationBuckets.map(ControllerMetrics.duration)
        depthGauge = registry.makeGauge(descriptor: d("workqueue_depth", "Current depth of workqueue"), labels: labels)
        adds = registry.makeCounter(
            descriptor: d("workqueue_adds_total", "Total number of adds handled by workqueue"), labels: labels)
        queueLatency = registry.makeDurationHistogram(
            descriptor: d(
                "workqueue_queue_duration_seconds",
                "How long in seconds an item stays in workqueue before being requested"),
            labels: labels, buckets: buckets)
        workDuration = registry.makeDurationHistogram(
            descriptor: d(
                "workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes."),
            labels: labels, buckets: buckets)
        unfinished = registry.makeGauge(
            descriptor: d(
                "workqueue_unfinished_work_seconds",
                "How many seconds of work has been done that is in progress and hasn't been observed by "
                    + "work_duration. Large values indicate stuck threads. One can deduce the number of stuck "
                    + "threads by observing the rate at which this increases."),
            labels: labels)
        longest = registry.makeGauge(
            descriptor: d(
                "workqueue_longest_running_processor_seconds",
                "How many seconds has the longest running processor for workqueue been running."),
            labels: labels)
        retries = registry.makeCounter(
            descriptor: d("workqueue_retries_total", "Total number of retries handled by workqueue"), labels: labels)
    }

    public func depth(_ value: Int) { depthGauge.set(Double(value)) }
    public func added() { adds.increment() }
    public func queued(for duration: Duration) { queueLatency.record(duration) }
    public func worked(for duration: Duration) { workDuration.record(duration) }
    public func retried() { retries.increment() }
    public func inProgress(unfinishedSeconds: Double, longestSeconds: Double) {
        unfinished.set(unfinishedSeconds)
        longest.set(longestSeconds)
    }
}
