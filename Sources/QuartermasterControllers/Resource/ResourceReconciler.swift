import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Builds each Resource's child from its template, after checking the namespace quota, and
/// reports stages, progress, phase, endpoint and conditions (``ResourceStatusComputation``).
/// Works the same for every child kind in ``offerings``: nothing here names a kind.
///
/// Per reconcile:
///
/// 1. Resolve the template and parameters (`ResourceTemplateCatalog.resolve`); on failure the
///    Resource is `Stalled` (`UnknownTemplate` / `InvalidParameters`) and nothing is created.
/// 2. When the cache shows an object of the child's kind and name that this Resource does not
///    control (no controller owner reference with its UID: a user's own object, or another
///    owner's), nothing is applied, adopted or changed: the Resource is `Stalled`, reason
///    `NameConflict`, with a message naming the object and its owner (``ChildNameConflict``).
///    The controller reconciles the Resource again when that object changes or goes away.
/// 3. Until the child exists, check the child's footprint (computed from the objects its own
///    controller renders for its spec: ``ResolvedResourceTemplate/footprint(offerings:)``)
///    against the headroom of every ResourceQuota in the namespace (`QuotaCheck`, from the
///    cache), less what sibling Resources still being created will take
///    (``QuotaReservation``: their pods not yet created, which `used` does not show yet). When it does not fit the Resource is `Stalled=True`, reason `QuotaExceeded`, with
///    the numbers, and nothing is created; the controller watches ResourceQuotas, so freeing
///    quota reconciles it again.
/// 4. Refuse what the namespace's Tenant does not allow: a Resource named with a reserved
///    prefix (``QuartermasterReservedNames``) is `Stalled`, reason `ReservedName`, and nothing
///    of it is looked up or written; a child whose desired spec breaks the Tenant's policy
///    (``TenantEnforcement``, judged on the kind's ``ResourceOffering/policySubject(spec:)``)
///    is neither created nor changed: `Stalled`, reason `PolicyViolation`, listing every
///    violation. The controller watches Tenants, so a policy change reconciles it again.
/// 5. Apply the child (``ResourceDesiredState/compute(resource:template:suspended:)``, decoded
///    as its kind's typed model) through `DesiredStateApplier`: a request only when the cache
///    shows a difference; when the cache shows no object of that name, the name is read from
///    the API server first, and one this Resource does not control is a `NameConflict` as in 2.
/// 6. Reflect the child's state (``ResourceChildState``): ready (its `Ready` condition or
///    phase, for the current generation), failed, progress (`n/m nodes ready`), endpoint and
///    credentials Secret from the paths its ``ResourceOffering`` declares.
/// 7. Compute the status (``ResourceObservation`` → ``ResourceStatusComputation/compute(observation:previous:generation:now:)``)
///    and write it with the shared ``StatusWriter``: only when it differs from the stored one;
///    on a conflict (409) the Resource is reconciled again, a Resource gone (404) is done, a
///    refused status (422) is a Warning Event.
///
/// While the template does not resolve, a child of any offered kind named like the Resource
/// and controlled by it is still reflected. A converged reconcile sends no request. Events
/// (never with secrets): `Created` when the child is created, and the status transitions of
/// ``eventWording(endpoint:)``: `Ready`, `Suspended`, and on phase `Failed` a Warning with
/// the `Stalled` reason (`InvalidTemplate`, `QuotaExceeded`, `NameConflict`, `WorkloadFailed`).
public struct ResourceReconciler: Reconciler {
    public typealias Object = Resource

    public let client: KubeClient
    /// The caches its controller declared.
    public let caches: ResourceCaches
    public let applier: DesiredStateApplier
    /// Writes the status and records its transitions (``StatusWriter``).
    public var statusWriter: StatusWriter
    /// `nil` records nothing.
    public let events: EventRecorder?
    /// The clock for stage and condition times. Default: the system clock.
    public let now: @Sendable () -> Date
    /// The kinds templates may build. Default: `ResourceOffering.all`.
    public let offerings: [ResourceOffering]
    /// The object storage offered to tenants; with it, a namespace holding the tenant's copied
    /// credentials (`quartermaster-backup-credentials`, ours) has object storage. Default `nil`.
    public var backupObjectStore: BackupObjectStoreSettings?

