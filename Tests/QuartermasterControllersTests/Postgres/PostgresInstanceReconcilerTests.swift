import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

@Suite("PostgresInstance reconciler")
struct PostgresInstanceReconcilerTests {
    func condition(_ instance: PostgresInstance?, _ type: String) -> Condition? {
        instance?.status?.conditions?.first { $0.type == type }
    }

    static let secretNames = ["pg-app", "pg-ca", "pg-pooler", "pg-replication", "pg-server"]

    /// Creates `pg` and brings it to Ready with `instances` instances (pg-1 primary).
    func ready(_ h: PostgresInstanceReconcilerHarness, instances: Int = 1) async throws {
        try h.create { $0.instances = instances }
        try await h.reconcile()
        try await h.runPod("pg-1", ip: "10.0.0.1")
        h.reports.set("10.0.0.1", InstanceReport(pod: "pg-1", role: "primary", ready: true, postgresVersion: 16))
        try await h.reconcile()
        for serial in stride(from: 2, through: instances, by: 1) {
            try await h.runPod("pg-\(serial)", ip: "10.0.0.\(serial)")
            h.reports.set("10.0.0.\(serial)", InstanceReport(pod: "pg-\(serial)", role: "replica", ready: true, streaming: true))
        }
        try await h.reconcile()
    }

    @Test("the first reconcile creates the Secrets, the objects and the primary's pod and claim")
    func firstReconcile() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create { $0.instances = 2 }
        let result = try await h.reconcile()
        #expect(result == .requeueAfter(PostgresInstanceReconciler.notReadyPollInterval))

        #expect(h.fake.objects(Secret.self).compactMap(\.metadata.name) == Self.secretNames)
        let uid = try #require(h.instance()?.metadata.uid)
        for secret in h.fake.objects(Secret.self) {
            #expect(secret.metadata.isControlled(byUID: uid))
            #expect(secret.metadata.labels?["quartermaster.dev/postgres-instance"] == "pg")
        }
        let app = try #require(h.secret("pg-app"))
        let password = try #require(app.decodedString("password"))
        #expect(PostgresPassword.isGenerated(password))
        #expect(app.decodedString("uri") == "postgresql://app:\(password)@pg-rw.ns.svc:5432/app?sslmode=verify-full")
        let ca = try #require(h.secret("pg-ca")?.decodedString("ca.crt"))
        #expect(app.decodedString("ca.crt") == ca)
        let server = try #require(h.secret("pg-server")?.decodedString("tls.crt"))
        #expect(WebhookCertificateIssuer.isSigned(server, by: ca))
        #expect(try WebhookCertificateIssuer.facts(of: server).dnsNames.contains("pg-rw.ns.svc"))
        #expect(h.secret("pg-pooler")?.decodedString("password").map(PostgresPassword.isGenerated) == true)

        // Only the primary's pod until it reports ready; both claims.
        #expect(h.fake.objects(Pod.self).compactMap(\.metadata.name) == ["pg-1"])
        #expect(h.fake.objects(PersistentVolumeClaim.self).compactMap(\.metadata.name) == ["pg-1", "pg-2"])
        #expect(h.fake.objects(Service.self).compactMap(\.metadata.name) == ["pg-headless", "pg-r", "pg-ro", "pg-rw"])
        #expect(h.fake.object(ServiceAccount.self, name: "pg", namespace: "ns") != nil)
        #expect(h.fake.object(Role.self, name: "pg-instance", namespace: "ns") != nil)
        #expect(h.fake.object(RoleBinding.self, name: "pg-instance", namespace: "ns") != nil)
        #expect(h.fake.object(NetworkPolicy.self, name: "pg", namespace: "ns") != nil)
        #expect(h.fake.objects(PodDisruptionBudget.self).isEmpty, "v1.20-like discovery: policy/v1 not served")

