import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging

import Testing

@testable import QuartermasterControllers

/// Answers discovery of `autoscaling/v2` and `policy/v1` as a v1.23+ server does; everything
/// else goes to the fake server.
final class ServedAutoscalingAndPolicyTransport: HTTPTransport {
    let inner: FakeAPIServer
    init(inner: FakeAPIServer) { self.inner = inner }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let lists: [String: (String, String, String)] = [
            "/apis/autoscaling/v2": ("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"),
            "/apis/policy/v1": ("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget"),
        ]
        if request.method == .get, let (groupVersion, plural, kind) = lists[request.path] {
            let body: JSONValue = [
                "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
                "resources": [
                    [
                        "name": .string(plural), "singularName": "", "namespaced": true, "kind": .string(kind),
                        "verbs": ["get", "list", "watch", "create", "patch", "delete"],
                    ]
                ],
            ]
            return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: try KubeJSON.encode(body))
        }
        return try await inner.send(request)
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream { try await inner.stream(request) }
}

/// A table of digests by image text: the unit tests' ``ImageDigestResolving``.
struct TableImageResolver: ImageDigestResolving {
    var digests: [String: String]
    func resolveDigest(of image: AppDeploymentImageName, credentials: AppDeploymentRegistryCredentials) async throws
        -> String
    {
        if let digest = image.digest { return digest }
        guard let digest = digests[image.text] else { throw AppDeploymentImageResolutionError("registry answered HTTP/1.1 404 Not Found") }
        return digest
    }
}

/// Runs `AppDeploymentReconciler` against a `FakeAPIServer`, caches filled from the fake
/// server's content before each reconcile.
struct AppDeploymentReconcilerHarness {
    let fake: FakeAPIServer
    let client: KubeClient
    let reconciler: AppDeploymentReconciler
    let namespace = "apps"
    let apps = Store<AppDeployment>()
    let deployments = Store<Deployment>()
    let services = Store<Service>()
    let ingresses = Store<Ingress>()
    let networkPolicies = Store<NetworkPolicy>()
    let hpas = Store<HorizontalPodAutoscaler>()
    let pdbs = Store<PodDisruptionBudget>()
    let claims = Store<PersistentVolumeClaim>()
    let resources = Store<Resource>()
    let ipfsClusters = Store<IPFSCluster>()
    let quotas = Store<ResourceQuota>()
    let hostClaims = Store<Lease>()
    let tenants = Store<Tenant>()
    let buildJobs = Store<Job>()
    let buildPods = Store<Pod>()

    init(served: Bool, digests: [String: String] = [:]) {
        let fake = FakeAPIServer()
        self.fake = fake
        client = KubeClient(transport: served ? ServedAutoscalingAndPolicyTransport(inner: fake) : fake)
        reconciler = AppDeploymentReconciler(
            client: client,
            caches: AppDeploymentCaches(
                apps: apps, deployments: deployments, services: services, ingresses: ingresses,
                networkPolicies: networkPolicies, horizontalPodAutoscalers: hpas, podDisruptionBudgets: pdbs,
                claims: claims, resources: resources, ipfsClusters: ipfsClusters, quotas: quotas, tenants: tenants,
                hostClaims: hostClaims, buildJobs: buildJobs, buildPods: buildPods),
            resolver: TableImageResolver(digests: digests), hostClaimNamespace: "quartermaster-system",
            now: { Date(timeIntervalSince1970: 1_700_000_000) })
    }

    func refreshCaches() {
        apps.replaceAll(fake.objects(AppDeployment.self))
        deployments.replaceAll(fake.objects(Deployment.self))
        services.replaceAll(fake.objects(Service.self))
        ingresses.replaceAll(fake.objects(Ingress.self))
        networkPolicies.replaceAll(fake.objects(NetworkPolicy.self))
        hpas.replaceAll(fake.objects(HorizontalPodAutoscaler.self))
        pdbs.replaceAll(fake.objects(PodDisruptionBudget.self))
        claims.replaceAll(fake.objects(PersistentVolumeClaim.self))
        resources.replaceAll(fake.objects(Resource.self))
        ipfsClusters.replaceAll(fake.objects(IPFSCluster.self))
        quotas.replaceAll(fake.objects(ResourceQuota.self))
        hostClaims.replaceAll(fake.objects(Lease.self))
        tenants.replaceAll(fake.objects(Tenant.self))
        buildJobs.replaceAll(fake.objects(Job.self))
        buildPods.replaceAll(fake.objects(Pod.self))
    }

    @discardableResult
    func reconcile(_ name: String) async throws -> ReconcileResult {
        refreshCaches()
        let context = ReconcileContext(
            controller: "deployment", reconcileID: UUID().uuidString, logger: Logger(label: "test"), store: apps)
        return try await reconciler.reconcile(ReconcileRequest(key: ObjectKey(namespace: namespace, name: name)), context: context)
    }

    func app(_ name: String) -> AppDeployment? { fake.object(AppDeployment.self, name: name, namespace: namespace) }

    /// Writes the apps/v1 Deployment's status as its controller does once every pod is available.
    func markAvailable(_ name: String) async throws {
        guard var d = fake.object(Deployment.self, name: name, namespace: namespace) else { return }
        let replicas = d.spec?.replicas ?? 1
        d.status = DeploymentStatus(
            observedGeneration: d.metadata.generation, replicas: replicas, updatedReplicas: replicas,
            readyReplicas: replicas, availableReplicas: replicas)
        _ = try await client.replaceStatus(d)
    }
}

@Suite struct AppDeploymentReconcilerTests {
    static let digest = "sha256:" + String(repeating: "5e", count: 32)

