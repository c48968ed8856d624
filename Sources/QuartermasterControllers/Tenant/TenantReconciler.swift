import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Keeps each Tenant's namespace, ResourceQuota, LimitRange, NetworkPolicies and owner
/// RoleBinding as `TenantDesiredState` computes them, and reports `TenantStatus`.
///
/// Reads come from the caches its controller declared (``TenantCaches``), except where
/// a decision cannot be undone; those read the API server directly:
///
/// - **The namespace.** The cache holds only namespaces labelled `quartermaster.dev/tenant`
///   (by anyone), so a namespace it does not show with this Tenant's marker is read with a GET
///   before anything is decided. An absent one is created with POST (create-only: a namespace
///   that appeared meanwhile is a conflict, never overwritten) carrying the marker
///   `quartermaster.dev/tenant-uid=<Tenant UID>`. An existing one without that marker
///   (`TenantNamespaceClaim.foreign`) is `Stalled`, reason `NamespaceConflict`, and nothing is
///   written to it. Reserved names (`default`, `kube-*`, the operator's namespace) are
///   `Stalled`, reason `InvalidSpec`.
/// - **Deletion.** The namespace, and the Resources, IPFSClusters and PersistentVolumeClaims in
///   it are read from the API server; the namespace is deleted only when it carries this
///   Tenant's marker, with a precondition on its UID, and either holds none of them or
///   `spec.deletionPolicy` is `DeleteData`.
/// - **The build namespace** (``TenantBuildNamespace``; `spec.builds.enabled`, default
///   `true`): created and adopted by the same rules as the namespace, with the marker and the
///   label `quartermaster.dev/build-namespace=true`
///   (``applyBuildNamespace(_:desired:observation:)``); one that is not this Tenant's is
///   `Stalled`, reason `BuildNamespaceConflict`, and left alone. Builds disabled: nothing is
///   created and an existing build namespace is left alone. It carries a controller owner
///   reference to the Tenant (it holds no data), so the garbage collector deletes it once the
///   Tenant is gone; the deletion flow neither deletes it nor waits for it.
///
/// The quota cache holds every ResourceQuota (shared with the Resource controller): only the
/// one named `TenantDesiredState.quotaName` is read, and it is written to and reported only
/// when this Tenant controls it (another object of that name is a ``ChildNameConflict``); the
/// other quotas of the namespace (its users') are never looked at.
///
/// Writes: the finalizer `Tenant.finalizer` (``Finalizers``: guarded by the resource version);
/// desired objects inside the namespace and the build namespace through `DesiredStateApplier`
/// (server-side apply only when the cache shows a difference); operator NetworkPolicies no
/// longer desired are deleted;
/// the status through `/status` only when it differs (``StatusWriter``). A converged reconcile
/// sends no request.
///
/// The Namespace carries the tenant labels but **no owner reference**: a foreground cascading
/// delete of the Tenant would otherwise let the garbage collector delete the namespace, and
/// every Resource in it, before the finalizer could refuse.
///
/// Events (never with secrets): `NamespaceCreated`, `BuildNamespaceCreated`, `Ready`,
/// `InvalidSpec`, `NamespaceConflict`, `BuildNamespaceConflict`, `DeletionBlocked` (naming what
/// the namespace still holds),
/// `NamespaceDeleted` (a warning naming the data when `spec.deletionPolicy: DeleteData` deletes
/// it).
public struct TenantReconciler: Reconciler {
    public typealias Object = Tenant

    public let client: KubeClient
    /// The caches its controller declared.
    public let caches: TenantCaches
    public let applier: DesiredStateApplier
    /// `nil` records nothing.
    public let events: EventRecorder?
    /// Writes the status and records its transitions (``StatusWriter``).
    public let statusWriter: StatusWriter
    /// The operator's own namespace, never a tenant's. Default `nil`.
    public let operatorNamespace: String?
    /// The clock for condition transition times. Default: the system clock.
    public let now: @Sendable () -> Date
    /// The object storage offered to tenants: their credentials are copied into their
    /// namespaces (``copyBackupCredentials(_:namespace:logger:)``). Default `nil`: none.
    public var backupObjectStore: BackupObjectStoreSettings?

