import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Builds each Resource's child from its template, after checking the namespace quota, and
/// reports stages, progress, phase, endpoint and conditions (`ResourceStageMachine`).
///
/// Per reconcile:
///
/// 1. Resolve the template and parameters (`ResourceTemplateCatalog.resolve`); on failure the
///    Resource is `Stalled` (`UnknownTemplate` / `InvalidParameters`) and nothing is created.
/// 2. Until the child exists, check the template's needs against the headroom of every
///    ResourceQuota in the namespace (`QuotaCheck`, from the cache). When they do not fit the
///    Resource is `Stalled=True`, reason `QuotaExceeded`, with the numbers, and nothing is
///    created; the controller watches ResourceQuotas, so freeing quota reconciles it again.
/// 3. Apply the child (`ResourceChildren.ipfsCluster`) through `DesiredStateApplier`: a
///    request only when the cache shows a difference.
/// 4. Reflect the child's state: ready (its `Ready` condition or phase, for the current
///    generation), failed, `n/m nodes ready`, endpoint (`status.endpoints.api`, else
///    `gateway`) and credentials Secret.
/// 5. Replace `/status` only when the computed status differs from the stored one.
///
/// A converged reconcile sends no request. Events (never with secrets): `Created`,
/// `QuotaExceeded`, `InvalidTemplate`, `Ready`, `Suspended`, `WorkloadFailed`.
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

    public init(
        client: KubeClient, caches: ResourceCaches, events: EventRecorder?,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client)
        self.events = events
        self.now = now
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
        let observedChild = caches.children.get(name: name, namespace: namespaceName)

        let template: Result<ResolvedResourceTemplate, ResourceTemplateError>
        do { template = .success(try ResourceTemplateCatalog.resolve(resource.spec)) } catch {
            template = .failure(error)
        }
        var facts = ResourceFacts(template: template, namespaceReady: namespaceReady, suspended: suspended)
        var child = observedChild

        if case .success(let resolved) = template {
            if observedChild == nil {
                let quotas = caches.quotas.list(namespace: namespaceName)
                facts.quota = QuotaCheck.check(needs: resolved.requests.quotaUsage, quotas: quotas)
            } else {
                facts.quota = .fits
            }
            let desired = ResourceChildren.ipfsCluster(for: resource, template: resolved, suspended: suspended)
            facts.configGenerated = desired != nil
            if let desired, facts.quota == .fits || observedChild != nil, namespaceReady {
                let outcome = try await applier.apply(desired, observed: observedChild)
                child = outcome.object
                if observedChild == nil {
                    events?.record(
                        resource, type: .normal, reason: "Created",
                        message: "created IPFSCluster \(name) from template \(resolved.template.versionedName)")
                }
            }
        }
        if let child {
            facts.childApplied = true
            let state = ResourceChildState(child)
            facts.childReady = state.ready
            facts.childProgress = state.progress
            facts.childFailure = state.failure
            facts.endpointPublished = state.ready && state.endpoint != nil
        }

        var status = ResourceStageMachine.evaluate(
            facts: facts, previous: resource.status, generation: resource.metadata.generation, now: now())
        if let child {
            let state = ResourceChildState(child)
            status.childRef = ResourceChildren.reference(to: child)
            status.endpoint = state.endpoint
            status.credentialsSecretRef = state.credentialsSecretName.map { LocalObjectReference(name: $0) }
        } else {
            status.childRef = nil
            status.endpoint = nil
            status.credentialsSecretRef = nil
        }
        guard status != resource.status else { return .done }
        var updated = resource
        updated.status = status
        _ = try await client.replaceStatus(updated)
        recordTransitions(resource, old: resource.status, new: status)
        return .done
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

/// What a Resource reports of its IPFSCluster's status.
struct ResourceChildState {
    var ready: Bool
    var progress: String?
    var failure: String?
    var endpoint: String?
    var credentialsSecretName: String?

    init(_ child: IPFSCluster) {
        let status = child.status
        let current = (status?.observedGeneration ?? child.metadata.generation ?? 0) >= (child.metadata.generation ?? 0)
        let readyCondition = status?.conditions?.first { $0.type == "Ready" }
        let stalled = status?.conditions?.first { $0.type == "Stalled" && $0.status == .true }
        ready = current && (readyCondition.map { $0.status == .true } ?? (status?.phase == .ready))
        if status?.phase == .failed {
            failure = stalled?.message ?? readyCondition?.message ?? "the IPFSCluster failed"
        } else if let stalled {
            failure = stalled.message.flatMap { $0.isEmpty ? nil : $0 } ?? stalled.reason ?? "the IPFSCluster is stalled"
        }
        progress = "\(status?.readyReplicas ?? 0)/\(child.spec.replicas) nodes ready"
        endpoint = status?.endpoints?.api ?? status?.endpoints?.gateway
        credentialsSecretName = status?.credentialsSecretRef?.name
    }
}