    static func spec(replicas: Int, autoscaling: Bool) -> AppDeploymentSpec {
        var spec = AppDeploymentSpec(image: "ghcr.io/acme/web:1.4")
        spec.replicas = replicas
        if autoscaling {
            spec.autoscaling = AppDeploymentSpec.Autoscaling(minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 80)
        }
        return spec
    }

    func condition(_ app: AppDeployment?, _ type: String) -> Condition? { app?.status?.conditions?[type: type] }

    @Test func servedAutoscalingAndPolicyCreateTheHPAAndPDBAndConvergeQuietly() async throws {
        let h = AppDeploymentReconcilerHarness(served: true, digests: ["ghcr.io/acme/web:1.4": Self.digest])
        _ = try h.fake.seed(
            AppDeployment(
                metadata: ObjectMeta(name: "web", namespace: h.namespace), spec: Self.spec(replicas: 2, autoscaling: true)))
        try await h.reconcile("web")
        let hpa = try #require(h.fake.object(HorizontalPodAutoscaler.self, name: "web", namespace: h.namespace))
        #expect(hpa.metadata.isControlled(byUID: h.app("web")?.metadata.uid ?? "-"))
        #expect(h.fake.object(PodDisruptionBudget.self, name: "web", namespace: h.namespace) != nil)
        let deployment = try #require(h.fake.object(Deployment.self, name: "web", namespace: h.namespace))
        #expect(deployment.spec?.template.spec?.containers.first?.image == "ghcr.io/acme/web@\(Self.digest)")
        var app = h.app("web")
        #expect(app?.status?.image == AppDeploymentStatus.Image(reference: "ghcr.io/acme/web:1.4", digest: Self.digest))
        #expect(condition(app, AppDeploymentStatus.ConditionType.autoscaling)?.status == .true)
        #expect(condition(app, AppDeploymentStatus.ConditionType.disruptionBudget)?.status == .true)
        #expect(app?.status?.phase == .deploying)

        try await h.markAvailable("web")
        try await h.reconcile("web")
        app = h.app("web")
        #expect(app?.status?.phase == .exposed)
        #expect(app?.status?.url == "http://web.apps.svc:8080")
        #expect(condition(app, "Ready")?.status == .true)
        #expect(app?.status?.history?.map(\.outcome) == [.healthy])

        let before = h.fake.writes.count
        try await h.reconcile("web")
        #expect(h.fake.writes.count == before, "a converged reconcile wrote: \(h.fake.writes.suffix(from: before))")
    }

    @Test func withoutTheServedAPIsNeitherIsCreatedAndTheConditionsSayNotServed() async throws {
        let h = AppDeploymentReconcilerHarness(served: false, digests: ["ghcr.io/acme/web:1.4": Self.digest])
        _ = try h.fake.seed(
            AppDeployment(
                metadata: ObjectMeta(name: "web", namespace: h.namespace), spec: Self.spec(replicas: 2, autoscaling: true)))
        try await h.reconcile("web")
        #expect(h.fake.objects(HorizontalPodAutoscaler.self).isEmpty)
        #expect(h.fake.objects(PodDisruptionBudget.self).isEmpty)
        let app = h.app("web")
        #expect(condition(app, AppDeploymentStatus.ConditionType.autoscaling)?.reason == "NotServed")
        #expect(condition(app, AppDeploymentStatus.ConditionType.disruptionBudget)?.reason == "NotServed")
    }

    @Test func anUnresolvedTagQueuesWithTheRegistrysAnswerAndDeploysNothing() async throws {
        let h = AppDeploymentReconcilerHarness(served: false)
        _ = try h.fake.seed(
            AppDeployment(
                metadata: ObjectMeta(name: "web", namespace: h.namespace), spec: Self.spec(replicas: 1, autoscaling: false)))
        let result = try await h.reconcile("web")
        #expect(result == .requeue)
        #expect(h.fake.objects(Deployment.self).isEmpty)
        let app = h.app("web")
        #expect(app?.status?.phase == .queued)
        #expect(condition(app, "Reconciling")?.reason == "ResolvingImage")
        #expect(condition(app, "Reconciling")?.message?.contains("404 Not Found") == true)
    }

    @Test func theDatabaseResourceIsCreatedAndWaitedForThenItsSecretReachesThePods() async throws {
        let h = AppDeploymentReconcilerHarness(served: false, digests: ["ghcr.io/acme/web:1.4": Self.digest])
        var spec = Self.spec(replicas: 1, autoscaling: false)
        spec.database = AppDeploymentSpec.Database(template: "postgres-small")
        _ = try h.fake.seed(AppDeployment(metadata: ObjectMeta(name: "web", namespace: h.namespace), spec: spec))
        try await h.reconcile("web")
        var resource = try #require(h.fake.object(Resource.self, name: "web-db", namespace: h.namespace))
        #expect(resource.spec.template == "postgres-small")
        #expect(h.fake.objects(Deployment.self).isEmpty, "nothing deploys before the database is ready")
        #expect(h.app("web")?.status?.phase == .provisioning)

        resource.status = ResourceStatus(
            observedGeneration: resource.metadata.generation, phase: .ready,
            credentialsSecretRef: LocalObjectReference(name: "web-db-app"))
        _ = try await h.client.replaceStatus(resource)
        try await h.reconcile("web")
        let deployment = try #require(h.fake.object(Deployment.self, name: "web", namespace: h.namespace))
        let env = deployment.spec?.template.spec?.containers.first?.env ?? []
        let url = env.first { $0.name == "DATABASE_URL" }
        #expect(url?.valueFrom?.secretKeyRef?.name == "web-db-app")
        #expect(url?.valueFrom?.secretKeyRef?.key == "uri")
        #expect(h.app("web")?.status?.database == AppDeploymentStatus.Database(resource: "web-db", secretName: "web-db-app", ready: true))
    }
}
