import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

enum PostgresSamples {
    static func instance(
        _ name: String = "pg", namespace: String = "ns", uid: String = "uid-pg", generation: Int64 = 1,
        _ change: (inout PostgresInstanceSpec) -> Void = { _ in }
    ) -> PostgresInstance {
        var spec = PostgresInstanceSpec()
        change(&spec)
        var meta = ObjectMeta(name: name, namespace: namespace)
        meta.uid = uid
        meta.generation = generation
        return PostgresInstance(metadata: meta, spec: spec)
    }

    static let settings = PostgresInstanceDesiredState.Settings(
        operatorImage: "ghcr.io/quartermaster-dev/quartermaster:test", operatorNamespace: "qm-system")
}

@Suite struct PostgresInstanceDesiredStateTests {
    func compute(
        _ instance: PostgresInstance, _ observation: PostgresInstanceObservation = .init()
    ) throws -> PostgresInstanceDesiredObjects {
        try PostgresInstanceDesiredState.compute(instance: instance, observation: observation, settings: PostgresSamples.settings)
    }

    @Test func newInstanceGetsTheContractsObjects() throws {
        let d = try compute(PostgresSamples.instance())
        #expect(d.targetPrimary == "pg-1")
        #expect(d.pods.map(\.metadata.name) == ["pg-1"])
        #expect(d.claims.map(\.metadata.name) == ["pg-1"])
        #expect(d.services.map(\.metadata.name) == ["pg-rw", "pg-ro", "pg-r", "pg-headless"])
        #expect(d.networkPolicies.map(\.metadata.name) == ["pg"])
        #expect(d.serviceAccount.metadata.name == "pg")
        #expect(d.role.metadata.name == "pg-instance")
        #expect(d.roleBinding.metadata.name == "pg-instance")
        #expect(d.poolerDeployment == nil)
        #expect(d.podDisruptionBudget == nil)

        let pod = try #require(d.pods.first)
        let labels = pod.metadata.labels ?? [:]
        #expect(labels["app.kubernetes.io/name"] == "postgresql")
        #expect(labels["app.kubernetes.io/instance"] == "pg")
        #expect(labels["app.kubernetes.io/managed-by"] == "quartermaster")
        #expect(labels["quartermaster.dev/postgres-instance"] == "pg")
        #expect(labels["quartermaster.dev/instance-name"] == "pg-1")
        #expect(labels["quartermaster.dev/role"] == "primary")
        #expect(pod.metadata.controllerReference?.uid == "uid-pg")
        let spec = try #require(pod.spec)
        #expect(pod.metadata.annotations?[PostgresInstanceDesiredState.podSpecHashAnnotation] == PostgresInstanceDesiredState.hash(of: spec))
        #expect(spec.serviceAccountName == "pg")
        #expect(spec.automountServiceAccountToken == false)
        #expect(spec.terminationGracePeriodSeconds == 60)
        #expect(spec.securityContext == PodSecurityContext(
            runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: SeccompProfile(type: "RuntimeDefault")))
        let bootstrap = try #require(spec.initContainers?.first)
        #expect(bootstrap.name == "bootstrap")
        #expect(bootstrap.image == "ghcr.io/quartermaster-dev/quartermaster:test")
        #expect(bootstrap.command == ["/quartermaster", "instance", "install", "/controller/quartermaster"])
        let postgres = try #require(spec.containers.first)
        #expect(postgres.name == "postgres")
        #expect(postgres.image == "ghcr.io/quartermaster-dev/postgres:16")
        #expect(postgres.command == ["/controller/quartermaster", "instance", "run"])
        #expect(postgres.args == [
            "--cluster", "pg", "--pgdata", "/var/lib/postgresql/data/pgdata", "--bin-dir", "/usr/lib/postgresql/16/bin",
            "--run-dir", "/controller/run", "--secrets-dir", "/etc/quartermaster", "--service-account-dir",
            "/var/run/secrets/kubernetes.io/serviceaccount",
        ])
        #expect(postgres.env?.map(\.name) == ["POD_NAME", "POD_NAMESPACE", "POD_IP"])
        #expect(postgres.env?.last?.valueFrom?.fieldRef?.fieldPath == "status.podIP")
        #expect(postgres.ports?.map(\.containerPort) == [5432, 8000, 9187])
        #expect(postgres.ports?.map(\.name) == ["postgres", "status", "metrics"])
        #expect(postgres.readinessProbe?.httpGet?.path == "/readyz")
        #expect(postgres.livenessProbe?.httpGet?.path == "/healthz")
        #expect(postgres.livenessProbe?.failureThreshold == 6)
        #expect(postgres.livenessProbe?.periodSeconds == 10)
        #expect(postgres.securityContext?.allowPrivilegeEscalation == false)
        #expect(postgres.securityContext?.capabilities?.drop == ["ALL"])
        let mounts = Dictionary(uniqueKeysWithValues: (postgres.volumeMounts ?? []).map { ($0.name, $0.mountPath) })
        #expect(mounts == [
            "pgdata": "/var/lib/postgresql/data", "controller": "/controller", "secrets": "/etc/quartermaster",
            "serviceaccount": "/var/run/secrets/kubernetes.io/serviceaccount",
        ])
        let volumes = Dictionary(uniqueKeysWithValues: (spec.volumes ?? []).map { ($0.name, $0) })
        #expect(volumes["pgdata"]?.persistentVolumeClaim?.claimName == "pg-1")
        // One projected volume holds every Secret's files, each under its own directory.
        let secrets = try #require(volumes["secrets"]?.projected?.value(at: "sources")?.arrayValue)
        let files = secrets.flatMap { source -> [String] in
            let name = source.value(at: "secret", "name")?.stringValue ?? "?"
            return (source.value(at: "secret", "items")?.arrayValue ?? []).map {
                "\(name):\($0.value(at: "key")?.stringValue ?? "?")→\($0.value(at: "path")?.stringValue ?? "?")"
            }
        }
        #expect(files == [
            "pg-server:tls.crt→server/tls.crt", "pg-server:tls.key→server/tls.key", "pg-server:ca.crt→server/ca.crt",
            "pg-replication:tls.crt→replication/tls.crt", "pg-replication:tls.key→replication/tls.key",
            "pg-replication:ca.crt→replication/ca.crt", "pg-app:username→app/username", "pg-app:password→app/password",
            "pg-pooler:password→pooler/password",
        ])
        #expect(volumes["controller"]?.emptyDir != nil)
        let projected = try #require(volumes["serviceaccount"]?.projected)
        #expect(projected.value(at: "sources")?.arrayValue?.count == 3)
        #expect(projected.value(at: "sources")?.arrayValue?.first?.value(at: "serviceAccountToken", "expirationSeconds") == 3607)

        let claim = try #require(d.claims.first)
        #expect(claim.metadata.annotations?["quartermaster.dev/serial"] == "1")
        #expect(claim.metadata.ownerReferences == nil)  // Retain
        #expect(claim.spec?.resources?.requests?["storage"] == "10Gi")
    }

    @Test func servicesSelectRolesAndTheHeadlessServesStatus() throws {
        let d = try compute(PostgresSamples.instance { $0.exposure.type = .loadBalancer })
        let byName = Dictionary(uniqueKeysWithValues: d.services.map { ($0.metadata.name ?? "", $0) })
        #expect(byName["pg-rw"]?.spec?.type == "LoadBalancer")
        #expect(byName["pg-rw"]?.spec?.selector?["quartermaster.dev/role"] == "primary")
        #expect(byName["pg-ro"]?.spec?.type == "ClusterIP")
        #expect(byName["pg-ro"]?.spec?.selector?["quartermaster.dev/role"] == "replica")
        #expect(byName["pg-r"]?.spec?.selector?["quartermaster.dev/role"] == nil)
        #expect(byName["pg-headless"]?.spec?.clusterIP == "None")
        #expect(byName["pg-headless"]?.spec?.ports?.map(\.port) == [5432, 8000])
        for service in d.services { #expect(service.spec?.ports?.first?.name == "postgres") }
        // A LoadBalancer rw Service takes 5432 from anywhere; 8000 only from the operator.
        let rules = try #require(d.networkPolicies.first?.spec?.ingress)
        #expect(rules[0].from == nil)
        #expect(rules[1].from?.first?.namespaceSelector?.matchExpressions?.first?.values == ["qm-system"])
    }

    @Test func walStoragePoolerAndMoreInstances() throws {
        let d = try compute(PostgresSamples.instance {
            $0.instances = 3
            $0.walStorage = .init(size: "2Gi", storageClassName: "fast")
            $0.pooler.enabled = true
            $0.pvcRetention = .delete
            $0.allowedNamespaces = ["web", "ns"]
        })
        #expect(d.claims.map(\.metadata.name) == ["pg-1", "pg-1-wal", "pg-2", "pg-2-wal", "pg-3", "pg-3-wal"])
        #expect(d.claims[1].spec?.storageClassName == "fast")
        #expect(d.claims.allSatisfy { $0.metadata.controllerReference?.uid == "uid-pg" })
        #expect(d.pods.map { $0.metadata.labels?["quartermaster.dev/role"] } == ["primary", "replica", "replica"])
        let args = try #require(d.pods.first?.spec?.containers.first?.args)
        #expect(Array(args.suffix(2)) == ["--wal-dir", "/var/lib/postgresql/wal/pg_wal"])
        #expect(d.pods.first?.spec?.containers.first?.volumeMounts?.contains { $0.name == "pgwal" && $0.mountPath == "/var/lib/postgresql/wal" } == true)
        let pooler = try #require(d.poolerDeployment)
        #expect(pooler.metadata.name == "pg-pooler")
        #expect(pooler.spec?.replicas == 2)
        let container = try #require(pooler.spec?.template.spec?.containers.first)
        #expect(container.name == "pgbouncer")
        #expect(container.image == PostgresImage.pgbouncer)
        #expect(container.command == ["/controller/quartermaster", "instance", "pooler"])
        #expect(container.resources?.limits?["memory"] == "128Mi")
        #expect(pooler.spec?.template.spec?.initContainers?.first?.resources == container.resources)
        #expect(d.services.map(\.metadata.name).last == "pg-pooler")
        #expect(d.networkPolicies.map(\.metadata.name) == ["pg", "pg-pooler"])
        let pdb = try #require(d.podDisruptionBudget)
        #expect(pdb.metadata.name == "pg-primary")
        #expect(pdb.spec?.minAvailable == .int(1))
        #expect(pdb.spec?.selector?.matchLabels?["quartermaster.dev/role"] == "primary")
        let allowed = d.networkPolicies[0].spec?.ingress?[0].from?.last?.namespaceSelector?.matchExpressions?.first?.values
        #expect(allowed == ["web"])
    }

    @Test func rolesFollowReportsAndScaleDownRemovesAReplica() throws {
        let instance = PostgresSamples.instance { $0.instances = 2 }
        var withStatus = instance
        withStatus.status = PostgresInstanceStatus()
        withStatus.status?.targetPrimary = "pg-2"
        let d = try compute(
            withStatus,
            PostgresInstanceObservation(
                pods: [.init(name: "pg-1", serial: 1), .init(name: "pg-2", serial: 2), .init(name: "pg-3", serial: 3)],
                claimSerials: [1, 2, 3],
                reports: ["pg-2": InstanceReport(pod: "pg-2", role: "primary", ready: true),
                          "pg-1": InstanceReport(pod: "pg-1", role: "replica", ready: true)]))
        #expect(d.targetPrimary == "pg-2")
        #expect(d.pods.map(\.metadata.name) == ["pg-1", "pg-2"])
        #expect(d.pods.map { $0.metadata.labels?["quartermaster.dev/role"] } == ["replica", "primary"])
        #expect(d.removedPods == ["pg-3"])
        #expect(d.removedClaims == ["pg-3", "pg-3-wal"])
    }

    @Test func suspendedHasNoPodsNoPoolerButKeepsClaims() throws {
        let d = try compute(PostgresSamples.instance {
            $0.suspended = true
            $0.instances = 2
            $0.pooler.enabled = true
        }, PostgresInstanceObservation(claimSerials: [1, 2]))
        #expect(d.pods.isEmpty)
        #expect(d.poolerDeployment == nil)
        #expect(d.podDisruptionBudget == nil)
        #expect(d.claims.map(\.metadata.name) == ["pg-1", "pg-2"])
        #expect(d.removedPods.isEmpty)
    }

    @Test func podSpecHashChangesWithTheSpecNotTheRole() throws {
        let a = try compute(PostgresSamples.instance()).pods[0]
        let b = try compute(PostgresSamples.instance { $0.postgresVersion = 16 }, PostgresInstanceObservation(
            reports: ["pg-1": InstanceReport(pod: "pg-1", role: "replica", ready: true)])).pods[0]
        let c = try compute(PostgresSamples.instance { $0.image = "example.org/postgres:16.4" }).pods[0]
        let key = PostgresInstanceDesiredState.podSpecHashAnnotation
        #expect(a.metadata.annotations?[key] == b.metadata.annotations?[key])
        #expect(b.metadata.labels?["quartermaster.dev/role"] == "replica")
        #expect(a.metadata.annotations?[key] != c.metadata.annotations?[key])
    }
}

