import Foundation
import KubeCore

/// Computes a Tenant's status from what was observed (pure).
///
/// Conditions (all carry `observedGeneration`; `lastTransitionTime` is kept from the previous
/// status while a condition's status does not change):
///
/// | situation | Ready | Reconciling | Stalled |
/// | --- | --- | --- | --- |
/// | spec invalid | False `InvalidSpec` | False | True `InvalidSpec` |
/// | namespace not ours (`TenantNamespaceClaim.foreign`) | False `NamespaceConflict` | False | True `NamespaceConflict` |
/// | a child's name taken by another owner (`ChildNameConflict`) | False `NameConflict` | False | True `NameConflict` |
/// | a write refused by the API server (`RefusedWrite`) | False, its reason | False | True, its reason (`Forbidden`, `QuotaExceeded`, `RequestTooLarge`, `Invalid`, …) |
/// | builds enabled, the build namespace's name taken by a namespace not this Tenant's | False `BuildNamespaceConflict` | False | True `BuildNamespaceConflict` |
/// | deleting, Resources, IPFSClusters or PersistentVolumeClaims remain, policy `Retain` | False `Deleting` | False | True `NotEmpty` |
/// | deleting, they remain, policy `DeleteData` | False `Deleting` | True `DeletingData` | False |
/// | deleting, none remain | False `Deleting` | True `Deleting` | False |
/// | namespace terminating | False `NamespaceTerminating` | True `NamespaceTerminating` | False |
/// | objects not yet applied / quota not yet observed (the build namespace's too, builds enabled) | False `Provisioning` | True `Provisioning` | False |
/// | suspended, everything applied | False `Suspended` | False | False |
/// | everything applied and observed | True `Ready` | False | False |
///
/// `status.buildNamespace` (builds enabled): the build namespace's name once it is this
/// Tenant's, active, and its objects were applied; while the Tenant is being deleted, kept as
/// long as that namespace is still there and active. Absent otherwise.
public enum TenantStatusComputation {
    /// The status for `tenant` (its generation, spec, deletion timestamp and previous
    /// conditions are read) given `observation`, at time `now`.
    public static func compute(tenant: Tenant, observation: TenantObservation, now: Date) -> TenantStatus {
        let generation = tenant.metadata.generation
        let deleting = tenant.metadata.deletionTimestamp != nil
        let resources = TenantResourceCounts(phases: observation.resourcePhases)
        var status = TenantStatus(
            observedGeneration: generation, namespace: tenant.namespaceName,
            quota: observation.quota.map { TenantQuotaStatus(hard: $0.hard, used: $0.used) },
            resources: resources, persistentVolumeClaims: TenantClaims(names: observation.claimNames),
            conditions: tenant.status?.conditions ?? [])

        let ready: (Condition.Status, String, String)
        let reconciling: (Condition.Status, String, String)
        let stalled: (Condition.Status, String, String)
        let ns = tenant.namespaceName
        let buildsEnabled = tenant.spec.effectiveBuilds.isEnabled
        let buildName = TenantBuildNamespace.name(for: ns)
        let buildClaim =
            observation.buildNamespace.map { TenantNamespaceClaim(observed: $0, tenant: tenant, build: true) } ?? .absent
        let buildUsable = buildsEnabled && buildClaim == .owned && observation.buildNamespaceActive
        if deleting {
            if buildUsable, tenant.status?.buildNamespace == buildName { status.buildNamespace = buildName }
        } else if buildUsable, observation.buildObjectsApplied, observation.specError == nil {
            status.buildNamespace = buildName
        }
        let buildsPending = buildsEnabled && !(observation.buildObjectsApplied && observation.buildQuotaCounted)
        if let error = observation.specError {
            ready = (.false, "InvalidSpec", error.description)
            reconciling = (.false, "InvalidSpec", "waiting for the spec to be fixed")
            stalled = (.true, "InvalidSpec", error.description)
        } else if case .foreign(let message) = TenantNamespaceClaim(observed: observation.namespace, tenant: tenant) {
            ready = (.false, "NamespaceConflict", message)
            reconciling = (.false, "NamespaceConflict", message)
            stalled = (.true, "NamespaceConflict", message)
        } else if let conflict = observation.conflict, !deleting {
            ready = (.false, "NameConflict", conflict.description)
            reconciling = (.false, "NameConflict", conflict.description)
            stalled = (.true, "NameConflict", conflict.description)
        } else if let refusal = observation.refusal, !deleting {
            ready = (.false, refusal.reason.rawValue, refusal.description)
            reconciling = (.false, refusal.reason.rawValue, "retrying with backoff")
            stalled = (.true, refusal.reason.rawValue, refusal.description)
        } else if !deleting, buildsEnabled, case .foreign(let why) = buildClaim {
            let message =
                "build namespace \(buildName): \(why); builds cannot run until it is gone or renamed (or set spec.builds.enabled: false)"
            ready = (.false, "BuildNamespaceConflict", message)
            reconciling = (.false, "BuildNamespaceConflict", message)
            stalled = (.true, "BuildNamespaceConflict", message)
        } else if deleting {
            ready = (.false, "Deleting", "the tenant is being deleted")
            let contents = observation.blockingContents
            if !contents.isEmpty, tenant.spec.effectiveDeletionPolicy == .deleteData {
                let message =
                    "deleting namespace \(ns) with the \(contents) it holds (spec.deletionPolicy: DeleteData)"
                reconciling = (.true, "DeletingData", message)
                stalled = (.false, "DeletingData", "")
            } else if !contents.isEmpty {
                let message =
                    "namespace \(ns) still holds \(contents); delete them, or set spec.deletionPolicy: DeleteData to delete the namespace with everything in it"
                reconciling = (.false, "NotEmpty", message)
                stalled = (.true, "NotEmpty", message)
            } else {
                reconciling = (.true, "Deleting", "deleting namespace \(ns)")
                stalled = (.false, "Deleting", "")
            }
        } else if observation.namespace != nil, !observation.namespaceActive {
            let message = "namespace \(ns) is terminating; it will be recreated once it is gone"
            ready = (.false, "NamespaceTerminating", message)
            reconciling = (.true, "NamespaceTerminating", message)
            stalled = (.false, "NamespaceTerminating", "")
        } else if !observation.objectsApplied || observation.namespace == nil || !observation.quotaCounted || buildsPending {
            let message: String
            if !observation.objectsApplied || observation.namespace == nil {
                message = "applying namespace \(ns), quota, limits, network policies and owner access"
            } else if !observation.quotaCounted {
                message = "waiting for the quota of namespace \(ns) to be counted"
            } else if observation.buildNamespace != nil, !observation.buildNamespaceActive {
                message = "build namespace \(buildName) is terminating; it will be recreated once it is gone"
            } else if !observation.buildObjectsApplied {
                message = "applying build namespace \(buildName), its quota, limits, network policy and owner access"
            } else {
                message = "waiting for the quota of build namespace \(buildName) to be counted"
            }
            ready = (.false, "Provisioning", message)
            reconciling = (.true, "Provisioning", message)
            stalled = (.false, "Provisioning", "")
        } else if tenant.spec.isSuspended {
            ready = (.false, "Suspended", "suspended: workloads scaled to zero, ingress blocked, data kept")
            reconciling = (.false, "Suspended", "")
            stalled = (.false, "Suspended", "")
        } else {
            ready = (.true, "Ready", "namespace \(ns) is ready")
            reconciling = (.false, "Ready", "")
            stalled = (.false, "Ready", "")
        }
        var conditions = status.conditions ?? []
        for (type, c) in [("Ready", ready), ("Reconciling", reconciling), ("Stalled", stalled)] {
            conditions.set(
                Condition(
                    type: type, status: c.0, observedGeneration: generation, reason: c.1,
                    message: c.2.isEmpty ? nil : c.2),
                now: now)
        }
        status.conditions = conditions
        return status
    }
}
