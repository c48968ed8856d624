import Foundation
import KubeCore
import KubeRuntime

/// Failover, switchover and unfencing of a PostgresInstance, as a pure function: what the
/// reconciler observed (spec, previous status, pods, the instance managers' reports, since when
/// the primary has been unhealthy, the time) → the status changes, events and requeue. The
/// reconciler applies them (``PostgresInstanceReconciler``'s failover step); role labels follow
/// from the status (`fenced` for ``PostgresInstanceStatus/fencedInstances``).
///
/// Rules (the contract's):
/// - Nothing happens while suspended, while a problem stops the reconciler (the caller does not
///   plan then), or before a primary was ever confirmed (`currentPrimary` unset).
/// - The primary (`targetPrimary`, confirmed: `currentPrimary == targetPrimary`) is unhealthy
///   when its pod is gone or being deleted, its manager does not answer, or answers not ready,
///   not primary, or fenced. While a failover or switchover is under way (`targetPrimary !=
///   currentPrimary`) the new target is unhealthy only when its pod is gone or its manager does
///   not answer (it reports replica until it holds the lease and promotes).
/// - Unhealthy, or a failover or switchover under way: requeue after ``recheckInterval`` (1 s). Once unhealthy for `spec.failoverDelay`
///   seconds (measured on the reconciler's monotonic clock): the old primary is fenced (added to
///   `fencedInstances`), the reachable replica (manager answers, role replica, not fenced) with
///   the most advanced received WAL becomes `targetPrimary` (ties: lowest serial), with
///   `targetPrimaryTimestamp`, a ``PostgresPromotion`` (reason Failover) and the events
///   `FailingOver` and `Promoted`. No reachable replica: nothing is decided, the check repeats.
///   A single instance never fails over (the status shows Degraded).
/// - Switchover (annotation ``switchoverAnnotation``, `<pod>[@<token>]`, handled once: kept in
///   `lastSwitchoverRequest`): only while the primary is confirmed and healthy and the target is
///   a ready, streaming replica; then `targetPrimary` = target, a promotion (reason
///   Switchover) and the event `SwitchingOver`. A target that is not a replica of this instance
///   is refused (handled, Warning event `SwitchoverRefused`); one that is not ready yet waits.
/// - A fenced instance is unfenced (removed from `fencedInstances`) once its manager reports
///   role replica and streaming, and it is not the target primary.
public enum PostgresFailoverPlan {
    /// The annotation asking for a switchover: `<pod name>[@<token>]`.
    public static let switchoverAnnotation = "quartermaster.dev/switchover-to"
    /// How often an unhealthy primary is checked again: 1 s.
    public static let recheckInterval: Duration = .seconds(1)

    public struct Input: Sendable {
        public var spec: PostgresInstanceSpec
        public var status: PostgresInstanceStatus?
        public var annotations: [String: String]
        /// The instance pods (by ascending serial).
        public var pods: [PostgresInstanceObservation.ObservedPod]
        /// Reports of the managers that answered, by pod.
        public var reports: [String: InstanceReport]
        /// Whether the instance is suspended (spec or Tenant).
        public var suspended: Bool
        /// Since when (monotonic) the primary in ``Tracking/primary`` has been unhealthy.
        public var tracking: Tracking?
        public var now: ContinuousClock.Instant
        /// Wall time, for the status' timestamps.
        public var wallNow: Date

        public init(
            spec: PostgresInstanceSpec, status: PostgresInstanceStatus?, annotations: [String: String] = [:],
            pods: [PostgresInstanceObservation.ObservedPod], reports: [String: InstanceReport], suspended: Bool = false,
            tracking: Tracking?, now: ContinuousClock.Instant, wallNow: Date
        ) {
            self.spec = spec
            self.status = status
            self.annotations = annotations
            self.pods = pods
            self.reports = reports
            self.suspended = suspended
            self.tracking = tracking
            self.now = now
            self.wallNow = wallNow
        }
    }

