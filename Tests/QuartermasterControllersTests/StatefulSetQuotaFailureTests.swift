import Foundation
import KubeCore
import QuartermasterControllers
import Testing

/// `StatefulSetQuotaFailure.message`, row by row as its documentation states the rule.
@Suite struct StatefulSetQuotaFailureTests {
    static let quota =
        "create Pod c-1 in StatefulSet c failed error: pods \"c-1\" is forbidden: exceeded quota: quartermaster-quota, "
        + "requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2"

    static func statefulSet(wanted: Int = 3, existing: Int?, uid: String? = "sts-uid") -> StatefulSet {
        var metadata = ObjectMeta(name: "c", namespace: "ns")
        metadata.uid = uid
        return StatefulSet(
            metadata: metadata,
            spec: StatefulSetSpec(replicas: wanted, selector: LabelSelector(), template: PodTemplateSpec()),
            status: existing.map { StatefulSetStatus(replicas: $0) })
    }

    static func event(
        _ reason: String, _ message: String = quota, at time: String, uid: String = "sts-uid", kind: String = "StatefulSet"
    ) -> Event {
        Event(
            metadata: ObjectMeta(name: "c.\(reason).\(time)", namespace: "ns"),
            involvedObject: ObjectReference(kind: kind, namespace: "ns", name: "c", uid: uid), reason: reason,
            message: message, type: reason == "FailedCreate" ? "Warning" : "Normal", lastTimestamp: time)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var statefulSet: StatefulSet
        var events: [Event]
        var blocked: Bool
        var testDescription: String { name }
    }

    static let t0 = "2026-01-01T10:00:00Z", t1 = "2026-01-01T10:00:05Z", t2 = "2026-01-01T10:00:09Z"

    static let rows: [Row] = [
        Row(name: "pods missing, quota failure", statefulSet: statefulSet(existing: 1), events: [event("FailedCreate", at: t1)], blocked: true),
        Row(name: "no status yet, quota failure", statefulSet: statefulSet(existing: nil), events: [event("FailedCreate", at: t1)], blocked: true),
        Row(name: "every pod exists", statefulSet: statefulSet(existing: 3), events: [event("FailedCreate", at: t1)], blocked: false),
        Row(name: "no Events", statefulSet: statefulSet(existing: 1), events: [], blocked: false),
        Row(
            name: "a FailedCreate for another reason", statefulSet: statefulSet(existing: 1),
            events: [event("FailedCreate", "pods \"c-1\" is forbidden: error looking up service account", at: t1)],
            blocked: false),
        Row(
            name: "an earlier StatefulSet of the same name", statefulSet: statefulSet(existing: 1),
            events: [event("FailedCreate", at: t1, uid: "old-uid")], blocked: false),
        Row(
            name: "another kind of the same UID", statefulSet: statefulSet(existing: 1),
            events: [event("FailedCreate", at: t1, kind: "Pod")], blocked: false),
        Row(
            name: "a pod created since the failure", statefulSet: statefulSet(existing: 2),
            events: [event("FailedCreate", at: t1), event("SuccessfulCreate", "create Pod c-1 in StatefulSet c successful", at: t2)],
            blocked: false),
        Row(
            name: "another pod created after the failure (parallel pod management on a busy server)",
            statefulSet: statefulSet(existing: 2),
            events: [event("FailedCreate", at: t1), event("SuccessfulCreate", "create Pod c-0 in StatefulSet c successful", at: t2)],
            blocked: true),
        Row(
            name: "a success that names no pod counts for every pod", statefulSet: statefulSet(existing: 2),
            events: [event("FailedCreate", at: t1), event("SuccessfulCreate", "created a pod", at: t2)],
            blocked: false),
        Row(
            name: "failed again after a pod was created", statefulSet: statefulSet(existing: 2),
            events: [event("SuccessfulCreate", "create Pod c-1 in StatefulSet c successful", at: t1), event("FailedCreate", at: t2)],
            blocked: true),
        Row(
            name: "success and failure in the same second", statefulSet: statefulSet(existing: 1),
            events: [event("SuccessfulCreate", "create Pod c-0 in StatefulSet c successful", at: t0), event("FailedCreate", at: t0)],
            blocked: true),
        Row(name: "a StatefulSet without UID", statefulSet: statefulSet(existing: 1, uid: nil), events: [event("FailedCreate", at: t1)], blocked: false),
    ]

    @Test(arguments: rows) func rule(_ row: Row) {
        let message = StatefulSetQuotaFailure.message(statefulSet: row.statefulSet, events: row.events)
        #expect((message != nil) == row.blocked)
        if row.blocked { #expect(message == Self.quota) }
    }

    @Test func theNewestFailureGivesTheNumbers() {
        let newer = Self.quota.replacingOccurrences(of: "used: requests.cpu=1500m", with: "used: requests.cpu=1750m")
        let events = [Self.event("FailedCreate", newer, at: Self.t2), Self.event("FailedCreate", at: Self.t1)]
        #expect(StatefulSetQuotaFailure.message(statefulSet: Self.statefulSet(existing: 0), events: events) == newer)
    }
}
