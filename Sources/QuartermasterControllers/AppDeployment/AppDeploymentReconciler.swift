import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Reconciles one `Deployment` (`deployments.quartermaster.dev`, Swift ``AppDeployment``):
/// observes its children (caches), pins its image to a digest, provisions what the app waits
/// for, applies the objects of ``AppDeploymentDesiredState`` for the revision
/// ``AppDeploymentRevisionPlan`` chooses, and reports ``AppDeploymentStatus``. The objects'
/// shapes, the revision choice and the status come only from the pure functions.
///
/// One reconcile:
/// 1. Reads the object from the cache; gone → done. Being deleted → releases its host claims
///    and removes ``hostClaimsFinalizer`` (the garbage collector deletes every child). Adds that
///    finalizer when it first asks for a host.
/// 2. Observes its children (caches) and whether `autoscaling/v2` and `policy/v1` are served
///    (cached discovery; a failure is retried after ``discoveryRetryDelay``).
/// 3. Validates (``AppDeploymentValidation``, a reserved name, the namespace's Tenant policy):
///    a problem → `Stalled`, nothing is written. Claims the Ingress host (``HostClaims``;
///    another holder → `Stalled` `HostConflict`).
/// 4. Pins the image (``resolveImage(_:logger:)``): a failure → phase `Queued`, `Reconciling`
///    reason `ResolvingImage`, requeued with backoff; nothing is deployed unpinned.
/// 5. Before the apps/v1 Deployment exists, checks the quota footprint
///    (``AppDeploymentDesiredState/quotaFootprint(_:offerings:)``) against the namespace's
///    ResourceQuotas (``QuotaCheck``): no fit → phase `Queued`, `Reconciling` reason
///    `WaitingForQuota` with the numbers, nothing created; a quota change reconciles again.
/// 6. Creates the claim `<name>-data` once and applies the database Resource `<name>-db`; waits
///    (phase `Provisioning`) for the Resource's credentials Secret and for the bound
///    IPFSCluster to exist and be Ready.
/// 7. Chooses the revision (``AppDeploymentRevisionPlan``), renders every object with its digest
///    and applies what differs (``DesiredStateApplier``: a converged reconcile writes nothing);
///    deletes the Ingress, HorizontalPodAutoscaler and PodDisruptionBudget it controls that the
///    spec no longer asks for. A child another owner holds → `Stalled` `NameConflict`; a write
///    the server refuses → `Stalled` with its class (``RefusedWrite``), requeued with backoff.
/// 8. Computes the status (``AppDeploymentStatusComputation``) and writes it only when it
///    changed (``StatusWriter``).
public struct AppDeploymentReconciler: Reconciler {
    public typealias Object = AppDeployment

    /// Held from the first reconcile that asks for a host until deletion, so the host claims
    /// are released.
    public static let hostClaimsFinalizer = "quartermaster.dev/host-claims"
    /// How long to wait before retrying after discovery failed. 30 s.
    public static let discoveryRetryDelay: Duration = .seconds(30)