    public init(
        client: KubeClient, caches: TenantCaches, events: EventRecorder?, operatorNamespace: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
        self.events = events
        self.statusWriter = StatusWriter(client: client, events: events)
        self.operatorNamespace = operatorNamespace
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Tenant>) async throws
        -> ReconcileResult
    {
        guard var tenant = context.store.get(request.key) else { return .done }
        let resources = caches.resources.list(namespace: tenant.namespaceName)

        if tenant.metadata.deletionTimestamp != nil {
            return try await finalize(tenant, resources: resources, context: context)
        }
        var observation = TenantObservation(
            namespace: caches.namespaces.get(name: tenant.namespaceName, namespace: nil),
            resourcePhases: resources.map { $0.status?.phase },
            claimNames: caches.claims.list(namespace: tenant.namespaceName).compactMap(\.metadata.name))
        let desired: TenantDesiredState
        do {
            desired = try TenantDesiredState.compute(tenant: tenant, operatorNamespace: operatorNamespace)
        } catch {
            // Nothing is created for an invalid spec, so there is nothing to guard with the
            // finalizer (and a Tenant stored under a looser schema could not take one).
            observation.specError = error
            return try await writeStatus(of: tenant, observation: observation)
        }
        if let builds = desired.builds {
            observation.buildNamespace = caches.namespaces.get(name: builds.namespaceName, namespace: nil)
        }
        switch try await Finalizers.add(Tenant.finalizer, to: tenant, client: client) {
        case .updated(let patched): tenant = patched
        case .stale: return .requeue
        case .gone: return .done
        }
        // The cache is a hint: only a namespace it shows as this Tenant's is taken from it.
        var claim = TenantNamespaceClaim(observed: observation.namespace, tenant: tenant)
        if claim != .owned {
            observation.namespace = try await client.getIfExists(Namespace.self, name: desired.namespaceName)
            claim = TenantNamespaceClaim(observed: observation.namespace, tenant: tenant)
        }
        do {
            if let early = try await applyObjects(tenant, desired: desired, claim: claim, observation: &observation) {
                return early
            }
            if let builds = desired.builds,
                let early = try await applyBuildNamespace(tenant, desired: builds, observation: &observation)
            {
                return early
            }
            try await copyBackupCredentials(tenant, namespace: desired.namespaceName, logger: context.logger)
        } catch let refusal as RefusedWrite {
            context.logger.warning("the API server refused a write", metadata: ["refusal": "\(refusal)"])
            observation.refusal = refusal
            let result = try await writeStatus(of: tenant, observation: observation)
            return result == .done ? .requeue : result
        }
        return try await writeStatus(of: tenant, observation: observation)
    }

    /// Creates or applies the namespace and applies the objects in it; a result when the
    /// reconcile ends here (status written), `nil` when everything was applied (the
    /// observation then says so). A refused write is thrown as ``RefusedWrite``.
    private func applyObjects(
        _ tenant: Tenant, desired: TenantDesiredState, claim: TenantNamespaceClaim, observation: inout TenantObservation
    ) async throws -> ReconcileResult? {
        switch claim {
        case .foreign:
            return try await writeStatus(of: tenant, observation: observation)
        case .absent:
            var namespaceObject = desired.namespace
            namespaceObject.metadata.ownerReferences = nil
            do {
                observation.namespace = try await applier.create(namespaceObject)
            } catch KubeAPIError.alreadyExists {
                return .requeue  // appeared since the read: judged afresh, never overwritten
            }
            events?.record(
                tenant, type: .normal, reason: "NamespaceCreated", message: "created namespace \(desired.namespaceName)")
        case .owned:
            guard observation.namespaceActive else {
                // Terminating: its deletion event brings us back to recreate it.
                return try await writeStatus(of: tenant, observation: observation)
            }
            var namespaceObject = desired.namespace
            namespaceObject.metadata.ownerReferences = nil
            observation.namespace = try await applier.apply(namespaceObject, observed: observation.namespace).object
        }

        let ns = desired.namespaceName
        let quota: ResourceQuota
        do {
            quota = try await applyChild(
                desired.resourceQuota, cached: caches.quotas.get(name: TenantDesiredState.quotaName, namespace: ns))
            _ = try await applyChild(
                desired.limitRange,
                cached: caches.limitRanges.get(name: TenantDesiredState.limitRangeName, namespace: ns))
            for policy in desired.networkPolicies {
                _ = try await applyChild(
                    policy, cached: caches.networkPolicies.get(name: policy.metadata.name ?? "", namespace: ns))
            }
            _ = try await applyChild(
                desired.roleBinding,
                cached: caches.roleBindings.get(name: TenantDesiredState.roleBindingName, namespace: ns))
        } catch let conflict as ChildNameConflict {
            observation.conflict = conflict
            return try await writeStatus(of: tenant, observation: observation)
        }
        for name in desired.staleNetworkPolicyNames
        where caches.networkPolicies.get(name: name, namespace: ns)?.metadata.labels?[TenantLabels.tenant]
            == tenant.metadata.name
        {
            do {
                try await RefusedWrite.guarding("delete", kind: NetworkPolicy.resource.kind, namespace: ns, name: name) {
                    try await client.delete(NetworkPolicy.self, name: name, namespace: ns)
                }
            } catch KubeAPIError.notFound {}
        }
        observation.objectsApplied = true
        observation.quota = quota.status
        return nil
    }

