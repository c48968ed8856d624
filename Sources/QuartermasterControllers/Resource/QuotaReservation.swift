import Foundation
import KubeCore

/// What sibling Resources still being created will take from a namespace's quotas, beyond the
/// quota's `used` (pure). ``QuotaCheck`` subtracts it from the headroom, so several Resources
/// that each fit but not together do not all pass the check while the first ones' pods are
/// still to be created.
///
/// For the Resource being checked, every other Resource of its namespace counts as follows:
///
/// | sibling | reserved |
/// | --- | --- |
/// | being deleted, suspended, phase `Failed` (stalled: quota exceeded, refused, name conflict, ...), or a template that does not resolve or render | nothing |
/// | its child exists (controlled by it) and its controller reports how many pods exist | the pods and claims of the replicas not yet created (``ResourceOffering/pendingFootprint(spec:createdPods:)``) |
/// | its child exists and reports nothing yet | everything the child's controller will create, except the child |
/// | no child yet, and it comes first (earlier `creationTimestamp`, then name) | its whole footprint |
/// | no child yet, and it comes after | nothing |
///
/// Why it cannot wedge: what exists is in `used` (the quota admission plugin counts each object
/// as it is created) and is never reserved again, so a sibling's reservation shrinks as its pods
/// appear and ends when they all exist; a sibling that stops (quota, refusal, conflict) is
/// `Failed` and reserves nothing; and among Resources without children only earlier ones are
/// reserved, so two Resources never wait for each other: the first always gets the real
/// headroom. It is conservative: a claim created before its pod (a StatefulSet creates the
/// claim first) is counted in `used` and reserved until the pod exists.
///
/// The Resource controller reconciles a Resource stalled on `QuotaExceeded` again when a
/// sibling in its namespace changes, and every Resource of a namespace when a quota changes.
public struct QuotaReservation: Hashable, Sendable {
    /// Amounts by ResourceQuota resource name.
    public var usage: [String: Quantity]
    /// The names of the Resources reserved for, in order.
    public var resources: [String]

    /// Nothing reserved.
    public init(usage: [String: Quantity] = [:], resources: [String] = []) {
        self.usage = usage
        self.resources = resources
    }

    /// The reservation `siblings` make against `resource`'s check.
    ///
    /// - Parameters:
    ///   - siblings: the Resources of `resource`'s namespace (it may be among them).
    ///   - child: the cached object of a kind, name and namespace, or `nil`.
    ///   - offerings: the kinds templates may build.
    public static func reserved(
        against resource: Resource, siblings: [Resource],
        child: (ResourceDescriptor, _ name: String, _ namespace: String?) -> ResourceChildObject?,
        offerings: [ResourceOffering] = ResourceOffering.all
    ) -> QuotaReservation {
        var reservation = QuotaReservation()
        let ordered = siblings.sorted { precedes($0, $1) }
        for sibling in ordered where sibling.key != resource.key {
            guard let pending = pendingFootprint(of: sibling, before: resource, child: child, offerings: offerings),
                !pending.quotaUsage.isEmpty
            else { continue }
            for (key, amount) in pending.quotaUsage {
                reservation.usage[key] = reservation.usage[key].map { $0 + amount } ?? amount
            }
            reservation.resources.append(sibling.metadata.name ?? "")
        }
        return reservation
    }

    /// What `sibling` still takes (the table above), or `nil` for nothing.
    static func pendingFootprint(
        of sibling: Resource, before resource: Resource,
        child: (ResourceDescriptor, String, String?) -> ResourceChildObject?, offerings: [ResourceOffering]
    ) -> ResourceFootprint? {
        guard sibling.metadata.deletionTimestamp == nil, !sibling.spec.isSuspended,
            sibling.status?.phase != .failed, sibling.status?.phase != .suspended,
            let resolved = try? ResourceTemplateCatalog.resolve(sibling.spec),
            let offering = try? ResourceOffering.offering(for: resolved.template.kind, in: offerings),
            let spec = try? resolved.childSpec(suspended: false)
        else { return nil }
        let name = sibling.metadata.name ?? ""
        if let existing = child(offering.kind, name, sibling.metadata.namespace) {
            guard let uid = sibling.metadata.uid, existing.metadata.isControlled(byUID: uid) else { return nil }
            let created = offering.statusPaths.progress?.created.flatMap { existing.json[pointer: $0]?.intValue }.map { Int(clamping: $0) }
            return try? offering.pendingFootprint(spec: spec, createdPods: created)
        }
        guard precedes(sibling, resource) else { return nil }
        return try? offering.footprint(spec: spec)
    }

    /// `true` when `a` was created before `b` (by `creationTimestamp`, then name).
    static func precedes(_ a: Resource, _ b: Resource) -> Bool {
        let ta = a.metadata.creationTimestamp.flatMap(APITimestamp.parse) ?? .distantFuture
        let tb = b.metadata.creationTimestamp.flatMap(APITimestamp.parse) ?? .distantFuture
        if ta != tb { return ta < tb }
        return (a.metadata.name ?? "") < (b.metadata.name ?? "")
    }
}