    public let client: KubeClient
    public let caches: AppDeploymentCaches
    public let applier: DesiredStateApplier
    /// Whether `autoscaling/v2` and `policy/v1` are served; cached.
    public let discovery: APIDiscovery
    public let events: EventRecorder?
    public var statusWriter: StatusWriter
    /// Resolves tags to digests (``AppDeploymentImageResolver`` in the operator).
    public let resolver: any ImageDigestResolving
    /// DNS suffix of the cluster. Default `cluster.local`.
    public let clusterDomain: String
    public let hostClaims: HostClaims
    /// Whether `file://` source URLs are accepted (``ControllerSettings/allowFileSources``; tests).
    public let allowFileSources: Bool
    /// The images of the source steps (`spec.source`).
    public let buildImages: AppDeploymentBuildInput.OperatorImages
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - discovery: default: a new `APIDiscovery` over `client`.
    ///   - resolver: default an ``AppDeploymentImageResolver`` (HTTPS only).
    ///   - hostClaimNamespace: where host claims are kept. Default `default`.
    ///   - allowFileSources: accept `file://` source URLs (tests). Default `false`.
    ///   - buildImages: the images of the source steps. Default: the operator's defaults.
    ///   - now: the clock of condition and history times and of the source poll interval
    ///     (`spec.source.follow`). Default the system clock.
    public init(
        client: KubeClient, caches: AppDeploymentCaches, events: EventRecorder? = nil, discovery: APIDiscovery? = nil,
        resolver: any ImageDigestResolving = AppDeploymentImageResolver(), clusterDomain: String = "cluster.local",
        hostClaimNamespace: String = "default", allowFileSources: Bool = false,
        buildImages: AppDeploymentBuildInput.OperatorImages? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.buildImages =
            buildImages
            ?? AppDeploymentBuildInput.OperatorImages(
                operatorImage: ControllerSettings.defaultPostgresOperatorImage, allowFileSources: allowFileSources)
        self.allowFileSources = allowFileSources
        self.hostClaims = HostClaims(
            client: client, namespace: hostClaimNamespace, cache: caches.hostClaims,
            holderKinds: QuartermasterKinds.all.compactMap(\.hostClaims))
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
        self.discovery = discovery ?? APIDiscovery(client: client)
        self.events = events
        self.statusWriter = StatusWriter(client: client, events: events)
        self.resolver = resolver
        self.clusterDomain = clusterDomain
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<AppDeployment>) async throws
        -> ReconcileResult
    {
        let logger = context.logger
        guard let stored = context.store.get(request.key) else { return .done }
        if stored.metadata.deletionTimestamp != nil { return try await finalize(stored, logger: logger) }
        let app: AppDeployment
        do {
            guard let synced = try await syncFinalizer(stored, logger: logger) else { return .requeue }
            app = synced
        } catch KubeAPIError.notFound {
            return .done
        }

        var observed = await observe(app, logger: logger)
        let tenant = tenantEnforcement(for: app)
        var observation = AppDeploymentObservation(
            servedAPIs: AppDeploymentContext.ServedAPIs(
                autoscalingV2: observed.autoscalingV2Served == true, policyV1: observed.policyV1Served == true))
        if let reserved = QuartermasterReservedNames.problem(app.metadata.name ?? "") {
            observation.problems.append(AppDeploymentProblem(reason: .reservedName, message: reserved))
        }
        observation.problems += AppDeploymentValidation.problems(of: app, tenant: tenant, allowFileSources: allowFileSources)
        var refused = false
        if observation.problems.isEmpty {
            do {
                if let conflict = try await claimHosts(app, observed: observed, logger: logger) {
                    observation.problems.append(AppDeploymentProblem(reason: .hostConflict, message: conflict))
                } else {
                    try await deploy(app, tenant: tenant, observed: &observed, observation: &observation, logger: logger)
                }
            } catch let problem as AppDeploymentProblem {
                observation.problems.append(problem)
            } catch let conflict as ChildNameConflict {
                observation.problems.append(AppDeploymentProblem(reason: .nameConflict, message: conflict.description))
            } catch let error as ResourceTemplateError {
                observation.problems.append(
                    AppDeploymentProblem(reason: .invalidSpec, message: "spec.database: \(error)"))
            } catch let refusal as RefusedWrite {
                logger.warning("the API server refused a write", metadata: ["refusal": "\(refusal)"])
                observation.problems.append(AppDeploymentProblem.refused(refusal))
                refused = true
            }
        }
        observation.deployment = observed.deployment
        observation.service = observed.service
        observation.ingress = observed.ingress

        let status = AppDeploymentStatusComputation.compute(observation.statusInput(for: app), now: now())
        let outcome = try await statusWriter.write(status, of: app, wording: Self.eventWording(observation))
        if outcome == .conflicted { logger.debug("status write conflicted; requeueing") }
        // A refused write and a tag not resolved are tried again with the key's backoff.
        if refused || observation.imageFailure != nil, outcome != .gone { return .requeue }
        let discoveryFailed = observed.autoscalingV2Served == nil || observed.policyV1Served == nil
        if discoveryFailed { return outcome.result(otherwise: .requeueAfter(Self.discoveryRetryDelay)) }
        // Following a branch: reconciled again when the next poll is due.
        if let next = observation.source?.nextPoll {
            let wait = max(next.timeIntervalSince(now()), 1)
            return outcome.result(otherwise: .requeueAfter(.milliseconds(Int64(wait * 1000))))
        }
        return outcome.result(otherwise: .done)
    }

    /// What the namespace's Tenant imposes (Tenant cache); nothing without a Tenant or a cache.
    func tenantEnforcement(for app: AppDeployment) -> TenantEnforcement {
        guard let tenants = caches.tenants else { return .unrestricted }
        return TenantEnforcement.of(namespace: app.metadata.namespace ?? "", tenants: tenants.list())
    }

    /// The Events of status transitions: `Ready` (the URL), `Stalled` with every problem.
    static func eventWording(_ observation: AppDeploymentObservation) -> StatusEventWording {
        let described = observation.problems.isEmpty ? nil : observation.problems.map(\.description).joined(separator: "; ")
        return StatusEventWording(
            ready: { _ in .init(reason: "Ready", message: "the application is healthy and exposed") },
            stalled: { _ in .init(reason: "Stalled", message: described ?? "") },
            refused: { _ in (reason: "Stalled", explanation: described) })
    }
}