    /// An unhealthy primary being watched: which pod, since when, and the WAL position it was
    /// last seen at (its last report's, or the status' when it first counted as unhealthy).
    public struct Tracking: Sendable, Hashable {
        public var primary: String
        public var since: ContinuousClock.Instant
        public var lastSeenLSN: String?
        public init(primary: String, since: ContinuousClock.Instant, lastSeenLSN: String? = nil) {
            self.primary = primary
            self.since = since
            self.lastSeenLSN = lastSeenLSN
        }
    }

    public struct Event: Sendable, Hashable {
        public var type: EventType
        public var reason: String
        public var message: String
        public init(type: EventType = .normal, reason: String, message: String) {
            self.type = type
            self.reason = reason
            self.message = message
        }
    }

    public struct Output: Sendable {
        /// The status with the plan's changes (`targetPrimary`, `targetPrimaryTimestamp`,
        /// `fencedInstances`, `promotions`, `lastSwitchoverRequest`); the input's when none.
        public var status: PostgresInstanceStatus?
        /// What the reconciler keeps for the next reconcile.
        public var tracking: Tracking?
        public var events: [Event] = []
        /// Requeue at most this long from now (while the primary is unhealthy).
        public var requeueAfter: Duration?
        /// Why the primary counts as unhealthy, when it does.
        public var unhealthy: String?
    }