@Suite struct PostgresInstanceQuotaObjectsTests {
    @Test func everySerialsPodAndClaimAndTheSecrets() throws {
        let objects = try PostgresInstanceDesiredState.quotaObjects(
            for: PostgresSamples.instance {
                $0.instances = 3
                $0.walStorage = .init(size: "1Gi")
                $0.pooler.enabled = true
            })
        func names<T: KubeResource>(_ type: T.Type) -> [String] {
            objects.compactMap { $0 as? T }.compactMap(\.metadata.name)
        }
        #expect(names(Pod.self) == ["pg-1", "pg-2", "pg-3"])
        #expect(names(PersistentVolumeClaim.self) == ["pg-1", "pg-1-wal", "pg-2", "pg-2-wal", "pg-3", "pg-3-wal"])
        #expect(names(Secret.self) == ["pg-app", "pg-ca", "pg-server", "pg-replication", "pg-pooler"])
        #expect(names(Deployment.self) == ["pg-pooler"])
        #expect(names(Service.self).count == 5)
        let suspended = try PostgresInstanceDesiredState.quotaObjects(for: PostgresSamples.instance { $0.suspended = true })
        #expect(suspended.compactMap { $0 as? Pod }.isEmpty)
    }
}

/// What makes an instance's metrics scrapeable (``WorkloadMonitoring``).
@Suite struct PostgresInstanceMonitoringTests {
    @Test func instancePodsCarryTheScrapeAnnotationsAndAdmitTheMonitoringNamespaces() throws {
        var settings = PostgresSamples.settings
        settings.monitoringNamespaces = ["monitoring"]
        let d = try PostgresInstanceDesiredState.compute(instance: PostgresSamples.instance(), observation: .init(), settings: settings)
        let annotations = try #require(d.pods.first?.metadata.annotations)
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/port"] == "9187")
        #expect(annotations["prometheus.io/path"] == "/metrics")
        let rules = try #require(d.networkPolicies.first?.spec?.ingress)
        let metrics = try #require(rules.first { $0.ports == [NetworkPolicyPort(protocol: "TCP", port: .int(9187))] })
        #expect(metrics.from == [
            NetworkPolicyPeer(podSelector: LabelSelector()),
            NetworkPolicyPeer(namespaceSelector: LabelSelector(matchExpressions: [
                .init(key: "kubernetes.io/metadata.name", operator: .in, values: ["monitoring"])
            ])),
        ])
        // Only the metrics port admits them.
        for rule in rules where rule != metrics {
            #expect(rule.from?.contains { $0.namespaceSelector?.matchExpressions?.first?.values == ["monitoring"] } != true)
        }

        // The pooler: /metrics on 9127, annotated, admitted the same way.
        let pooled = try PostgresInstanceDesiredState.compute(
            instance: PostgresSamples.instance { $0.pooler.enabled = true }, observation: .init(), settings: settings)
        let pooler = try #require(pooled.poolerDeployment?.spec?.template)
        #expect(pooler.metadata?.annotations?["prometheus.io/port"] == "9127")
        let pgbouncer = try #require(pooler.spec?.containers.first)
        #expect(pgbouncer.ports?.contains(ContainerPort(name: "metrics", containerPort: 9127)) == true)
        #expect(pgbouncer.args?.suffix(2) == ["--metrics-port", "9127"])
        let poolerRule = try #require(
            pooled.networkPolicies.first { $0.metadata.name == "pg-pooler" }?.spec?.ingress?.first {
                $0.ports == [NetworkPolicyPort(protocol: "TCP", port: .int(9127))]
            })
        #expect(poolerRule.from == metrics.from)

        let off = try PostgresInstanceDesiredState.compute(
            instance: PostgresSamples.instance { $0.metrics.enabled = false }, observation: .init(), settings: settings)
        #expect(off.pods.first?.metadata.annotations?["prometheus.io/scrape"] == nil)
        #expect(off.networkPolicies.first?.spec?.ingress?.contains { $0.ports == [NetworkPolicyPort(protocol: "TCP", port: .int(9187))] } == false)
    }
}
