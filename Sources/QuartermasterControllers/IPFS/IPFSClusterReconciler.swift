import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Reconciles one `IPFSCluster`: observes its objects, diffs them against the desired state
/// (``IPFSClusterDesiredState``), applies what differs, deletes what the spec no longer asks
/// for, and reports ``IPFSClusterStatus``. The objects themselves come only from the pure
/// functions of the IPFS module; this type decides nothing about their shape.
///
/// Reads come from the caches its controller declared (``IPFSClusterCaches``).
///
/// One reconcile:
/// 1. Reads the IPFSCluster from the controller's cache; gone → done. Being deleted → see
///    ``finalize(_:logger:)`` (the `pvcRetention` finalizer). Otherwise adds the finalizer
///    ``pvcCleanupFinalizer`` when `pvcRetention` is `Delete`, removes it when `Retain`.
/// 2. Observes the owned objects (caches), the StorageClasses
///    (only when a `storageClassName` is set) and whether `policy/v1` is served (cached
///    discovery; a failure is retried after ``discoveryRetryDelay``).
/// 3. Validates (``IPFSClusterValidation``), including a name with a reserved prefix
///    (`ReservedName`) and the policy of the namespace's Tenant (`PolicyViolation`, from the
///    Tenant cache: ``TenantEnforcement``; a namespace without a Tenant has no policy). Any
///    problem → `Stalled`, and nothing is applied or deleted (the StatefulSet in particular is
///    left untouched, except that while suspended, by its spec or its Tenant, it is scaled to
///    zero: suspension is never held up by a problem), except an Ingress it controls for an
///    exposure without a valid host (it would serve every host).
/// 4. Claims every host its Ingress exposures ask for (``HostClaims``: a create-only claim per
///    host in the operator's namespace; a converged cluster's claims are read from the cache and
///    cost no write). A host another object holds → `Stalled` (`HostConflict`), nothing is
///    applied, and an Ingress it controls for that host is deleted.
///    Then makes sure the identities Secret holds keys for every peer, generating keys only after a
///    direct read shows none, creating with POST and adding peers with a guarded update
///    (``ensureIdentities(_:cached:logger:)``); then computes every other object from the
///    Secret as stored, so peer IDs always derive from the stored keys.
/// 5. Applies ConfigMap, Services, NetworkPolicy, Ingresses, the PodDisruptionBudget (when
///    `policy/v1` is served) and finally the StatefulSet, each only when it differs from the
///    observed object (``DesiredStateApplier``): a converged reconcile sends no write. Deletes
///    Services, Ingresses and the PodDisruptionBudget that the spec no longer asks for, only
///    when this IPFSCluster is their controller (owner reference UID). Then releases the host
///    claims it holds for hosts it no longer asks for.
/// 6. When the StatefulSet lacks pods and its controller's latest `FailedCreate` Event says
///    "exceeded quota" (``StatefulSetQuotaFailure``), adds a `QuotaExceeded` problem with the
///    Event's message (the numbers): the cluster is `Stalled` until the pods exist. A write the
///    API server refuses (``RefusedWrite``) is a problem of its class (`Forbidden`,
///    `QuotaExceeded`, `RequestTooLarge`, `Invalid`, …) with the server's message, and the key
///    is requeued with backoff.
/// 7. Computes the status (``IPFSClusterStatusComputation``) and writes it through the status
///    subresource only when it differs from the stored one (``StatusWriter``: a conflict
///    requeues; a status the server refuses becomes a `Stalled` Warning Event).
/// 8. Records Events (never secret values): `Created` and `Scaled` when it creates or scales
///    the StatefulSet, `Suspended` and `Resumed` when `spec.suspended` scales it to zero and
///    back, `Ready` and `Stalled` when a status write enters that state.
///
/// Suspension (`spec.suspended`, or the Tenant's `spec.suspended`: phase `Suspended`, reason
/// `TenantSuspended`) changes only the desired StatefulSet (`replicas: 0`) and drops
/// the PodDisruptionBudget; see ``IPFSClusterDesiredState`` and ``IPFSClusterStatusComputation``.
public struct IPFSClusterReconciler: Reconciler {
    public typealias Object = IPFSCluster

