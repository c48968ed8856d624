import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

extension PostgresInstanceNames {
    /// The serial of a data claim (`<name>-<n>`) or WAL claim (`<name>-<n>-wal`), and which.
    func claimVolume(_ claimName: String) -> (serial: Int, volume: PostgresDiskPlan.Claim.Volume)? {
        if claimName.hasSuffix("-wal"), let serial = serial(of: String(claimName.dropLast(4))) { return (serial, .wal) }
        return serial(of: claimName).map { ($0, .data) }
    }
}

extension PostgresInstanceReconciler {
    /// The disk step: records the volume metrics, reads each claim's StorageClass from the cache
    /// and plans with ``PostgresDiskPlan``. The growths it plans are applied
    /// by the instances step through ``growClaim(_:desired:logger:)``: the desired claims are
    /// built from ``grownSpec(_:claims:names:disk:)``.
    func reconcileDisk(
        _ instance: PostgresInstance, observed: PostgresInstanceObservedObjects, logger: Logger
    ) async throws -> PostgresDiskPlan.Output {
        let namespace = instance.metadata.namespace ?? ""
        let name = instance.metadata.name ?? ""
        if let volumeMetrics {
            for (pod, report) in observed.reports.sorted(by: { $0.key < $1.key }) {
                if let data = report.dataVolume {
                    volumeMetrics.record(namespace: namespace, name: name, pod: pod, volume: "data", usage: data)
                }
                if let wal = report.walVolume {
                    volumeMetrics.record(namespace: namespace, name: name, pod: pod, volume: "wal", usage: wal)
                }
            }
        }
        let claims: [PostgresDiskPlan.Claim] = observed.claims.compactMap { claimName, claim in
            guard claim.metadata.deletionTimestamp == nil, let (serial, volume) = observed.names.claimVolume(claimName),
                let request = claim.spec?.resources?.requests?["storage"]
            else { return nil }
            return PostgresDiskPlan.Claim(
                name: claimName, pod: observed.names.pod(serial: serial), volume: volume, request: request,
                storageClassName: claim.spec?.storageClassName)
        }
        // From the StorageClass cache; an unknown class counts as not expandable.
        var expandable: [String: Bool] = [:]
        for className in Set(claims.compactMap(\.storageClassName)) {
            expandable[className] = caches.storageClasses?.get(name: className, namespace: nil)?.allowVolumeExpansion ?? false
        }
        let plan = PostgresDiskPlan.plan(
            spec: instance.spec, claims: claims, reports: observed.reports, expandable: expandable,
            previous: instance.status?.conditions?[type: PostgresDiskPlan.condition])
        return plan
    }
}
