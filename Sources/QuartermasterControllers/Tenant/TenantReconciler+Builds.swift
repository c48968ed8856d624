import Foundation
import KubeClient
import KubeCore
import KubeRuntime

extension TenantReconciler {
    /// Creates or applies the build namespace and applies the objects in it
    /// (``TenantBuildDesiredState``), by the rules of the tenant's own namespace: the cache is a
    /// hint, so a build namespace it does not show as this Tenant's is read with a GET first; an
    /// absent one is created with POST (create-only: one that appeared meanwhile is judged
    /// afresh, `.requeue`); one that is not this Tenant's build namespace
    /// (``TenantNamespaceClaim``, `build: true`) is left alone and reported
    /// (`BuildNamespaceConflict`); a terminating one is waited for (its deletion event brings
    /// the Tenant back). A child whose name another owner holds is recorded as the observation's
    /// ``ChildNameConflict``. A refused write is thrown as ``RefusedWrite``.
    ///
    /// Called only when builds are enabled and the tenant's own namespace and objects were
    /// applied; returns a result when the reconcile ends here, `nil` otherwise (the observation
    /// says what was done).
    func applyBuildNamespace(
        _ tenant: Tenant, desired: TenantBuildDesiredState, observation: inout TenantObservation
    ) async throws -> ReconcileResult? {
        var claim = TenantNamespaceClaim(observed: observation.buildNamespace, tenant: tenant, build: true)
        if claim != .owned {
            observation.buildNamespace = try await client.getIfExists(Namespace.self, name: desired.namespaceName)
            claim = TenantNamespaceClaim(observed: observation.buildNamespace, tenant: tenant, build: true)
        }
        switch claim {
        case .foreign:
            return nil
        case .absent:
            do {
                observation.buildNamespace = try await applier.create(desired.namespace)
            } catch KubeAPIError.alreadyExists {
                return .requeue
            }
            events?.record(
                tenant, type: .normal, reason: "BuildNamespaceCreated",
                message: "created build namespace \(desired.namespaceName)")
        case .owned:
            guard observation.buildNamespaceActive else { return nil }
            observation.buildNamespace = try await applier.apply(desired.namespace, observed: observation.buildNamespace).object
        }

        let ns = desired.namespaceName
        let name = TenantBuildNamespace.objectName
        do {
            let quota = try await applier.applyControlled(
                desired.resourceQuota, cached: caches.quotas.get(name: name, namespace: ns)
            ).object
            _ = try await applier.applyControlled(desired.limitRange, cached: caches.limitRanges.get(name: name, namespace: ns))
            _ = try await applier.applyControlled(
                desired.networkPolicy, cached: caches.networkPolicies.get(name: name, namespace: ns))
            _ = try await applier.applyControlled(desired.roleBinding, cached: caches.roleBindings.get(name: name, namespace: ns))
            observation.buildObjectsApplied = true
            observation.buildQuota = quota.status
        } catch let conflict as ChildNameConflict {
            observation.conflict = conflict
        }
        return nil
    }
}