    /// The finalizer that deletes the peers' claims when `pvcRetention` is `Delete`.
    public static let pvcCleanupFinalizer = "quartermaster.dev/pvc-cleanup"
    /// The finalizer that releases the cluster's host claims when it is deleted; added when it
    /// first asks for a host, kept until it is deleted.
    public static let hostClaimsFinalizer = "quartermaster.dev/host-claims"
    /// How long to wait before retrying after discovery failed. 30 s.
    public static let discoveryRetryDelay: Duration = .seconds(30)

    public let client: KubeClient
    /// The caches its controller declared.
    public let caches: IPFSClusterCaches
    public let applier: DesiredStateApplier
    /// Whether the server serves `policy/v1` PodDisruptionBudgets; cached.
    public let discovery: APIDiscovery
    /// Where Events go; `nil` records none.
    public let events: EventRecorder?
    /// Writes the status and records its transitions (``StatusWriter``).
    public var statusWriter: StatusWriter
    /// DNS suffix of the cluster. Default `cluster.local`.
    public let clusterDomain: String
    /// Claims the hosts of the Ingress exposures (``HostClaim``).
    public let hostClaims: HostClaims
    /// The metrics proxy's image and the namespaces admitted to the metrics port.
    public let monitoring: WorkloadMonitoring
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - client: the API client for writes and direct reads.
    ///   - caches: the caches ``IPFSClusterController`` declares.
    ///   - events: default `nil` (no Events).
    ///   - discovery: default: a new `APIDiscovery` over `client`.
    ///   - clusterDomain: default `cluster.local`.
    ///   - hostClaimNamespace: where host claims are kept (the operator's namespace). Default
    ///     `default`.
    ///   - monitoring: default ``WorkloadMonitoring/init(proxyImage:namespaces:)``.
    ///   - now: the clock for condition transition times. Default: the system clock.
    public init(
        client: KubeClient, caches: IPFSClusterCaches, events: EventRecorder? = nil, discovery: APIDiscovery? = nil,
        clusterDomain: String = "cluster.local", hostClaimNamespace: String = "default",
        monitoring: WorkloadMonitoring = WorkloadMonitoring(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.hostClaims = HostClaims(
            client: client, namespace: hostClaimNamespace, cache: caches.hostClaims,
            holderKinds: QuartermasterKinds.all.compactMap(\.hostClaims))
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
        self.discovery = discovery ?? APIDiscovery(client: client)
        self.events = events
        self.statusWriter = StatusWriter(client: client, events: events)
        self.clusterDomain = clusterDomain
        self.monitoring = monitoring
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<IPFSCluster>) async throws
        -> ReconcileResult
    {
        let logger = context.logger
        guard let stored = context.store.get(request.key) else { return .done }
        if stored.metadata.deletionTimestamp != nil { return try await finalize(stored, logger: logger) }
        let synced: IPFSCluster?
        do {
            synced = try await syncFinalizer(stored, logger: logger)
        } catch KubeAPIError.notFound {
            return .done  // deleted since the cache saw it
        }
        guard let cluster = synced else { return .requeue }

        let observed = try await observe(cluster, context: context)
        let tenant = tenantEnforcement(for: cluster)
        var problems = IPFSClusterValidation.validate(
            cluster: cluster, storageClassNames: observed.storageClassNames, existingStatefulSet: observed.statefulSet,
            tenant: tenant)

        var desired: Applied?
        var statefulSet = observed.statefulSet
        var refused = false
        if problems.contains(where: { [.hostRequired, .invalidHost].contains($0.reason) }) {
            try await deleteIngressesWithoutValidHost(cluster, observed: observed, logger: logger)
        }
        if problems.isEmpty {
            do {
                problems = try await claimHosts(cluster, observed: observed, logger: logger)
            } catch let refusal as RefusedWrite {
                logger.warning("the API server refused a write", metadata: ["refusal": "\(refusal)"])
                problems.append(IPFSClusterValidation.problem(for: refusal))
                refused = true
            }
        }
        if problems.isEmpty {
            do {
                guard let applied = try await applyAll(cluster, tenant: tenant, observed: observed, logger: logger) else {
                    return .requeue
                }
                desired = applied
                if let holder = HostClaimHolder(cluster) {
                    try await hostClaims.release(keeping: Set(cluster.spec.claimedHosts), for: holder, logger: logger)
                }
            } catch let error as IPFSClusterDesiredStateError {
                problems.append(IPFSClusterValidation.problem(for: error))
            } catch let conflict as ChildNameConflict {
                problems.append(IPFSClusterValidation.Problem(reason: .nameConflict, message: conflict.description))
            } catch let refusal as RefusedWrite {
                logger.warning("the API server refused a write", metadata: ["refusal": "\(refusal)"])
                problems.append(IPFSClusterValidation.problem(for: refusal))
                refused = true
            }
        }

        if !problems.isEmpty, cluster.spec.suspended || tenant.suspended {
            statefulSet = try await scaleToZero(cluster, observed: statefulSet, logger: logger) ?? statefulSet
        }
        if let desired { statefulSet = desired.appliedStatefulSet ?? statefulSet }
        // Pods the StatefulSet controller cannot create for quota: observed after applying, so
        // it never stops the apply (a raised quota needs nothing from us).
        if problems.isEmpty, !cluster.spec.suspended, let sts = statefulSet, let events = caches.statefulSetEvents,
            let message = StatefulSetQuotaFailure.message(
                statefulSet: sts, events: events.list(namespace: cluster.metadata.namespace))
        {
            problems.append(
                IPFSClusterValidation.Problem(
                    reason: .quotaExceeded,
                    message: "StatefulSet \(sts.metadata.name ?? "") cannot create its pods: \(message)"))
        }
        let identities =
            desired?.objects.identities
            ?? observed.secret.flatMap {
                try? IPFSClusterIdentities(secretData: IPFSClusterDesiredState.decodedStringData(of: $0))
            }
        let names = IPFSClusterNames(instance: cluster.metadata.name ?? "")
        let status = IPFSClusterStatusComputation.compute(
            cluster: cluster,
            observation: IPFSClusterObservation(
                statefulSet: statefulSet, identities: identities,
                apiService: observed.services[names.apiService], gatewayService: observed.services[names.gatewayService],
                apiIngress: observed.ingresses[names.apiIngress], gatewayIngress: observed.ingresses[names.gatewayIngress],
                problems: problems,
                desiredConfigHash: desired?.objects.statefulSet.spec?.template.metadata?.annotations?[
                    IPFSClusterDesiredState.configHashAnnotation],
                podDisruptionBudgetServed: observed.podDisruptionBudgetServed ?? true,
                suspendedByTenant: tenant.suspended ? tenant.tenant : nil),
            now: now())

        let outcome = try await statusWriter.write(
            status, of: cluster, wording: Self.eventWording(replicas: cluster.spec.replicas, problems: problems))
        if outcome == .conflicted { logger.debug("status write conflicted; requeueing") }
        // A refused write is tried again with the key's backoff: a grant added, quota freed or
        // a changed spec is seen without waiting for the next change of the object.
        if refused, outcome != .gone { return .requeue }
        return outcome.result(
            otherwise: observed.podDisruptionBudgetServed == nil ? .requeueAfter(Self.discoveryRetryDelay) : .done)
    }

    /// The desired objects and the StatefulSet as the server now has it.
    struct Applied {
        var objects: IPFSClusterDesiredObjects
        var appliedStatefulSet: StatefulSet?
    }

    /// Steps 4 and 5: the identities Secret first (``ensureIdentities(_:cached:logger:)``),
    /// everything else computed from the Secret as stored, then deletes. `nil`: a race on the
    /// Secret was lost; reconcile again.
    private func applyAll(
        _ cluster: IPFSCluster, tenant: TenantEnforcement, observed: IPFSClusterObservedObjects, logger: Logger
    ) async throws -> Applied? {
        let domain = clusterDomain
        guard case .ready(let secret) = try await ensureIdentities(cluster, cached: observed.secret, logger: logger)
        else { return nil }
        let desired = try IPFSClusterDesiredState.compute(
            cluster: cluster, existingSecretData: IPFSClusterDesiredState.decodedStringData(of: secret),
            clusterDomain: domain, tenant: tenant, monitoring: monitoring)
        let suspended = cluster.spec.suspended || tenant.suspended

        _ = try await apply(desired.configMap, observed: observed.configMap, logger: logger)
        for service in desired.services {
            _ = try await apply(service, observed: observed.services[service.metadata.name ?? ""], logger: logger)
        }
        _ = try await apply(desired.networkPolicy, observed: observed.networkPolicy, logger: logger)
        for ingress in desired.ingresses {
            _ = try await apply(ingress, observed: observed.ingresses[ingress.metadata.name ?? ""], logger: logger)
        }
        if observed.podDisruptionBudgetServed == true, let pdb = desired.podDisruptionBudget {
            _ = try await apply(pdb, observed: observed.podDisruptionBudgets[pdb.metadata.name ?? ""], logger: logger)
        }
        let sts = try await apply(desired.statefulSet, observed: observed.statefulSet, logger: logger)
        if let events, sts.metadata.resourceVersion != observed.statefulSet?.metadata.resourceVersion {
            let replicas = desired.statefulSet.spec?.replicas ?? cluster.spec.replicas
            if observed.statefulSet == nil {
                let suffix = suspended ? " (suspended: none runs)" : ""
                events.record(
                    cluster, type: .normal, reason: "Created",
                    message: "created the objects of \(cluster.spec.replicas) peers\(suffix)")
            } else if let before = observed.statefulSet?.spec?.replicas, before != replicas {
                if suspended {
                    let why = tenant.suspended ? " (tenant \(tenant.tenant ?? "") is suspended)" : ""
                    events.record(
                        cluster, type: .normal, reason: "Suspended",
                        message: "scaled from \(before) to 0 peers, keeping identities and volumes\(why)")
                } else if before == 0 {
                    events.record(
                        cluster, type: .normal, reason: "Resumed", message: "resumed \(replicas) peers")
                } else {
                    events.record(
                        cluster, type: .normal, reason: "Scaled", message: "scaled from \(before) to \(replicas) peers")
                }
            }
        }

        // What the spec no longer asks for, when we control it.
        let uid = cluster.metadata.uid ?? ""
        let namespace = cluster.metadata.namespace
        let wantedServices = Set(desired.services.compactMap(\.metadata.name))
        for (name, service) in observed.services where !wantedServices.contains(name) {
            try await deleteIfControlled(service, uid: uid, namespace: namespace, logger: logger)
        }
        let wantedIngresses = Set(desired.ingresses.compactMap(\.metadata.name))
        for (name, ingress) in observed.ingresses where !wantedIngresses.contains(name) {
            try await deleteIfControlled(ingress, uid: uid, namespace: namespace, logger: logger)
        }
        if observed.podDisruptionBudgetServed == true {
            let wanted = Set([desired.podDisruptionBudget?.metadata.name].compactMap { $0 })
            for (name, pdb) in observed.podDisruptionBudgets where !wanted.contains(name) {
                try await deleteIfControlled(pdb, uid: uid, namespace: namespace, logger: logger)
            }
        }
        return Applied(objects: desired, appliedStatefulSet: sts)
    }

    /// What the namespace's Tenant imposes, from the Tenant cache (``TenantEnforcement``); no
    /// Tenant cache (some namespaces watched) or no Tenant for the namespace: nothing.
    func tenantEnforcement(for cluster: IPFSCluster) -> TenantEnforcement {
        guard let tenants = caches.tenants else { return .unrestricted }
        return TenantEnforcement.of(namespace: cluster.metadata.namespace ?? "", tenants: tenants.list())
    }

    /// Suspension is never held up by a problem: while the cluster is `Stalled` (nothing else is
    /// applied) and suspended by its spec or its Tenant, the StatefulSet it controls is scaled to
    /// zero with a merge patch of `spec.replicas` alone (nothing else of it changes; resuming
    /// brings back the same peers). Returns the patched StatefulSet, `nil` when nothing was sent.
    private func scaleToZero(_ cluster: IPFSCluster, observed: StatefulSet?, logger: Logger) async throws -> StatefulSet? {
        guard let sts = observed, let name = sts.metadata.name, let uid = cluster.metadata.uid,
            sts.metadata.isControlled(byUID: uid), sts.metadata.deletionTimestamp == nil, sts.spec?.replicas != 0
        else { return nil }
        do {
            let patched = try await client.mergePatch(
                StatefulSet.self, name: name, namespace: cluster.metadata.namespace,
                patch: ["spec": ["replicas": 0]])
            logger.info("scaled to zero while stalled", metadata: ["object": "\(name)"])
            events?.record(
                cluster, type: .normal, reason: "Suspended",
                message: "scaled from \(sts.spec?.replicas ?? 0) to 0 peers, keeping identities and volumes")
            return patched
        } catch KubeAPIError.notFound {
            return nil
        }
    }

    /// Applies `desired` unless its name is taken by another owner's object
    /// (``DesiredStateApplier/applyControlled(_:cached:)``); logs what it wrote.
    private func apply<T: KubeResource>(_ desired: T, observed: T?, logger: Logger) async throws -> T {
        let outcome = try await applier.applyControlled(desired, cached: observed)
        if outcome.wasApplied {
            logger.info(
                observed == nil ? "created" : "updated",
                metadata: ["kind": "\(T.resource.kind)", "object": "\(desired.metadata.name ?? "")"])
        }
        return outcome.object
    }

    /// Deletes `object` when this cluster (`uid`) is its controller and it is not already being
    /// deleted; a refusal is a ``RefusedWrite``, an object already gone is fine. `message` is
    /// the log line.
    func deleteIfControlled<T: KubeResource>(
        _ object: T, uid: String, namespace: String?, logger: Logger, message: Logger.Message = "deleted"
    ) async throws {
        guard !uid.isEmpty, object.metadata.isControlled(byUID: uid), object.metadata.deletionTimestamp == nil,
            let name = object.metadata.name
        else { return }
        do {
            try await RefusedWrite.guarding("delete", kind: T.resource.kind, namespace: namespace, name: name) {
                try await client.delete(T.self, name: name, namespace: namespace)
            }
            logger.info(message, metadata: ["kind": "\(T.resource.kind)", "object": "\(name)"])
        } catch KubeAPIError.notFound {}
    }

    /// The Events of status transitions: `Ready` ("all N peers are ready"); `Stalled` with
    /// every problem (`reason: message`, joined by `; `), also when the server refuses the
    /// status.
    static func eventWording(replicas: Int, problems: [IPFSClusterValidation.Problem]) -> StatusEventWording {
        let described = problems.isEmpty ? nil : problems.map(\.description).joined(separator: "; ")
        return StatusEventWording(
            ready: { _ in .init(reason: "Ready", message: "all \(replicas) peers are ready") },
            stalled: { _ in .init(reason: "Stalled", message: described ?? "") },
            refused: { _ in (reason: "Stalled", explanation: described) })
    }
}