    public init(
        client: KubeClient, caches: ResourceCaches, events: EventRecorder?,
        now: @escaping @Sendable () -> Date = { Date() }, offerings: [ResourceOffering] = ResourceOffering.all
    ) {
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
        self.statusWriter = StatusWriter(client: client, events: events)
        self.events = events
        self.now = now
        self.offerings = offerings
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Resource>) async throws
        -> ReconcileResult
    {
        guard let resource = context.store.get(request.key) else { return .done }
        // Deletion needs no work of ours: the child goes with its owner (garbage collection).
        guard resource.metadata.deletionTimestamp == nil else { return .done }
        let namespaceName = resource.metadata.namespace ?? ""
        let name = resource.metadata.name ?? ""
        let uid = resource.metadata.uid ?? ""
        // Namespaces are cached only when every namespace is watched (tenant namespaces only);
        // a namespace that is not cached exists, since the Resource lives in it.
        let namespace = caches.namespaces?.get(name: namespaceName, namespace: nil)
        let namespaceReady = namespace.map { $0.metadata.deletionTimestamp == nil && $0.status?.phase != "Terminating" } ?? true
        let suspended = resource.spec.isSuspended || namespace?.metadata.labels?[TenantLabels.suspended] == "true"

        let template: Result<ResolvedResourceTemplate, ResourceTemplateError>
        do { template = .success(try ResourceTemplateCatalog.resolve(resource.spec)) } catch {
            template = .failure(error)
        }
        var observation = ResourceObservation(template: template, namespaceReady: namespaceReady, suspended: suspended)
        observation.reservedName = QuartermasterReservedNames.problem(name)
        var child: ResourceChildObject?

        if observation.reservedName != nil {
            // Nothing is written for a reserved name: no child is created, adopted or changed.
        } else if case .success(var resolved) = template {
            resolved.tenantHasObjectStorage = try await tenantHasObjectStorage(namespace: namespaceName)
            let offering: ResourceOffering
            do { offering = try ResourceOffering.offering(for: resolved.template.kind, in: offerings) } catch {
                throw TerminalError(error)
            }
            let children = try cache(of: offering)
            let cached = try children.get(name: name, namespace: namespaceName)
            if let cached,
                let conflict = ChildNameConflict.check(kind: offering.kind.kind, existing: cached.metadata, ownerUID: uid)
            {
                observation.conflict = conflict
            } else {
                child = cached
                if cached == nil {
                    // Read from the API server, not the cache: the quota's `used` and the
                    // siblings' reported pods come through different watches, and a `used` seen
                    // late beside a sibling's "pods created" would pass a Resource that does not
                    // fit. The quota admission plugin updates `used` as it admits each object,
                    // so a direct read is never behind the cached siblings (at worst it counts
                    // a pod twice, which stalls and resumes when the sibling's status catches up).
                    let quotas = try await client.list(ResourceQuota.self, namespace: namespaceName).items
                    let reserved = QuotaReservation.reserved(
                        against: resource, siblings: context.store.list(namespace: namespaceName),
                        child: { kind, name, namespace in
                            try? caches.children.first { $0.kind == kind }?.get(name: name, namespace: namespace)
                        }, offerings: offerings)
                    observation.quota = QuotaCheck.check(
                        needs: try footprint(of: resolved).quotaUsage, quotas: quotas, reserved: reserved)
                } else {
                    observation.quota = .fits
                }
                let desired: DynamicObject?
                do {
                    desired = try ResourceDesiredState.compute(resource: resource, template: resolved, suspended: suspended)
                } catch {
                    throw TerminalError("template \(resolved.template.versionedName) cannot be rendered: \(error)")
                }
                observation.configGenerated = desired != nil
                observation.policyViolations = try policyViolations(of: resolved, offering: offering, namespace: namespaceName)
                if let desired, observation.policyViolations.isEmpty, observation.quota == .fits || cached != nil,
                    namespaceReady
                {
                    do {
                        child = try await children.apply(desired, observed: cached, with: applier)
                        if cached == nil {
                            events?.record(
                                resource, type: .normal, reason: "Created",
                                message: "created \(offering.kind.kind) \(name) from template \(resolved.template.versionedName)")
                        }
                    } catch let conflict as ChildNameConflict {
                        observation.conflict = conflict
                    } catch let refusal as RefusedWrite {
                        context.logger.warning("the API server refused a write", metadata: ["refusal": "\(refusal)"])
                        observation.refusal = refusal
                    }
                }
            }
        } else if !uid.isEmpty {
            for offering in offerings {
                if let found = try cache(of: offering).get(name: name, namespace: namespaceName),
                    found.metadata.isControlled(byUID: uid)
                {
                    child = found
                    break
                }
            }
        }
        let state = try child.map { child in
            ResourceChildState(child, paths: try ResourceOffering.offering(for: child.kind, in: offerings).statusPaths)
        }
        if let state {
            observation.childApplied = true
            observation.childReady = state.ready
            observation.childProgress = state.progress
            observation.childFailure = state.failure
            observation.childFailureReason = state.failureReason
            observation.endpointPublished = state.ready && state.endpoint != nil
        }

        var status = ResourceStatusComputation.compute(
            observation: observation, previous: resource.status, generation: resource.metadata.generation, now: now())
        status.childRef = child.map(ResourceDesiredState.reference(to:))
        status.endpoint = state?.endpoint
        status.credentialsSecretRef = state?.credentialsSecretName.map { LocalObjectReference(name: $0) }
        let outcome = try await statusWriter.write(
            status, of: resource, wording: Self.eventWording(endpoint: status.endpoint))
        // A refused write is tried again with the key's backoff (a grant added, quota freed).
        if observation.refusal != nil, outcome != .gone { return .requeue }
        return outcome.result()
    }