    /// Applies a child of the tenant's namespace unless another owner's object has its name
    /// (``DesiredStateApplier/applyControlled(_:cached:)``).
    private func applyChild<T: KubeResource>(_ desired: T, cached: T?) async throws -> T {
        try await applier.applyControlled(desired, cached: cached).object
    }

    /// The deletion flow, decided from direct reads: refuse while the namespace holds Resources,
    /// IPFSClusters or PersistentVolumeClaims (unless `spec.deletionPolicy` is `DeleteData`),
    /// then delete the namespace (only this Tenant's, preconditioned on its UID), wait for it
    /// to go, and release the finalizer.
    private func finalize(_ tenant: Tenant, resources: [Resource], context: ReconcileContext<Tenant>) async throws
        -> ReconcileResult
    {
        guard (tenant.metadata.finalizers ?? []).contains(Tenant.finalizer) else { return .done }
        let name = tenant.namespaceName
        let namespace = try await client.getIfExists(Namespace.self, name: name)
        var contents = TenantNamespaceContents()
        var claimNames: [String] = []
        if namespace != nil, TenantNamespaceClaim(observed: namespace, tenant: tenant) == .owned {
            (contents, claimNames) = try await namespaceContents(name)
        }
        let plan = TenantDeletionPlan(namespace: namespace, contents: contents, tenant: tenant)
        var observation = TenantObservation(
            namespace: namespace, objectsApplied: false, resourcePhases: resources.map { $0.status?.phase },
            claimNames: claimNames, blockingContents: contents)
        // Only reported: the build namespace is owned by the Tenant and goes with it (garbage
        // collection), never deleted here.
        observation.buildNamespace = caches.namespaces.get(
            name: TenantBuildNamespace.name(for: name), namespace: nil)
        switch plan {
        case .blocked, .waitForNamespace:
            return try await writeStatus(of: tenant, observation: observation)
        case .deleteNamespace(let uid):
            do {
                var options = DeleteOptions()
                options.preconditions = DeleteOptions.Preconditions(uid: uid)
                try await client.delete(Namespace.self, name: name, options: options)
                if contents.isEmpty {
                    events?.record(
                        tenant, type: .normal, reason: "NamespaceDeleted",
                        message: "namespace \(name) holds no Resources, IPFSClusters or PersistentVolumeClaims; deleting it")
                } else {
                    events?.record(
                        tenant, type: .warning, reason: "NamespaceDeleted",
                        message: "deleting namespace \(name) with the \(contents) it holds (spec.deletionPolicy: DeleteData)")
                }
            } catch KubeAPIError.notFound {}
            return try await writeStatus(of: tenant, observation: observation)
        case .removeFinalizer:
            context.logger.info("namespace gone or not this tenant's; releasing the tenant")
            if case .stale = try await Finalizers.remove(Tenant.finalizer, from: tenant, client: client) {
                return .requeue
            }
            return .done
        }
    }

    /// The data-holding objects in `namespace` (Resources, IPFSClusters, PersistentVolumeClaims),
    /// listed from the API server, and the names of the claims.
    private func namespaceContents(_ namespace: String) async throws -> (TenantNamespaceContents, [String]) {
        async let resources = client.listPages(Resource.self, namespace: namespace)
        async let clusters = client.listPages(IPFSCluster.self, namespace: namespace)
        async let claims = client.listPages(PersistentVolumeClaim.self, namespace: namespace)
        let (r, c, p) = try await (resources, clusters, claims)
        let contents = TenantNamespaceContents(counts: [
            Resource.resource.kind: r.items.count + r.undecodable.count,
            IPFSCluster.resource.kind: c.items.count + c.undecodable.count,
            PersistentVolumeClaim.resource.kind: p.items.count + p.undecodable.count,
        ])
        return (contents, p.items.compactMap(\.metadata.name))
    }

    /// Computes the status and writes it when it changed (``StatusWriter``); the result is
    /// `.requeue` when the write conflicted, `.done` otherwise.
    private func writeStatus(of tenant: Tenant, observation: TenantObservation) async throws -> ReconcileResult {
        let status = TenantStatusComputation.compute(tenant: tenant, observation: observation, now: now())
        return try await statusWriter.write(status, of: tenant, wording: Self.eventWording).result()
    }

    /// The Events of status transitions: `Ready` with the condition's message; a Stalled
    /// tenant's reason (`NotEmpty` reads `DeletionBlocked`) with its message; a refused status
    /// with the Stalled condition's reason and message.
    static let eventWording = StatusEventWording(
        ready: { .init(reason: "Ready", message: $0.message ?? "the tenant is ready") },
        stalled: { stalled in
            .init(
                reason: stalled.reason == "NotEmpty" ? "DeletionBlocked" : (stalled.reason ?? "Stalled"),
                message: stalled.message ?? "")
        },
        refused: { stalled in (reason: stalled?.reason ?? "Stalled", explanation: stalled?.message) })
}
