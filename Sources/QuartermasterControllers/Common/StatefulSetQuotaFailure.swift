import Foundation
import KubeCore

/// Whether a StatefulSet cannot create its pods because a ResourceQuota is exhausted, read from
/// the StatefulSet controller's Events (pure). A v1.20 StatefulSet has no condition for it: the
/// controller records Warning Events, reason `FailedCreate`, with the API server's message
/// ("create Pod c-1 in StatefulSet c failed error: pods \"c-1\" is forbidden: exceeded quota:
/// …, requested: …, used: …, limited: …"), and tries again with backoff.
///
/// The StatefulSet is blocked by quota when all of these hold:
/// - fewer pods exist than it asks for (`status.replicas < spec.replicas`): once they exist, the
///   failure is over, whatever Events remain;
/// - an Event about it (`involvedObject.uid` is its UID, so Events of an earlier StatefulSet of
///   the same name do not count) has reason `FailedCreate` and a message saying "exceeded quota";
/// - no `SuccessfulCreate` Event about it for the same pod is newer than the newest such
///   failure (that pod created since means the quota left room again). With parallel pod
///   management the other pods' creations land around the failure in any order on a busy
///   server, so they do not count; a success or failure whose pod cannot be read from its
///   message counts for every pod. A failure and a success in the same second count as a
///   failure.
///
/// An Event's time is its `lastTimestamp`, else `eventTime`, else `firstTimestamp`, else its
/// creation time.
public enum StatefulSetQuotaFailure {
    /// The reason of the StatefulSet controller's Event for a pod it could not create.
    public static let failedCreateReason = "FailedCreate"
    /// The reason of its Event for a pod it created.
    public static let successfulCreateReason = "SuccessfulCreate"
    /// The field selector of the Events worth caching: the StatefulSet controller's Events
    /// about StatefulSets.
    public static let eventFieldSelector = "involvedObject.kind=StatefulSet,source=statefulset-controller"

    /// The message of the Event that shows `statefulSet` blocked by quota (with the numbers),
    /// or `nil` when it is not; `events` may hold Events about any object.
    public static func message(statefulSet: StatefulSet, events: [Event]) -> String? {
        guard let uid = statefulSet.metadata.uid, !uid.isEmpty else { return nil }
        let wanted = statefulSet.spec?.replicas ?? 1
        let existing = statefulSet.status?.replicas ?? 0
        guard existing < wanted else { return nil }
        let own = events.filter { $0.involvedObject.uid == uid && $0.involvedObject.kind == StatefulSet.resource.kind }
        let failures = own.filter {
            $0.reason == failedCreateReason && ($0.message ?? "").contains("exceeded quota")
        }
        guard let failure = failures.max(by: { time(of: $0) < time(of: $1) }) else { return nil }
        let failedPod = pod(in: failure.message)
        let lastSuccess = own.filter {
            guard $0.reason == successfulCreateReason else { return false }
            guard let failedPod, let createdPod = pod(in: $0.message) else { return true }
            return createdPod == failedPod
        }.map(time(of:)).max()
        if let lastSuccess, lastSuccess > time(of: failure) { return nil }
        return failure.message
    }

    /// The pod the StatefulSet controller's message is about ("create Pod c-1 in StatefulSet c
    /// …"), or `nil` when it does not say.
    static func pod(in message: String?) -> String? {
        guard let message, let start = message.range(of: "create Pod "),
            let end = message.range(of: " in StatefulSet ", range: start.upperBound..<message.endIndex)
        else { return nil }
        let name = message[start.upperBound..<end.lowerBound]
        return name.isEmpty || name.contains(" ") ? nil : String(name)
    }

    /// When `event` last happened (see the type's documentation); the distant past when it
    /// carries no time.
    static func time(of event: Event) -> Date {
        let stamps = [event.lastTimestamp, event.eventTime, event.firstTimestamp, event.metadata.creationTimestamp]
        return stamps.lazy.compactMap { $0.flatMap(APITimestamp.parse) }.first ?? .distantPast
    }
}