        let instance = h.instance()
        #expect(instance?.status?.phase == .provisioning)
        #expect(instance?.status?.targetPrimary == "pg-1")
        #expect(instance?.status?.currentPrimary == nil)
        #expect(instance?.status?.credentialsSecretRef?.name == "pg-app")
        #expect(condition(instance, "PodDisruptionBudget")?.reason == "NotServed")
        #expect(condition(instance, "Stalled")?.status == .false)
    }

    @Test("reports make it Ready with its current primary, and a converged reconcile writes nothing")
    func readyThenQuiet() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try await ready(h, instances: 2)
        let instance = h.instance()
        #expect(instance?.status?.phase == .ready)
        #expect(instance?.status?.currentPrimary == "pg-1")
        #expect(instance?.status?.readyInstances == 2)
        #expect(instance?.status?.postgresVersion == 16)
        #expect(condition(instance, "Ready")?.status == .true)
        #expect(h.pod("pg-2")?.metadata.labels?["quartermaster.dev/role"] == "replica")

        let before = await h.writes().count
        let result = try await h.reconcile()
        #expect(result == .requeueAfter(PostgresInstanceReconciler.readyPollInterval))
        #expect(await h.writes().count == before, "converged: no write")
    }

    @Test("a Secret missing from the cache is read from the API server, never generated again")
    func secretsNotRegeneratedOnCacheMiss() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create()
        try await h.reconcile()
        let before = Dictionary(uniqueKeysWithValues: h.fake.objects(Secret.self).map { ($0.metadata.name ?? "", $0.data) })
        let writes = await h.writes().count
        h.refreshCaches()
        h.secrets.replaceAll([])  // the cache lags: no Secret in it
        try await h.reconcile(refreshingCaches: false)
        let after = Dictionary(uniqueKeysWithValues: h.fake.objects(Secret.self).map { ($0.metadata.name ?? "", $0.data) })
        #expect(after == before)
        let newWrites = await h.writes().dropFirst(writes)
        #expect(!newWrites.contains { $0.path.contains("/secrets") }, "\(newWrites)")
        let gets = h.fake.requests.filter { $0.method == .get && $0.path.contains("/secrets/") }
        #expect(gets.count >= 5, "each Secret read directly")
    }

    @Test("a Secret of the instance's names that is not its own stalls it; nothing is written over it")
    func foreignSecretStalls() async throws {
        let h = PostgresInstanceReconcilerHarness()
        let foreign = try h.fake.seed(
            Secret(metadata: ObjectMeta(name: "pg-app", namespace: "ns"), data: ["password": Data("theirs".utf8).base64EncodedString()]))
        try h.create()
        try await h.reconcile()
        let instance = h.instance()
        #expect(instance?.status?.phase == .failed)
        #expect(condition(instance, "Stalled")?.reason == "SecretConflict")
        #expect(h.secret("pg-app") == foreign)
        #expect(h.fake.objects(Pod.self).isEmpty)
        #expect(h.fake.objects(Service.self).isEmpty)
        #expect(!(await h.writes()).contains { $0.method == .put && $0.path.hasSuffix("/secrets/pg-app") })
    }

    @Test("parameters the operator controls stall it before anything is created")
    func invalidParametersStall() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create {
            $0.parameters = ["port": "5433", "work_mem": "64MB"]
            $0.pgHBA = ["host all all 0.0.0.0/0 trust"]
        }
        try await h.reconcile()
        let instance = h.instance()
        #expect(instance?.status?.phase == .failed)
        #expect(condition(instance, "Stalled")?.reason == "InvalidParameters")
        let message = condition(instance, "Stalled")?.message ?? ""
        #expect(message.contains("parameters.port"), "\(message)")
        #expect(!message.contains("work_mem"), "\(message)")
        #expect(message.contains("trust"), "\(message)")
        #expect(h.fake.objects(Secret.self).isEmpty)
        #expect(h.fake.objects(Pod.self).isEmpty)
        #expect(h.fake.objects(PersistentVolumeClaim.self).isEmpty)
        let writes = await h.writes()
        #expect(writes.map(\.method) == [.put], "only the status: \(writes)")
    }

    @Test("an unknown enum value stalls it as InvalidSpec")
    func unknownValueStalls() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create()
        _ = try await h.client.mergePatch(
            PostgresInstance.self, name: "pg", namespace: h.namespace, patch: ["spec": ["pvcRetention": "Keep"]])
        try await h.reconcile()
        #expect(condition(h.instance(), "Stalled")?.reason == "InvalidSpec")
        #expect(h.fake.objects(Pod.self).isEmpty)
    }

    @Test("a major version change stalls it and changes nothing")
    func majorVersionChangeStalls() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try await ready(h)
        try await h.editSpec { $0.postgresVersion = 17 }
        let before = await h.writes().count
        let pod = h.pod("pg-1")
        try await h.reconcile()
        let instance = h.instance()
        #expect(instance?.status?.phase == .failed)
        #expect(condition(instance, "Stalled")?.reason == "MajorVersionChange")
        #expect(condition(instance, "Stalled")?.observedGeneration == instance?.metadata.generation)
        #expect(instance?.status?.postgresVersion == 16)
        #expect(h.pod("pg-1") == pod)
        let writes = await h.writes().dropFirst(before)
        #expect(writes.map(\.method) == [.put], "only the status: \(writes)")
    }

    @Test("scale up adds serials after the highest; scale down removes the highest replica and its claim")
    func scaleUpAndDown() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try await ready(h)
        try await h.editSpec { $0.instances = 3 }
        try await h.reconcile()
        #expect(h.fake.objects(Pod.self).compactMap(\.metadata.name) == ["pg-1", "pg-2", "pg-3"])
        #expect(h.fake.objects(PersistentVolumeClaim.self).compactMap(\.metadata.name) == ["pg-1", "pg-2", "pg-3"])
        try await h.runPod("pg-2", ip: "10.0.0.2")
        try await h.runPod("pg-3", ip: "10.0.0.3")
        h.reports.set("10.0.0.2", InstanceReport(pod: "pg-2", role: "replica", ready: true, streaming: true))
        h.reports.set("10.0.0.3", InstanceReport(pod: "pg-3", role: "replica", ready: true, streaming: true))
        try await h.reconcile()
        #expect(h.instance()?.status?.phase == .ready)

        try await h.editSpec { $0.instances = 2 }
        try await h.reconcile()
        #expect(h.fake.objects(Pod.self).compactMap(\.metadata.name) == ["pg-1", "pg-2"])
        #expect(h.fake.objects(PersistentVolumeClaim.self).compactMap(\.metadata.name) == ["pg-1", "pg-2"])
        try await h.editSpec { $0.instances = 3 }
        try await h.reconcile()
        #expect(h.fake.objects(Pod.self).compactMap(\.metadata.name) == ["pg-1", "pg-2", "pg-3"])
    }

    @Test("a changed pod spec replaces the replicas first, one at a time, then the primary")
    func specChangeReplacesPods() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try await ready(h, instances: 2)
        try await h.editSpec { $0.image = "example.org/postgres:16.9" }
        try await h.reconcile()
        #expect(h.pod("pg-2") == nil, "the replica goes first")
        #expect(h.pod("pg-1")?.spec?.containers.first?.image == "ghcr.io/quartermaster-dev/postgres:16")
        try await h.reconcile()
        #expect(h.pod("pg-2")?.spec?.containers.first?.image == "example.org/postgres:16.9")
        #expect(h.pod("pg-1") != nil, "the primary waits for the replica")
        try await h.runPod("pg-2", ip: "10.0.0.2")
        try await h.reconcile()
        #expect(h.pod("pg-1") == nil)
        try await h.reconcile()
        #expect(h.pod("pg-1")?.spec?.containers.first?.image == "example.org/postgres:16.9")
    }

    @Test("scrape annotations are kept on existing pods in place: added to a pod made without them, removed with metrics off, then quiet")
    func scrapeAnnotationsArePatchedInPlace() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try await ready(h, instances: 1)
        // A pod made by an operator that did not annotate (same spec hash: not replaced).
        _ = try await h.client.mergePatch(
            Pod.self, name: "pg-1", namespace: h.namespace,
            patch: ["metadata": ["annotations": ["prometheus.io/scrape": .null, "prometheus.io/port": .null, "prometheus.io/path": .null]]])
        #expect(h.pod("pg-1")?.metadata.annotations?["prometheus.io/port"] == nil)
        let uid = h.pod("pg-1")?.metadata.uid
        let before = await h.writes().count
        try await h.reconcile()
        let writes = await h.writes().dropFirst(before)
        #expect(writes.map(\.method) == [.patch], "one merge patch of the pod's metadata: \(writes.map(\.path))")
        #expect(h.pod("pg-1")?.metadata.uid == uid, "the pod is kept")
        #expect(h.pod("pg-1")?.metadata.annotations?["prometheus.io/port"] == "9187")
        #expect(h.pod("pg-1")?.metadata.annotations?["prometheus.io/scrape"] == "true")
        let converged = await h.writes().count
        try await h.reconcile()
        #expect(await h.writes().count == converged, "converged: no write")

        try await h.editSpec { $0.metrics.enabled = false }
        try await h.reconcile()
        #expect(h.pod("pg-1")?.metadata.annotations?["prometheus.io/scrape"] == nil)
    }

    @Test("suspended: pods deleted, claims and Secrets kept")
    func suspension() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try await ready(h)
        try await h.editSpec { $0.suspended = true }
        try await h.reconcile()
        #expect(h.fake.objects(Pod.self).isEmpty)
        #expect(h.fake.objects(PersistentVolumeClaim.self).count == 1)
        #expect(h.fake.objects(Secret.self).count == 5)
        try await h.reconcile()
        #expect(h.instance()?.status?.phase == .suspended)
    }

    @Test("the app Secret is copied only where the namespace accepts it, and removed when no longer allowed")
    func secretCopies() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.fake.seed(Namespace(metadata: ObjectMeta(name: "web", annotations: [PostgresSecretCopies.acceptAnnotation: "ns/*"])))
        try h.fake.seed(Namespace(metadata: ObjectMeta(name: "other")))
        let foreign = try h.fake.seed(Secret(metadata: ObjectMeta(name: "pg-app", namespace: "mine")))
        try h.fake.seed(Namespace(metadata: ObjectMeta(name: "mine", annotations: [PostgresSecretCopies.acceptAnnotation: "ns/pg"])))
        try h.create { $0.secretNamespaces = ["web", "other", "mine"] }
        try await h.reconcile()
        #expect(h.instance()?.metadata.finalizers == [PostgresInstanceReconciler.secretCopiesFinalizer])
        let copy = try #require(h.secret("pg-app", namespace: "web"))
        #expect(copy.data == h.secret("pg-app")?.data)
        #expect(copy.metadata.annotations?[PostgresSecretCopies.sourceAnnotation] == "ns/pg")
        #expect(copy.metadata.ownerReferences == nil)
        #expect(h.secret("pg-app", namespace: "other") == nil)
        #expect(h.secret("pg-app", namespace: "mine") == foreign)
        #expect(condition(h.instance(), "SecretCopies")?.reason == "CopyConflict")
        #expect(condition(h.instance(), "SecretCopies")?.message?.contains("mine") == true)

        // Converged: no copy written again.
        let before = await h.writes().count
        try await h.reconcile()
        let again = await h.writes().dropFirst(before)
        #expect(again.isEmpty, "\(again)")

        _ = try await h.client.mergePatch(
            Namespace.self, name: "web", patch: ["metadata": ["annotations": [PostgresSecretCopies.acceptAnnotation: .null]]])
        try await h.reconcile()
        #expect(h.secret("pg-app", namespace: "web") == nil)
    }
}

