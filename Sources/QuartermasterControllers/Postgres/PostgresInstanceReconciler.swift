import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging
import Prometheus

/// Reconciles one `PostgresInstance`: observes its objects (caches) and its instance managers'
/// reports, diffs against ``PostgresInstanceDesiredState``, applies what differs and reports
/// ``PostgresInstanceStatus``. The objects' shapes come only from the pure functions.
///
/// One reconcile:
/// 1. Reads the instance from the cache; gone → done. Being deleted → deletes its Secret
///    copies in other namespaces and removes ``secretCopiesFinalizer`` (everything else goes
///    with the garbage collector; claims only with `pvcRetention: Delete`).
/// 2. Observes pods, claims and the other children from the caches, and polls the report of
///    every pod with an IP (``InstanceStatusClient``).
/// 3. Validates (``PostgresInstanceValidation``, with the namespace's Tenant policy from the
///    Tenant cache): a problem → `Stalled`, nothing is created or changed. A suspended Tenant
///    suspends the instance like `spec.suspended`.
/// 4. Secrets (``ensureSecrets(_:observed:logger:)``): each created once with POST after a
///    direct GET shows none; never generated again, never written over when not the
///    instance's (`SecretConflict`).
/// 5. Applies ServiceAccount, Role, RoleBinding, Services, NetworkPolicies, the
///    PodDisruptionBudget (when `policy/v1` is served) and the pooler Deployment with
///    server-side apply, each only when it differs (a converged reconcile writes nothing), and
///    deletes those the spec no longer asks for (when the instance controls them).
/// 6. Instances (``reconcileInstances(_:desired:observed:logger:)``): creates missing claims and
///    pods (replicas only once the primary reports ready), patches role labels, replaces pods
///    whose spec hash changed (one at a time, replicas first, primary last), deletes removed
///    serials (scale down) and every pod while suspended.
/// 7. Copies `<name>-app` to the allowed `spec.secretNamespaces`
///    (``reconcileSecretCopies(_:app:logger:)``).
/// 8. Writes the status (``PostgresInstanceStatusComputation``) when it changed
///    (``StatusWriter``), and requeues after ``notReadyPollInterval`` (10 s) while not Ready,
///    ``readyPollInterval`` (60 s) once Ready, to poll the reports again.
public struct PostgresInstanceReconciler: Reconciler {
    public typealias Object = PostgresInstance

    /// What the reconciler needs besides its caches.
    public struct Settings: Sendable, Hashable {
        public var operatorImage: String
        public var operatorNamespace: String?
        public var clusterDomain: String
        /// The object storage tenants get (``BackupObjectStoreSettings``); `nil`: none.
        public var backupObjectStore: BackupObjectStoreSettings?
        /// Namespaces admitted to the metrics port besides the instance's own (``WorkloadMonitoring/namespaces``).
        public var monitoringNamespaces: [String]

        public init(
            operatorImage: String = ControllerSettings.defaultPostgresOperatorImage, operatorNamespace: String? = nil,
            clusterDomain: String = "cluster.local", backupObjectStore: BackupObjectStoreSettings? = nil,
            monitoringNamespaces: [String] = []
        ) {
            self.backupObjectStore = backupObjectStore
            self.monitoringNamespaces = monitoringNamespaces
            self.operatorImage = operatorImage
            self.operatorNamespace = operatorNamespace
            self.clusterDomain = clusterDomain
        }
    }

    /// Held while copies of `<name>-app` may exist in other namespaces (no owner reference can
    /// cross namespaces): removed once they are deleted.
    public static let secretCopiesFinalizer = "quartermaster.dev/secret-copies"
    public static let notReadyPollInterval: Duration = .seconds(10)
    public static let readyPollInterval: Duration = .seconds(60)

    public let client: KubeClient
    public let caches: PostgresInstanceCaches
    public let applier: DesiredStateApplier
    public let discovery: APIDiscovery
    public let events: EventRecorder?
    public var statusWriter: StatusWriter
    public let statusClient: any InstanceStatusClient
    public let settings: Settings
    let now: @Sendable () -> Date
    /// Failover timing (how long the primary has been unhealthy); tests inject a manual clock.
    let clock: any RuntimeClock
    let failoverTracking = PostgresFailoverTracking()
    let volumeMetrics: PostgresVolumeMetrics?
    /// Catalog and retention bookkeeping (``PostgresBackupMemory``).
    let backupMemory = PostgresBackupMemory()

