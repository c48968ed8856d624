import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// What the failover and disk step decided in one reconcile: the instance as the rest of the
/// reconcile sees it (its status with ``PostgresFailoverPlan``'s changes; with automatic growth
/// on, its volume sizes no smaller than the claims already are), the requeue it asks for, and
/// `DiskPressure`.
struct PostgresFailoverStep: Sendable {
    var instance: PostgresInstance
    var requeueAfter: Duration?
    var disk: PostgresDiskPlan.Output?
}

extension PostgresInstanceReconciler {
    /// The failover step (before the desired objects are computed, so role labels follow in the
    /// same reconcile): plans with ``PostgresFailoverPlan`` on the reconciler's clock, keeps
    /// the unhealthy tracking, records the plan's events, then the disk step
    /// (``reconcileDisk(_:observed:logger:)``). Writes nothing but claims (growth) and events:
    /// the status carries the decisions and is written at the end of the reconcile.
    func stepFailoverAndDisk(
        _ instance: PostgresInstance, observed: PostgresInstanceObservedObjects, suspended: Bool, logger: Logger
    ) async throws -> PostgresFailoverStep {
        let key = "\(instance.metadata.namespace ?? "")/\(instance.metadata.name ?? "")"
        let condensed = observed.condensed(problems: [])
        let plan = PostgresFailoverPlan.plan(
            .init(
                spec: instance.spec, status: instance.status, annotations: instance.metadata.annotations ?? [:],
                pods: condensed.pods, reports: observed.reports, suspended: suspended,
                tracking: failoverTracking.get(key), now: clock.now, wallNow: now()))
        let before = failoverTracking.get(key)
        failoverTracking.set(key, plan.tracking)
        // Logged when it starts (and for a single instance, on every poll), not every second.
        if let problem = plan.unhealthy, before == nil || before?.primary != plan.tracking?.primary {
            logger.warning("primary unhealthy", metadata: ["primary": "\(instance.status?.targetPrimary ?? "")", "why": "\(problem)"])
        }
        for event in plan.events {
            logger.info("\(event.reason): \(event.message)")
            events?.record(instance, type: event.type, reason: event.reason, message: event.message)
        }
        var planned = instance
        planned.status = plan.status
        let disk = try await reconcileDisk(planned, observed: observed, logger: logger)
        for event in disk.events {
            events?.record(instance, type: event.type, reason: event.reason, message: event.message)
        }
        if planned.spec.storage.maxSize != nil || planned.spec.walStorage?.maxSize != nil {
            planned.spec = Self.grownSpec(planned.spec, claims: observed.claims, names: observed.names, disk: disk)
        }
        return PostgresFailoverStep(instance: planned, requeueAfter: plan.requeueAfter, disk: disk)
    }

    /// With automatic growth on (`maxSize`), the sizes new and existing claims are built with:
    /// the larger of the spec's and the largest claim of that volume (after this reconcile's
    /// growths), so a grown claim is not "shrunk" back to the spec and a new replica gets as much
    /// room as the others.
    static func grownSpec(
        _ spec: PostgresInstanceSpec, claims: [String: PersistentVolumeClaim], names: PostgresInstanceNames,
        disk: PostgresDiskPlan.Output
    ) -> PostgresInstanceSpec {
        var spec = spec
        let grown = Dictionary(disk.growths.map { ($0.claim, $0.to) }, uniquingKeysWith: { a, _ in a })
        func largest(wal: Bool, over size: String) -> String {
            guard var best = Quantity(parsing: size) else { return size }
            for (name, claim) in claims {
                guard let (_, volume) = names.claimVolume(name), (volume == .wal) == wal,
                    let request = grown[name] ?? claim.spec?.resources?.requests?["storage"]
                else { continue }
                if request > best { best = request }
            }
            return best.description
        }
        if spec.storage.maxSize != nil { spec.storage.size = largest(wal: false, over: spec.storage.size) }
        if var wal = spec.walStorage, wal.maxSize != nil {
            wal.size = largest(wal: true, over: wal.size)
            spec.walStorage = wal
        }
        return spec
    }
}