@Suite("PostgresInstance reconciler: retention, refusals, deletion")
struct PostgresInstanceReconcilerLifecycleTests {
    @Test("pvcRetention Delete owns the claims, Retain releases them")
    func claimOwnershipFollowsRetention() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create()
        try await h.reconcile()
        let uid = try #require(h.instance()?.metadata.uid)
        #expect(h.fake.object(PersistentVolumeClaim.self, name: "pg-1", namespace: "ns")?.metadata.ownerReferences == nil)
        try await h.editSpec { $0.pvcRetention = .delete }
        try await h.reconcile()
        #expect(h.fake.object(PersistentVolumeClaim.self, name: "pg-1", namespace: "ns")?.metadata.isControlled(byUID: uid) == true)
        try await h.editSpec { $0.pvcRetention = .retain }
        try await h.reconcile()
        #expect(h.fake.object(PersistentVolumeClaim.self, name: "pg-1", namespace: "ns")?.metadata.ownerReferences == nil)
    }

    @Test("a larger storage size grows each claim in place; a smaller one is not applied")
    func claimsGrowButNeverShrink() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create()
        try await h.reconcile()
        func size() -> Quantity? {
            h.fake.object(PersistentVolumeClaim.self, name: "pg-1", namespace: "ns")?.spec?.resources?.requests?["storage"]
        }
        let initial = try #require(size())
        try await h.editSpec { $0.storage.size = "50Gi" }
        try await h.reconcile()
        #expect(size() == Quantity(parsing: "50Gi"))
        try await h.editSpec { $0.storage.size = "1Gi" }
        let before = await h.writes().count
        try await h.reconcile()
        #expect(size() == Quantity(parsing: "50Gi"))
        let claimWrites = await h.writes().dropFirst(before).filter { $0.path.contains("persistentvolumeclaims") }
        #expect(claimWrites.isEmpty, "\(claimWrites)")
        #expect(initial != Quantity(parsing: "50Gi"))
    }

    @Test("a pod the API server refuses stalls the instance with the refusal's class and requeues")
    func refusedPodStalls() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.create()
        h.fake.failNext(.post, pathPrefix: "/api/v1/namespaces/ns/pods", status: 403)
        let result = try await h.reconcile()
        #expect(result == .requeue)
        let stalled = h.instance()?.status?.conditions?.first { $0.type == "Stalled" }
        #expect(stalled?.status == .true)
        #expect(stalled?.reason == "Forbidden")
        try await h.reconcile()
        #expect(h.pod("pg-1") != nil)
        #expect(h.instance()?.status?.conditions?.first { $0.type == "Stalled" }?.status == .false)
    }

    @Test("deleting the instance deletes its Secret copies, then lets it go")
    func deletionRemovesCopies() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try h.fake.seed(Namespace(metadata: ObjectMeta(name: "web", annotations: [PostgresSecretCopies.acceptAnnotation: "ns/pg"])))
        try h.create { $0.secretNamespaces = ["web"] }
        try await h.reconcile()
        #expect(h.secret("pg-app", namespace: "web") != nil)
        try await h.client.delete(PostgresInstance.self, name: "pg", namespace: "ns")
        #expect(h.instance()?.metadata.deletionTimestamp != nil)
        try await h.reconcile()
        #expect(h.secret("pg-app", namespace: "web") == nil)
        #expect(h.instance() == nil, "finalizer removed, deletion completed")
    }
}