    public init(
        client: KubeClient, caches: PostgresInstanceCaches, events: EventRecorder? = nil, discovery: APIDiscovery? = nil,
        statusClient: any InstanceStatusClient = HTTPInstanceStatusClient(), settings: Settings = Settings(),
        now: @escaping @Sendable () -> Date = { Date() }, clock: any RuntimeClock = ContinuousRuntimeClock(),
        registry: PrometheusCollectorRegistry? = nil
    ) {
        self.clock = clock
        self.volumeMetrics = registry.map(PostgresVolumeMetrics.init(registry:))
        self.client = client
        self.caches = caches
        self.applier = DesiredStateApplier(client: client, identity: .quartermaster)
        self.discovery = discovery ?? APIDiscovery(client: client)
        self.events = events
        self.statusWriter = StatusWriter(client: client, events: events)
        self.statusClient = statusClient
        self.settings = settings
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<PostgresInstance>) async throws
        -> ReconcileResult
    {
        let logger = context.logger
        guard let stored = context.store.get(request.key) else {
            backupMemory.forget(request.key)
            return .done
        }
        if stored.metadata.deletionTimestamp != nil { return try await finalize(stored, logger: logger) }
        let instance: PostgresInstance
        do {
            guard let synced = try await syncFinalizer(stored) else { return .requeue }
            instance = synced
        } catch KubeAPIError.notFound {
            return .done
        }

        var observed = try await observe(instance, logger: logger)
        let tenant = tenantEnforcement(for: instance)
        observed.suspendedByTenant = tenant.suspended ? tenant.tenant : nil
        var problems = PostgresInstanceValidation.problems(of: instance, tenant: tenant)
        var refused = false
        var desired: PostgresInstanceDesiredObjects?
        var failover: PostgresFailoverStep?
        var backups = PostgresInstanceBackupStatus.Inputs()
        var backupWake: Duration?
        if problems.isEmpty {
            do {
                let prepared = try await prepareBackups(instance, observed: observed, tenant: tenant, logger: logger)
                backups = prepared.inputs
                if let wait = prepared.wait { return wait }
                switch try await ensureSecrets(instance, observed: observed, logger: logger) {
                case .retry:
                    return .requeue
                case .ready(let app):
                    observed.appSecret = app
                    failover = try await stepFailoverAndDisk(
                        instance, observed: observed, suspended: instance.spec.suspended || tenant.suspended, logger: logger)
                    let objects = try PostgresInstanceDesiredState.compute(
                        instance: failover?.instance ?? instance, observation: observed.condensed(problems: []),
                        settings: desiredSettings(podDisruptionBudgetServed: observed.podDisruptionBudgetServed == true),
                        tenant: tenant)
                    desired = objects
                    try await applyChildren(instance, desired: objects, observed: observed, logger: logger)
                    observed.pods = try await reconcileInstances(instance, desired: objects, observed: observed, logger: logger)
                    observed.secretCopyConflicts = try await reconcileSecretCopies(instance, app: app, logger: logger)
                    backupWake = try await reconcileBackupWork(instance, observed: observed, inputs: &backups, logger: logger)
                }
            } catch let problem as PostgresInstanceProblem {
                problems.append(problem)
            } catch let conflict as ChildNameConflict {
                let reason: PostgresInstanceProblem.Reason = conflict.kind == Secret.resource.kind ? .secretConflict : .nameConflict
                problems.append(PostgresInstanceProblem(reason: reason, message: conflict.description))
            } catch let refusal as RefusedWrite {
                logger.warning("the API server refused a write", metadata: ["refusal": "\(refusal)"])
                problems.append(.refused(refusal))
                refused = true
            }
        }

        // Suspension is never held up by a problem: the instance's pods go all the same.
        if !problems.isEmpty, instance.spec.suspended || tenant.suspended {
            observed.pods = try await deletePodsWhileStalled(instance, observed: observed, logger: logger)
        }

        let planned = failover?.instance ?? instance
        var status = PostgresInstanceStatusComputation.withFailover(
            PostgresInstanceStatusComputation.compute(
                instance: planned, observation: observed.condensed(problems: problems),
                targetPrimary: desired?.targetPrimary, now: now()),
            planned: planned.status, reports: observed.reports, diskPressure: failover?.disk?.condition,
            generation: instance.metadata.generation, now: now())
        status = PostgresInstanceBackupStatus.apply(
            to: status, instance: instance, inputs: backups,
            primaryReport: status.currentPrimary.flatMap { observed.reports[$0] }, now: now())
        let outcome = try await statusWriter.write(status, of: instance, wording: Self.eventWording(problems: problems))
        if refused, outcome != .gone { return .requeue }
        let poll = min(
            status.phase == .ready ? Self.readyPollInterval : Self.notReadyPollInterval,
            failover?.requeueAfter ?? Self.readyPollInterval, backupWake ?? Self.readyPollInterval)
        return outcome.result(otherwise: .requeueAfter(poll))
    }

    /// What the namespace's Tenant imposes (Tenant cache); nothing without a Tenant or a cache.
    func tenantEnforcement(for instance: PostgresInstance) -> TenantEnforcement {
        guard let tenants = caches.tenants else { return .unrestricted }
        return TenantEnforcement.of(namespace: instance.metadata.namespace ?? "", tenants: tenants.list())
    }

