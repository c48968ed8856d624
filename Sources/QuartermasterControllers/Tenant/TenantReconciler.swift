import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Keeps each Tenant's namespace, ResourceQuota, LimitRange, NetworkPolicies and owner
/// RoleBinding as `TenantDesiredState` computes them, and reports `TenantStatus`.
///
/// Reads come from the controller's caches (`TenantController` registers them): Namespace,
/// ResourceQuota, LimitRange, NetworkPolicy, RoleBinding and Resource. Writes:
///
/// - the finalizer `Tenant.finalizer` is added once (JSON patch guarded by a `test`);
/// - desired objects go through `DesiredStateApplier` (server-side apply only when the cache
///   shows a difference); operator NetworkPolicies no longer desired are deleted;
/// - the status is replaced through `/status` only when it differs from the stored one.
///
/// A converged reconcile therefore sends no request at all.
///
/// The Namespace carries the tenant labels but **no owner reference**: a foreground cascading
/// delete of the Tenant would otherwise let the garbage collector delete the namespace, and
/// every Resource in it, before the finalizer could refuse. The namespace is deleted only by
/// this reconciler, only once it holds no Resources (`TenantDeletionPlan`); until then the
/// Tenant reports `Stalled=True`, reason `NotEmpty`.
///
/// Events (never with secrets): `NamespaceCreated`, `Ready`, `InvalidSpec`,
/// `NamespaceConflict`, `DeletionBlocked`, `NamespaceDeleted`.
public struct TenantReconciler: Reconciler {
    public typealias Object = Tenant

    public let client: KubeClient
    public let applier: DesiredStateApplier
    /// `nil` records nothing.
    public let events: EventRecorder?
    /// The clock for condition transition times. Default: the system clock.
    public let now: @Sendable () -> Date

    public init(client: KubeClient, events: EventRecorder?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.applier = DesiredStateApplier(client: client)
        self.events = events
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Tenant>) async throws
        -> ReconcileResult
    {
        guard var tenant = context.store.get(request.key) else { return .done }
        let caches = try TenantCaches(context)
        let namespace = caches.namespaces.get(name: tenant.namespaceName, namespace: nil)
        let resources = caches.resources.list(namespace: tenant.namespaceName)

        if tenant.metadata.deletionTimestamp != nil {
            return try await finalize(tenant, namespace: namespace, resources: resources, context: context)
        }
        if !(tenant.metadata.finalizers ?? []).contains(Tenant.finalizer) {
            tenant = try await TenantFinalizer.add(to: tenant, client: client)
        }

        var observation = TenantObservation(namespace: namespace, resourcePhases: resources.map { $0.status?.phase })
        let desired: TenantDesiredState
        do {
            desired = try TenantDesiredState(tenant: tenant)
        } catch {
            observation.specError = error
            try await writeStatus(of: tenant, observation: observation)
            return .done
        }
        let claim = TenantNamespaceClaim(observed: namespace, tenant: tenant.metadata.name ?? "")
        if case .foreign = claim {
            try await writeStatus(of: tenant, observation: observation)
            return .done
        }
        if namespace != nil, !observation.namespaceActive {
            // Terminating: its deletion event brings us back to recreate it.
            try await writeStatus(of: tenant, observation: observation)
            return .done
        }

        var namespaceObject = desired.namespace
        namespaceObject.metadata.ownerReferences = nil
        let appliedNamespace = try await applier.apply(namespaceObject, observed: namespace)
        if claim == .absent {
            events?.record(
                tenant, type: .normal, reason: "NamespaceCreated", message: "created namespace \(desired.namespaceName)")
        }
        let ns = desired.namespaceName
        let quota = try await applier.apply(
            desired.resourceQuota, observed: caches.quotas.get(name: TenantDesiredState.quotaName, namespace: ns))
        _ = try await applier.apply(
            desired.limitRange, observed: caches.limitRanges.get(name: TenantDesiredState.limitRangeName, namespace: ns))
        for policy in desired.networkPolicies {
            _ = try await applier.apply(
                policy, observed: caches.networkPolicies.get(name: policy.metadata.name ?? "", namespace: ns))
        }
        for name in desired.staleNetworkPolicyNames
        where caches.networkPolicies.get(name: name, namespace: ns)?.metadata.labels?[TenantLabels.tenant]
            == tenant.metadata.name
        {
            do { try await client.delete(NetworkPolicy.self, name: name, namespace: ns) } catch KubeAPIError.notFound {}
        }
        _ = try await applier.apply(
            desired.roleBinding,
            observed: caches.roleBindings.get(name: TenantDesiredState.roleBindingName, namespace: ns))

        observation.namespace = appliedNamespace.object
        observation.objectsApplied = true
        observation.quota = quota.object.status
        try await writeStatus(of: tenant, observation: observation)
        return .done
    }