    /// How the child `resolved` renders breaks the policy of the Tenant of `namespace` (none
    /// without a Tenant cache or a Tenant); a terminal error when the kind cannot read the
    /// spec (a mistake in the catalog).
    private func policyViolations(
        of resolved: ResolvedResourceTemplate, offering: ResourceOffering, namespace: String
    ) throws -> [TenantPolicyViolation] {
        guard let tenants = caches.tenants else { return [] }
        let enforcement = TenantEnforcement.of(namespace: namespace, tenants: tenants.list())
        guard enforcement.policy != nil else { return [] }
        do {
            return enforcement.violations(of: try offering.policySubject(spec: resolved.childSpec(suspended: false)))
        } catch {
            throw TerminalError("template \(resolved.template.versionedName) cannot be judged against the tenant's policy: \(error)")
        }
    }

    /// The cache of `offering`'s kind; a terminal error when the controller does not cache it.
    private func cache(of offering: ResourceOffering) throws -> ResourceChildCache {
        guard let children = caches.children.first(where: { $0.kind == offering.kind }) else {
            throw TerminalError(
                "the resource controller does not watch \(offering.kind.plural); build it with ResourceController")
        }
        return children
    }

    /// The quota needs of `resolved`'s child; a terminal error when they cannot be computed (a
    /// template whose spec its kind cannot render: a mistake in the catalog).
    private func footprint(of resolved: ResolvedResourceTemplate) throws -> ResourceFootprint {
        do { return try resolved.footprint(offerings: offerings) } catch {
            throw TerminalError("the footprint of template \(resolved.template.versionedName) cannot be computed: \(error)")
        }
    }
}