    func desiredSettings(podDisruptionBudgetServed: Bool) -> PostgresInstanceDesiredState.Settings {
        PostgresInstanceDesiredState.Settings(
            operatorImage: settings.operatorImage, operatorNamespace: settings.operatorNamespace,
            podDisruptionBudgetServed: podDisruptionBudgetServed, monitoringNamespaces: settings.monitoringNamespaces)
    }

    /// Step 5: everything but Secrets, claims and pods.
    private func applyChildren(
        _ instance: PostgresInstance, desired: PostgresInstanceDesiredObjects, observed: PostgresInstanceObservedObjects,
        logger: Logger
    ) async throws {
        try await apply(desired.serviceAccount, observed: observed.serviceAccounts[desired.serviceAccount.metadata.name ?? ""], logger: logger)
        try await apply(desired.role, observed: observed.roles[desired.role.metadata.name ?? ""], logger: logger)
        try await apply(desired.roleBinding, observed: observed.roleBindings[desired.roleBinding.metadata.name ?? ""], logger: logger)
        for service in desired.services {
            try await apply(service, observed: observed.services[service.metadata.name ?? ""], logger: logger)
        }
        for policy in desired.networkPolicies {
            try await apply(policy, observed: observed.networkPolicies[policy.metadata.name ?? ""], logger: logger)
        }
        if observed.podDisruptionBudgetServed == true, let pdb = desired.podDisruptionBudget {
            try await apply(pdb, observed: observed.podDisruptionBudgets[pdb.metadata.name ?? ""], logger: logger)
        }
        if let pooler = desired.poolerDeployment {
            try await apply(pooler, observed: observed.deployments[pooler.metadata.name ?? ""], logger: logger)
        }

        let uid = instance.metadata.uid ?? ""
        let wantedServices = Set(desired.services.compactMap(\.metadata.name))
        for (name, service) in observed.services where !wantedServices.contains(name) {
            try await deleteIfControlled(service, uid: uid, logger: logger)
        }
        let wantedPolicies = Set(desired.networkPolicies.compactMap(\.metadata.name))
        for (name, policy) in observed.networkPolicies where !wantedPolicies.contains(name) {
            try await deleteIfControlled(policy, uid: uid, logger: logger)
        }
        for (name, deployment) in observed.deployments where name != desired.poolerDeployment?.metadata.name {
            try await deleteIfControlled(deployment, uid: uid, logger: logger)
        }
        if observed.podDisruptionBudgetServed == true {
            for (name, pdb) in observed.podDisruptionBudgets where name != desired.podDisruptionBudget?.metadata.name {
                try await deleteIfControlled(pdb, uid: uid, logger: logger)
            }
        }
    }

    /// Applies `desired` unless its name is another owner's (``ChildNameConflict``).
    @discardableResult
    func apply<T: KubeResource>(_ desired: T, observed: T?, logger: Logger) async throws -> T {
        let outcome = try await applier.applyControlled(desired, cached: observed)
        if outcome.wasApplied {
            logger.info(
                observed == nil ? "created" : "updated",
                metadata: ["kind": "\(T.resource.kind)", "object": "\(desired.metadata.name ?? "")"])
        }
        return outcome.object
    }

    /// Deletes `object` when the instance (`uid`) controls it and it is not already going;
    /// `true` when a delete was sent.
    @discardableResult
    func deleteIfControlled<T: KubeResource>(_ object: T, uid: String, logger: Logger) async throws -> Bool {
        guard !uid.isEmpty, object.metadata.isControlled(byUID: uid), object.metadata.deletionTimestamp == nil,
            let name = object.metadata.name
        else { return false }
        try await delete(T.self, name: name, namespace: object.metadata.namespace, logger: logger)
        return true
    }

    /// Deletes `name`; a refusal is a ``RefusedWrite``, an object already gone is fine.
    func delete<T: KubeResource>(_ type: T.Type, name: String, namespace: String?, logger: Logger) async throws {
        do {
            try await RefusedWrite.guarding("delete", kind: T.resource.kind, namespace: namespace, name: name) {
                try await client.delete(T.self, name: name, namespace: namespace)
            }
            logger.info("deleted", metadata: ["kind": "\(T.resource.kind)", "object": "\(name)"])
        } catch KubeAPIError.notFound {}
    }

    /// Events of status transitions: `Ready`, and `Stalled` with every problem.
    static func eventWording(problems: [PostgresInstanceProblem]) -> StatusEventWording {
        let described = problems.isEmpty ? nil : problems.map(\.description).joined(separator: "; ")
        return StatusEventWording(
            ready: { _ in .init(reason: "Ready", message: "the primary accepts connections and every replica streams") },
            stalled: { _ in .init(reason: "Stalled", message: described ?? "") },
            refused: { _ in (reason: "Stalled", explanation: described) })
    }
}
