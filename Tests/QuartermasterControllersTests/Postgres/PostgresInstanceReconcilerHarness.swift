import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging

@testable import QuartermasterControllers

/// Runs `PostgresInstanceReconciler` against a `FakeAPIServer`, with caches filled from the fake
/// server's content right before each reconcile (as a synced controller would have them), and
/// a scripted status client standing in for the instance managers.
struct PostgresInstanceReconcilerHarness {
    let fake = FakeAPIServer()
    let client: KubeClient
    let events: EventRecorder
    let reports = ScriptedInstanceStatusClient()
    let reconciler: PostgresInstanceReconciler
    let namespace = "ns"

    let instances = Store<PostgresInstance>()
    let pods = Store<Pod>()
    let claims = Store<PersistentVolumeClaim>()
    let services = Store<Service>()
    let secrets = Store<Secret>()
    let serviceAccounts = Store<ServiceAccount>()
    let roles = Store<Role>()
    let roleBindings = Store<RoleBinding>()
    let networkPolicies = Store<NetworkPolicy>()
    let deployments = Store<Deployment>()
    let namespaces = Store<Namespace>()
    let tenants = Store<Tenant>()
    let backups = Store<PostgresBackup>()

    /// `now`: the reconciler's clock (default a fixed instant).
    init(now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }) {
        client = KubeClient(transport: fake)
        events = EventRecorder(client: client, component: "quartermaster-test", instance: "test")
        reconciler = PostgresInstanceReconciler(
            client: client,
            caches: PostgresInstanceCaches(
                instances: instances, pods: pods, claims: claims, services: services, secrets: secrets,
                serviceAccounts: serviceAccounts, roles: roles, roleBindings: roleBindings,
                networkPolicies: networkPolicies, deployments: deployments, namespaces: namespaces, tenants: tenants,
                backups: backups),
            events: events, statusClient: reports,
            settings: .init(operatorImage: "ghcr.io/quartermaster-dev/quartermaster:test", operatorNamespace: "qm-system"),
            now: now)
    }

    @discardableResult
    func create(_ name: String = "pg", _ change: (inout PostgresInstanceSpec) -> Void = { _ in }) throws -> PostgresInstance {
        var spec = PostgresInstanceSpec()
        change(&spec)
        return try fake.seed(PostgresInstance(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }

    func instance(_ name: String = "pg") -> PostgresInstance? {
        fake.object(PostgresInstance.self, name: name, namespace: namespace)
    }

    func editSpec(_ name: String = "pg", _ change: (inout PostgresInstanceSpec) -> Void) async throws {
        guard var spec = instance(name)?.spec else { throw HarnessError.missing(name) }
        change(&spec)
        _ = try await client.mergePatch(
            PostgresInstance.self, name: name, namespace: namespace, patch: ["spec": try JSONValue(encoding: spec)])
    }

    /// Caches as a synced controller has them: owned kinds only with the managed-by label.
    func refreshCaches() {
        func managed<T: KubeResource>(_ type: T.Type) -> [T] {
            fake.objects(type).filter { $0.metadata.labels?[QuartermasterLabels.managedByKey] == QuartermasterLabels.managedByValue }
        }
        instances.replaceAll(fake.objects(PostgresInstance.self))
        pods.replaceAll(managed(Pod.self))
        claims.replaceAll(managed(PersistentVolumeClaim.self))
        services.replaceAll(managed(Service.self))
        secrets.replaceAll(managed(Secret.self))
        serviceAccounts.replaceAll(managed(ServiceAccount.self))
        roles.replaceAll(managed(Role.self))
        roleBindings.replaceAll(managed(RoleBinding.self))
        networkPolicies.replaceAll(managed(NetworkPolicy.self))
        deployments.replaceAll(managed(Deployment.self))
        namespaces.replaceAll(fake.objects(Namespace.self))
        tenants.replaceAll(fake.objects(Tenant.self))
        backups.replaceAll(fake.objects(PostgresBackup.self))
    }

    @discardableResult
    func reconcile(_ name: String = "pg", refreshingCaches: Bool = true) async throws -> ReconcileResult {
        if refreshingCaches { refreshCaches() }
        let context = ReconcileContext(
            controller: "postgresinstance", reconcileID: UUID().uuidString, logger: Logger(label: "test"), store: instances)
        return try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: namespace, name: name)), context: context)
    }

    /// Plays the kubelet: gives pod `name` an IP (`10.0.0.<serial>`) and the Ready condition.
    func runPod(_ name: String, ip: String, ready: Bool = true) async throws {
        guard var pod = fake.object(Pod.self, name: name, namespace: namespace) else { throw HarnessError.missing(name) }
        pod.status = PodStatus(
            phase: "Running", conditions: [PodCondition(type: "Ready", status: ready ? "True" : "False")], podIP: ip)
        _ = try await client.replaceStatus(pod)
    }

    /// Writes (non-GET requests) other than Events, after flushing the Event recorder.
    func writes() async -> [HTTPRequest] {
        await events.flush()
        return fake.writes.filter { !$0.path.contains("/events") }
    }

    func pod(_ name: String) -> Pod? { fake.object(Pod.self, name: name, namespace: namespace) }
    func secret(_ name: String, namespace: String? = nil) -> Secret? {
        fake.object(Secret.self, name: name, namespace: namespace ?? self.namespace)
    }

    enum HarnessError: Error { case missing(String) }
}
