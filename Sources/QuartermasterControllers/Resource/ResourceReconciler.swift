import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Builds each Resource's child from its template, after checking the namespace quota, and
/// reports stages, progress, phase, endpoint and conditions (`ResourceStageMachine`). Works
/// the same for every child kind in ``offerings``: nothing here names a kind.
///
/// Per reconcile:
///
/// 1. Resolve the template and parameters (`ResourceTemplateCatalog.resolve`); on failure the
///    Resource is `Stalled` (`UnknownTemplate` / `InvalidParameters`) and nothing is created.
/// 2. Until the child exists, check the child's footprint (computed from the objects its own
///    controller renders for its spec: ``ResolvedResourceTemplate/footprint(offerings:)``)
///    against the headroom of every ResourceQuota in the namespace (`QuotaCheck`, from the
///    cache). When it does not fit the Resource is `Stalled=True`, reason `QuotaExceeded`, with
///    the numbers, and nothing is created; the controller watches ResourceQuotas, so freeing
///    quota reconciles it again.
/// 3. Apply the child (`ResourceChildren.child`, decoded as its kind's typed model) through
///    `DesiredStateApplier`: a request only when the cache shows a difference.
/// 4. Reflect the child's state (``ResourceChildState``): ready (its `Ready` condition or
///    phase, for the current generation), failed, progress (`n/m nodes ready`), endpoint and
///    credentials Secret from the paths its ``ResourceOffering`` declares.
/// 5. Replace `/status` only when the computed status differs from the stored one.
///
/// While the template does not resolve, a child of any offered kind named like the Resource
/// is still reflected. A converged reconcile sends no request. Events (never with secrets):
/// `Created`, `QuotaExceeded`, `InvalidTemplate`, `Ready`, `Suspended`, `WorkloadFailed`.
public struct ResourceReconciler: Reconciler {
    public typealias Object = Resource

    public let client: KubeClient
    /// The caches its controller declared.
    public let caches: ResourceCaches
    public let applier: DesiredStateApplier
    /// `nil` records nothing.
    public let events: EventRecorder?
    /// The clock for stage and condition times. Default: the system clock.
    public let now: @Sendable () -> Date
    /// The kinds templates may build. Default: `ResourceOffering.all`.
    public let offerings: [ResourceOffering]

    public init(
        client: KubeClient, caches: ResourceCaches, events: EventRecorder?,
        now: @escaping @Sendable () -> Date = { Date() }, offerings: [ResourceOffering] = ResourceOffering.all
    ) {
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
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
        // Namespaces are cached only when every namespace is watched (tenant namespaces only);
        // a namespace that is not cached exists, since the Resource lives in it.
        let namespace = caches.namespaces?.get(name: namespaceName, namespace: nil)
        let namespaceReady = namespace.map { $0.metadata.deletionTimestamp == nil && $0.status?.phase != "Terminating" } ?? true
        let suspended = resource.spec.isSuspended || namespace?.metadata.labels?[TenantLabels.suspended] == "true"

        let template: Result<ResolvedResourceTemplate, ResourceTemplateError>
        do { template = .success(try ResourceTemplateCatalog.resolve(resource.spec)) } catch {
            template = .failure(error)
        }
        var facts = ResourceFacts(template: template, namespaceReady: namespaceReady, suspended: suspended)
        var child: ResourceChildObject?

        if case .success(let resolved) = template {
            let offering: ResourceOffering
            do { offering = try ResourceOffering.offering(for: resolved.template.kind, in: offerings) } catch {
                throw TerminalError(error)
            }
            let children = try cache(of: offering)
            let observedChild = try children.get(name: name, namespace: namespaceName)
            child = observedChild
            if observedChild == nil {
                let quotas = caches.quotas.list(namespace: namespaceName)
                facts.quota = QuotaCheck.check(needs: try footprint(of: resolved).quotaUsage, quotas: quotas)
            } else {
                facts.quota = .fits
            }
            let desired: DynamicObject?
            do { desired = try ResourceChildren.child(for: resource, template: resolved, suspended: suspended) } catch {
                throw TerminalError("template \(resolved.template.versionedName) cannot be rendered: \(error)")
            }
            facts.configGenerated = desired != nil
            if let desired, facts.quota == .fits || observedChild != nil, namespaceReady {
                child = try await children.apply(desired, observed: observedChild, with: applier)
                if observedChild == nil {
                    events?.record(
                        resource, type: .normal, reason: "Created",
                        message: "created \(offering.kind.kind) \(name) from template \(resolved.template.versionedName)")
                }
            }
        } else {
            for offering in offerings {
                if let found = try cache(of: offering).get(name: name, namespace: namespaceName) {
                    child = found
                    break
                }
            }
        }
        let state = try child.map { child in
            ResourceChildState(child, paths: try ResourceOffering.offering(for: child.kind, in: offerings).statusPaths)
        }
        if let state {
            facts.childApplied = true
            facts.childReady = state.ready
            facts.childProgress = state.progress
            facts.childFailure = state.failure
            facts.endpointPublished = state.ready && state.endpoint != nil
        }

        var status = ResourceStageMachine.evaluate(
            facts: facts, previous: resource.status, generation: resource.metadata.generation, now: now())
        status.childRef = child.map(ResourceChildren.reference(to:))
        status.endpoint = state?.endpoint
        status.credentialsSecretRef = state?.credentialsSecretName.map { LocalObjectReference(name: $0) }
        guard status != resource.status else { return .done }
        var updated = resource
        updated.status = status
        _ = try await client.replaceStatus(updated)
        recordTransitions(resource, old: resource.status, new: status)
        return .done
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

    private func recordTransitions(_ resource: Resource, old: ResourceStatus?, new: ResourceStatus) {
        guard let events, old?.phase != new.phase || old?.conditions?[type: "Stalled"]?.reason
            != new.conditions?[type: "Stalled"]?.reason
        else { return }
        let stalled = new.conditions?[type: "Stalled"]
        switch new.phase {
        case .ready?:
            events.record(
                resource, type: .normal, reason: "Ready",
                message: "ready" + (new.endpoint.map { " at \($0)" } ?? ""))
        case .suspended?:
            events.record(resource, type: .normal, reason: "Suspended", message: "workloads scaled to zero, data kept")
        case .failed?:
            let reason = stalled?.reason ?? "Failed"
            events.record(
                resource, type: .warning, reason: reason == "UnknownTemplate" || reason == "InvalidParameters"
                    ? "InvalidTemplate" : reason,
                message: stalled?.message ?? "")
        default:
            break
        }
    }
}