    public static func plan(_ input: Input) -> Output {
        var output = Output(status: input.status, tracking: nil)
        guard !input.suspended, var status = input.status, let target = status.targetPrimary,
            let current = status.currentPrimary
        else { return output }
        let podsByName = Dictionary(input.pods.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var fenced = status.fencedInstances ?? []
        let timestamp = APITimestamp.time(input.wallNow)

        // Unfence those that rejoined as streaming replicas.
        fenced.removeAll { name in
            guard name != target, let r = input.reports[name] else { return false }
            return r.podRole == .replica && r.streaming && !r.fenced
        }

        let established = current == target
        let health = established
            ? primaryProblem(target, pod: podsByName[target], report: input.reports[target])
            : promotingProblem(target, pod: podsByName[target], report: input.reports[target])

        if let problem = health {
            output.unhealthy = problem
            // A single instance has nothing to promote: it shows Degraded until it recovers.
            let others = input.pods.filter { $0.name != target && !$0.deleting }
            if input.spec.instances > 1, !others.isEmpty {
                var tracking =
                    input.tracking.flatMap { $0.primary == target ? $0 : nil }
                    ?? Tracking(
                        primary: target, since: input.now,
                        lastSeenLSN: status.instancesStatus?.first { $0.name == target }?.lsn)
                if let reported = input.reports[target]?.lsn { tracking.lastSeenLSN = reported }
                output.tracking = tracking
                output.requeueAfter = recheckInterval
                if input.now - tracking.since >= .seconds(input.spec.failoverDelay),
                    let chosen = candidate(pods: input.pods, reports: input.reports, excluding: Set(fenced + [target]))
                {
                    let lastSeen = tracking.lastSeenLSN
                    let received = lsnText(input.reports[chosen.name])
                    if !fenced.contains(target) { fenced.append(target) }
                    status.targetPrimary = chosen.name
                    status.targetPrimaryTimestamp = timestamp
                    appendPromotion(
                        &status,
                        PostgresPromotion(
                            time: timestamp, from: target, to: chosen.name, reason: .failover, fromLSN: lastSeen,
                            toReceivedLSN: received, timeline: input.reports[chosen.name]?.timeline.map { $0 + 1 }))
                    output.events.append(
                        Event(
                            reason: "FailingOver",
                            message: "primary \(target) unhealthy for \(input.spec.failoverDelay)s (\(problem)); promoting \(chosen.name)"))
                    output.events.append(
                        Event(
                            reason: "Promoted",
                            message: "\(chosen.name) promoted (received \(received ?? "unknown")); \(target) fenced, last seen at \(lastSeen ?? "unknown")"))
                    // The tracking is kept: should the status write fail, the next reconcile
                    // decides again at once (once it succeeds, the target differs and it lapses).
                }
            }
        } else if established {
            switchover(input, status: &status, fenced: fenced, output: &output, timestamp: timestamp)
        }
        // Under way: look again soon, so currentPrimary and the role labels follow quickly.
        if status.targetPrimary != current { output.requeueAfter = recheckInterval }
        status.fencedInstances = fenced.isEmpty ? nil : fenced
        output.status = status
        return output
    }

    /// Why the confirmed primary is unhealthy; `nil` when it is healthy.
    static func primaryProblem(_ name: String, pod: PostgresInstanceObservation.ObservedPod?, report: InstanceReport?)
        -> String?
    {
        guard let pod, !pod.deleting else { return "pod \(name) is gone" }
        guard let report else { return "its instance manager does not answer" }
        if report.fenced { return "it is fenced" }
        if report.podRole != .primary { return "it reports role \(report.role.isEmpty ? "unknown" : report.role)" }
        if !report.ready { return "it does not accept connections" }
        return nil
    }

    /// Why a target primary that is being promoted counts as lost; `nil` while it may still
    /// promote (its manager answers).
    static func promotingProblem(_ name: String, pod: PostgresInstanceObservation.ObservedPod?, report: InstanceReport?)
        -> String?
    {
        guard let pod, !pod.deleting else { return "pod \(name) is gone" }
        guard report != nil else { return "its instance manager does not answer" }
        return nil
    }

    /// The reachable replica with the most advanced received WAL; ties: the lowest serial.
    static func candidate(
        pods: [PostgresInstanceObservation.ObservedPod], reports: [String: InstanceReport], excluding: Set<String>
    ) -> PostgresInstanceObservation.ObservedPod? {
        let reachable = pods.filter { pod in
            guard !pod.deleting, !excluding.contains(pod.name), let r = reports[pod.name] else { return false }
            return r.podRole == .replica && !r.fenced
        }
        return reachable.min { a, b in
            let la = lsnText(reports[a.name]).flatMap(PostgresLSN.parse) ?? 0
            let lb = lsnText(reports[b.name]).flatMap(PostgresLSN.parse) ?? 0
            return la != lb ? la > lb : a.serial < b.serial
        }
    }

    /// What a replica has received: `receivedLsn`, else its replay or current position.
    static func lsnText(_ report: InstanceReport?) -> String? {
        report.flatMap { $0.receivedLsn ?? $0.replayLsn ?? $0.lsn }
    }

    static func appendPromotion(_ status: inout PostgresInstanceStatus, _ promotion: PostgresPromotion) {
        var promotions = status.promotions ?? []
        promotions.append(promotion)
        status.promotions = Array(promotions.suffix(PostgresPromotion.kept))
    }

    private static func switchover(
        _ input: Input, status: inout PostgresInstanceStatus, fenced: [String], output: inout Output, timestamp: String
    ) {
        guard let request = input.annotations[switchoverAnnotation], !request.isEmpty,
            request != status.lastSwitchoverRequest, let primary = status.targetPrimary
        else { return }
        let wanted = String(request.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let pod = input.pods.first { $0.name == wanted && !$0.deleting }
        guard let pod, wanted != primary, !fenced.contains(wanted) else {
            status.lastSwitchoverRequest = request
            let why = wanted == primary ? "it is the primary already" : "it is not a replica of this instance"
            output.events.append(
                Event(type: .warning, reason: "SwitchoverRefused", message: "switchover to \(wanted) refused: \(why)"))
            return
        }
        guard let report = input.reports[pod.name], report.podRole == .replica, report.ready, report.streaming,
            !report.fenced
        else { return }  // Not ready yet: the request waits.
        status.lastSwitchoverRequest = request
        status.targetPrimary = pod.name
        status.targetPrimaryTimestamp = timestamp
        let received = lsnText(report)
        appendPromotion(
            &status,
            PostgresPromotion(
                time: timestamp, from: primary, to: pod.name, reason: .switchover, fromLSN: input.reports[primary]?.lsn,
                toReceivedLSN: received, timeline: report.timeline.map { $0 + 1 }))
        output.events.append(
            Event(
                reason: "SwitchingOver",
                message: "switching over from \(primary) to \(pod.name) (received \(received ?? "unknown")): \(primary) shuts down cleanly and rejoins as a replica"))
    }
}