    /// The deletion flow: refuse while Resources remain, then delete the namespace, wait for
    /// it to go, and release the finalizer.
    private func finalize(
        _ tenant: Tenant, namespace: Namespace?, resources: [Resource], context: ReconcileContext<Tenant>
    ) async throws -> ReconcileResult {
        guard (tenant.metadata.finalizers ?? []).contains(Tenant.finalizer) else { return .done }
        let plan = TenantDeletionPlan(
            namespace: namespace, resourceCount: resources.count, tenant: tenant.metadata.name ?? "")
        let observation = TenantObservation(
            namespace: namespace, objectsApplied: false, resourcePhases: resources.map { $0.status?.phase })
        switch plan {
        case .blocked:
            try await writeStatus(of: tenant, observation: observation)
            return .done
        case .deleteNamespace:
            let name = tenant.namespaceName
            do {
                try await client.delete(Namespace.self, name: name)
                events?.record(
                    tenant, type: .normal, reason: "NamespaceDeleted",
                    message: "namespace \(name) holds no Resources; deleting it")
            } catch KubeAPIError.notFound {}
            try await writeStatus(of: tenant, observation: observation)
            return .done
        case .waitForNamespace:
            try await writeStatus(of: tenant, observation: observation)
            return .done
        case .removeFinalizer:
            context.logger.info("namespace gone; releasing the tenant")
            _ = try await TenantFinalizer.remove(from: tenant, client: client)
            return .done
        }
    }

    /// Computes the status and replaces it through `/status` only when it changed; records
    /// events for transitions of `Ready` and `Stalled`.
    private func writeStatus(of tenant: Tenant, observation: TenantObservation) async throws {
        let status = TenantStatusComputation.status(for: tenant, observation: observation, now: now())
        guard status != tenant.status else { return }
        var updated = tenant
        updated.status = status
        _ = try await client.replaceStatus(updated)
        recordTransitions(tenant, old: tenant.status?.conditions ?? [], new: status.conditions ?? [])
    }

    private func recordTransitions(_ tenant: Tenant, old: [Condition], new: [Condition]) {
        guard let events else { return }
        if let ready = new[type: "Ready"], ready.status == .true, old[type: "Ready"]?.status != .true {
            events.record(tenant, type: .normal, reason: "Ready", message: ready.message ?? "the tenant is ready")
        }
        if let stalled = new[type: "Stalled"], stalled.status == .true,
            old[type: "Stalled"]?.status != .true || old[type: "Stalled"]?.reason != stalled.reason
        {
            let reason = stalled.reason == "NotEmpty" ? "DeletionBlocked" : (stalled.reason ?? "Stalled")
            events.record(tenant, type: .warning, reason: reason, message: stalled.message ?? "")
        }
    }
}

/// The caches the Tenant reconciler reads, taken from its context.
struct TenantCaches {
    var namespaces: Store<Namespace>
    var quotas: Store<ResourceQuota>
    var limitRanges: Store<LimitRange>
    var networkPolicies: Store<NetworkPolicy>
    var roleBindings: Store<RoleBinding>
    var resources: Store<Resource>

    init(_ context: ReconcileContext<Tenant>) throws {
        func store<O: KubeResource>(_ type: O.Type) throws -> Store<O> {
            guard let s = context.store(for: type) else {
                throw TerminalError("the tenant controller does not watch \(O.resource); build it with TenantController")
            }
            return s
        }
        namespaces = try store(Namespace.self)
        quotas = try store(ResourceQuota.self)
        limitRanges = try store(LimitRange.self)
        networkPolicies = try store(NetworkPolicy.self)
        roleBindings = try store(RoleBinding.self)
        resources = try store(Resource.self)
    }
}
