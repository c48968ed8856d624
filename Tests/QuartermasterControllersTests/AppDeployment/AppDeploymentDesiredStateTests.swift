import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

enum AppDeploymentSamples {
    static let digestA = "ghcr.io/acme/web@sha256:" + String(repeating: "a", count: 64)
    static let digestB = "ghcr.io/acme/web@sha256:" + String(repeating: "b", count: 64)
    static let owner = OwnerReference(
        apiVersion: "quartermaster.dev/v1alpha1", kind: "Deployment", name: "web", uid: "uid-web", controller: true,
        blockOwnerDeletion: true)

    static func spec(_ change: (inout AppDeploymentSpec) -> Void = { _ in }) -> AppDeploymentSpec {
        var spec = AppDeploymentSpec(image: "ghcr.io/acme/web:1.4")
        change(&spec)
        return spec
    }

    static func context(
        image: String = digestA, revision: Int = 3, _ change: (inout AppDeploymentSpec) -> Void = { _ in },
        edit: (inout AppDeploymentContext) -> Void = { _ in }
    ) -> AppDeploymentContext {
        var context = AppDeploymentContext(
            name: "web", namespace: "team-a", owner: owner, spec: spec(change), image: image, revision: revision)
        edit(&context)
        return context
    }
}

@Suite struct AppDeploymentDesiredStateTests {
    typealias S = AppDeploymentSamples

    func compute(_ context: AppDeploymentContext) throws -> AppDeploymentDesiredObjects {
        try AppDeploymentDesiredState.compute(context)
    }

    func container(_ d: AppDeploymentDesiredObjects) throws -> Container {
        try #require(d.deployment.spec?.template.spec?.containers.first)
    }

    @Test func minimalSpecGetsTheContractsObjects() throws {
        let d = try compute(S.context())
        #expect(d.all.map { "\(type(of: $0).resource.kind)/\($0.metadata.name ?? "")" } == [
            "Deployment/web", "Service/web", "NetworkPolicy/web",
        ])
        for object in d.all {
            #expect(object.metadata.namespace == "team-a")
            #expect(object.metadata.labels == [
                "app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "quartermaster",
                "quartermaster.dev/deployment": "web",
            ])
            #expect(object.metadata.ownerReferences == [S.owner])
        }
        #expect(d.ingress == nil && d.horizontalPodAutoscaler == nil && d.podDisruptionBudget == nil)
        #expect(d.persistentVolumeClaim == nil && d.database == nil)

        let spec = try #require(d.deployment.spec)
        #expect(d.deployment.apiVersion == "apps/v1")
        #expect(spec.replicas == 1)
        #expect(spec.selector == LabelSelector(matchLabels: [
            "app.kubernetes.io/name": "web", "quartermaster.dev/deployment": "web",
        ]))
        #expect(spec.selector.matches(spec.template.metadata?.labels ?? [:]))
        #expect(spec.progressDeadlineSeconds == 600)
        #expect(spec.revisionHistoryLimit == AppDeploymentDesiredState.appsRevisionHistoryLimit)
        #expect(spec.strategy == DeploymentStrategy(type: "RollingUpdate", rollingUpdate: .init(maxUnavailable: 0, maxSurge: 1)))
        #expect(spec.template.metadata?.annotations == ["quartermaster.dev/revision": "3"])

        let pod = try #require(spec.template.spec)
        #expect(pod.volumes == nil && pod.imagePullSecrets == nil && pod.nodeSelector == nil)
        let c = try container(d)
        #expect(c.name == "app")
        #expect(c.image == S.digestA && c.imagePullPolicy == "IfNotPresent")
        #expect(c.command == nil && c.args == nil && c.env == nil && c.envFrom == nil && c.volumeMounts == nil)
        #expect(c.ports == [ContainerPort(name: "http", containerPort: 8080)])
        #expect(c.resources == ResourceRequirements(
            limits: ["cpu": "500m", "memory": "256Mi"], requests: ["cpu": "100m", "memory": "128Mi"]))
        for probe in [c.readinessProbe, c.livenessProbe, c.startupProbe] {
            #expect(probe?.tcpSocket == TCPSocketAction(port: 8080))
            #expect(probe?.httpGet == nil)
        }

        let service = try #require(d.service.spec)
        #expect(service.type == "ClusterIP")
        #expect(service.ports == [ServicePort(name: "http", port: 8080, targetPort: 8080)])
        #expect(service.selector == spec.selector.matchLabels)
    }

    @Test func podIsRestricted() throws {
        for context in [S.context(), S.context { $0.volume = .init(size: "1Gi", mountPath: "/data") }] {
            let pod = try #require(try compute(context).deployment.spec?.template.spec)
            #expect(pod.automountServiceAccountToken == false)
            #expect(pod.enableServiceLinks == false)
            #expect(pod.securityContext?.runAsNonRoot == true)
            #expect(pod.securityContext?.seccompProfile == SeccompProfile(type: "RuntimeDefault"))
            #expect(pod.securityContext?.runAsUser == nil, "the image's own non-root user")
            for c in pod.containers + (pod.initContainers ?? []) {
                let s = try #require(c.securityContext)
                #expect(s.runAsNonRoot == true)
                #expect(s.allowPrivilegeEscalation == false)
                #expect(s.privileged == nil)
                #expect(s.capabilities == Capabilities(drop: ["ALL"]))
                #expect(s.seccompProfile == SeccompProfile(type: "RuntimeDefault"))
            }
        }
    }

    @Test func probesAreHTTPOnTheHealthPathElseTCPOnThePort() throws {
        struct Row {
            var port: Int
            var path: String?
            var http: HTTPGetAction?
            var tcp: TCPSocketAction?
        }
        let rows = [
            Row(port: 8080, path: nil, http: nil, tcp: TCPSocketAction(port: 8080)),
            Row(port: 3000, path: nil, http: nil, tcp: TCPSocketAction(port: 3000)),
            Row(port: 8080, path: "/healthz", http: HTTPGetAction(path: "/healthz", port: 8080), tcp: nil),
            Row(port: 9000, path: "/ready", http: HTTPGetAction(path: "/ready", port: 9000), tcp: nil),
        ]
        for row in rows {
            let d = try compute(
                S.context {
                    $0.port = row.port
                    $0.healthCheck = row.path.map { .init(path: $0) }
                })
            let c = try container(d)
            for probe in [c.readinessProbe, c.livenessProbe, c.startupProbe] {
                #expect(probe?.httpGet == row.http, "\(row.path ?? "tcp")")
                #expect(probe?.tcpSocket == row.tcp)
            }
            #expect(c.ports?.first?.containerPort == row.port)
            #expect(d.service.spec?.ports?.first?.port == row.port)
            // The startup probe gives the app more time than liveness before a restart.
            let startup = try #require(c.startupProbe), liveness = try #require(c.livenessProbe)
            #expect(
                (startup.periodSeconds ?? 0) * (startup.failureThreshold ?? 0)
                    > (liveness.periodSeconds ?? 0) * (liveness.failureThreshold ?? 0))
        }
    }

    @Test func resourcesAreTheSpecsParsedWithTheDefaultsWhenOmitted() throws {
        struct Row {
            var given: AppDeploymentSpec.ResourceRequirements
            var expected: ResourceRequirements
        }
        let rows = [
            Row(
                given: AppDeploymentSpec.defaultResources,
                expected: ResourceRequirements(
                    limits: ["cpu": "500m", "memory": "256Mi"], requests: ["cpu": "100m", "memory": "128Mi"])),
            Row(
                given: .init(requests: ["cpu": "250m", "memory": "1Gi"], limits: ["memory": "1Gi", "ephemeral-storage": "2Gi"]),
                expected: ResourceRequirements(
                    limits: ["memory": "1Gi", "ephemeral-storage": "2Gi"], requests: ["cpu": "250m", "memory": "1Gi"])),
            Row(given: .init(limits: ["cpu": "1"]), expected: ResourceRequirements(limits: ["cpu": "1"])),
            Row(given: .init(requests: [:], limits: [:]), expected: ResourceRequirements()),
        ]
        for row in rows {
            let c = try container(try compute(S.context { $0.resources = row.given }))
            #expect(c.resources == row.expected, "\(row.given)")
        }
        // An omitted `resources` decodes as the defaults.
        let decoded = try KubeJSON.decode(AppDeploymentSpec.self, from: Data(#"{"image":"x"}"#.utf8))
        #expect(try container(try compute(S.context { $0 = decoded })).resources == rows[0].expected)
    }

    @Test func unparsableQuantitiesAreNamed() throws {
        let cases: [(String, (inout AppDeploymentSpec) -> Void)] = [
            ("spec.resources.requests.cpu", { $0.resources = .init(requests: ["cpu": "lots"]) }),
            ("spec.resources.limits.memory", { $0.resources = .init(limits: ["memory": "1 GB"]) }),
            ("spec.volume.size", { $0.volume = .init(size: "big", mountPath: "/data") }),
        ]
        for (field, change) in cases {
            let problem = AppDeploymentProblem(reason: .invalidSpec, message: "\(field): not a quantity")
            #expect(throws: problem) { try AppDeploymentDesiredState.compute(S.context(change)) }
            #expect(throws: problem) { try AppDeploymentDesiredState.templateHash(S.context(change)) }
            #expect(throws: problem) { try AppDeploymentDesiredState.quotaFootprint(S.context(change)) }
        }
    }

    @Test func aVolumeThatOnlyOnePodCanMountIsRolledOutByRecreating() throws {
        typealias Mode = AppDeploymentSpec.Volume.AccessMode
        struct Row {
            var accessMode: Mode?
            var strategy: String
        }
        let rows: [Row] = [
            Row(accessMode: nil, strategy: "RollingUpdate"),  // no volume
            Row(accessMode: .readWriteOnce, strategy: "Recreate"),
            Row(accessMode: .readWriteMany, strategy: "RollingUpdate"),
        ]
        for row in rows {
            let d = try compute(
                S.context {
                    if let mode = row.accessMode {
                        $0.volume = .init(size: "2Gi", storageClassName: "fast", mountPath: "/data", accessMode: mode)
                    }
                })
            let spec = try #require(d.deployment.spec)
            #expect(spec.strategy?.type == row.strategy, "\(String(describing: row.accessMode))")
            #expect((spec.strategy?.rollingUpdate != nil) == (row.strategy == "RollingUpdate"))
            guard let mode = row.accessMode else {
                #expect(d.persistentVolumeClaim == nil)
                continue
            }
            let claim = try #require(d.persistentVolumeClaim)
            #expect(claim.metadata.name == "web-data")
            #expect(claim.metadata.ownerReferences == [S.owner])
            #expect(claim.spec?.accessModes == [mode.rawValue])
            #expect(claim.spec?.resources?.requests == ["storage": "2Gi"])
            #expect(claim.spec?.storageClassName == "fast")
            let pod = try #require(spec.template.spec)
            #expect(pod.volumes == [Volume(name: "data", persistentVolumeClaim: .init(claimName: "web-data"))])
            #expect(pod.containers.first?.volumeMounts == [VolumeMount(name: "data", mountPath: "/data")])
            #expect(pod.securityContext?.fsGroup != nil)
        }
        let mounted = try compute(S.context { $0.volume = .init(size: "1Gi", mountPath: "/var/lib/orbitdb") })
        #expect(try container(mounted).volumeMounts?.first?.mountPath == "/var/lib/orbitdb")
        #expect(mounted.persistentVolumeClaim?.spec?.accessModes == ["ReadWriteOnce"], "the default")
        #expect(mounted.deployment.spec?.strategy?.type == "Recreate")
    }

    @Test func autoscalerOnlyWhereServedAndReplicasLeftToIt() throws {
        struct Row {
            var autoscaling: AppDeploymentSpec.Autoscaling?
            var served: Bool
            var suspended: Bool = false
            var current: Int?
            var replicas: Int?
            var hpa: Bool
        }
        let scaling = AppDeploymentSpec.Autoscaling(minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60)
        let rows = [
            Row(autoscaling: nil, served: true, replicas: 3, hpa: false),
            Row(autoscaling: nil, served: false, replicas: 3, hpa: false),
            // A new Deployment starts at the minimum; after that the HPA owns the count.
            Row(autoscaling: scaling, served: true, current: nil, replicas: 2, hpa: true),
            Row(autoscaling: scaling, served: true, current: 4, replicas: nil, hpa: true),
            // Back from suspension: an HPA never scales up from 0.
            Row(autoscaling: scaling, served: true, current: 0, replicas: 2, hpa: true),
            // Not served: no HPA; the minimum runs.
            Row(autoscaling: scaling, served: false, current: 4, replicas: 2, hpa: false),
            Row(autoscaling: scaling, served: true, suspended: true, current: 4, replicas: 0, hpa: false),
        ]
        for (i, row) in rows.enumerated() {
            let d = try compute(
                S.context {
                    $0.autoscaling = row.autoscaling
                    $0.replicas = 3
                    $0.suspended = row.suspended
                } edit: {
                    $0.servedAPIs.autoscalingV2 = row.served
                    $0.currentReplicas = row.current
                })
            #expect(d.deployment.spec?.replicas == row.replicas, "row \(i)")
            #expect((d.horizontalPodAutoscaler != nil) == row.hpa, "row \(i)")
            guard let hpa = d.horizontalPodAutoscaler else { continue }
            #expect(hpa.apiVersion == "autoscaling/v2" && hpa.metadata.name == "web")
            #expect(hpa.metadata.ownerReferences == [S.owner])
            let spec = try #require(hpa.spec)
            #expect(spec.scaleTargetRef == CrossVersionObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: "web"))
            #expect(spec.minReplicas == 2 && spec.maxReplicas == 5)
            #expect(spec.metrics == [.averageUtilization(of: "cpu", percent: 60)])
        }
        let defaults = try compute(S.context { $0.autoscaling = .init(maxReplicas: 4) })
        #expect(defaults.horizontalPodAutoscaler?.spec?.minReplicas == 1)
        #expect(defaults.horizontalPodAutoscaler?.spec?.metrics == [.averageUtilization(of: "cpu", percent: 80)])
    }

    @Test func disruptionBudgetWhenMoreThanOneReplicaAndServed() throws {
        struct Row {
            var replicas: Int
            var minReplicas: Int?
            var served: Bool = true
            var suspended: Bool = false
            var pdb: Bool
        }
        let rows = [
            Row(replicas: 1, pdb: false),
            Row(replicas: 2, pdb: true),
            Row(replicas: 2, served: false, pdb: false),
            Row(replicas: 2, suspended: true, pdb: false),
            Row(replicas: 3, minReplicas: 1, pdb: false),  // autoscaling decides, down to 1
            Row(replicas: 1, minReplicas: 2, pdb: true),
            Row(replicas: 1, minReplicas: 2, served: false, pdb: false),
        ]
        for (i, row) in rows.enumerated() {
            let d = try compute(
                S.context {
                    $0.replicas = row.replicas
                    $0.autoscaling = row.minReplicas.map { .init(minReplicas: $0, maxReplicas: 6) }
                    $0.suspended = row.suspended
                } edit: { $0.servedAPIs.policyV1 = row.served })
            #expect((d.podDisruptionBudget != nil) == row.pdb, "row \(i)")
            guard let pdb = d.podDisruptionBudget else { continue }
            #expect(pdb.apiVersion == "policy/v1" && pdb.metadata.name == "web")
            #expect(pdb.spec?.minAvailable == 1 && pdb.spec?.maxUnavailable == nil)
            #expect(pdb.spec?.selector == d.deployment.spec?.selector)
        }
    }

    @Test func databaseURLIsASecretKeyRefNeverTheURI() throws {
        let d = try compute(
            S.context {
                $0.database = .init(template: "postgres-small")
                $0.env = [EnvVar(name: "LOG_LEVEL", value: "debug")]
            } edit: { $0.databaseSecretName = "web-db-app" })
        let env = try #require(try container(d).env)
        #expect(env.map(\.name) == ["DATABASE_URL", "PGSSLROOTCERT", "LOG_LEVEL"])
        #expect(env[0].value == nil)
        #expect(env[0].valueFrom == EnvVarSource(secretKeyRef: KeySelector(name: "web-db-app", key: "uri")))
        // The URI asks for verify-full: the instance's CA is mounted and named for libpq.
        #expect(env[1] == EnvVar(name: "PGSSLROOTCERT", value: "/etc/quartermaster/database/ca.crt"))
        let pod = try #require(d.deployment.spec?.template.spec)
        #expect(pod.volumes == [
            Volume(
                name: "database-ca",
                secret: SecretVolumeSource(
                    secretName: "web-db-app", items: [KeyToPath(key: "ca.crt", path: "ca.crt")], defaultMode: 0o444,
                    optional: true))
        ])
        #expect(try container(d).volumeMounts == [
            VolumeMount(name: "database-ca", mountPath: "/etc/quartermaster/database", readOnly: true)
        ])
        let encoded = String(decoding: try KubeJSON.encode(d.deployment), as: UTF8.self)
        #expect(!encoded.contains("postgres://") && !encoded.contains("postgresql://"))

        let database = try #require(d.database)
        #expect(database.apiVersion == "quartermaster.dev/v1alpha1" && database.kind == "Resource")
        #expect(database.metadata.name == "web-db" && database.metadata.namespace == "team-a")
        #expect(database.metadata.ownerReferences == [S.owner])
        #expect(database.spec == ResourceSpec(template: "postgres-small"))
        #expect(d.all.first { $0 is Resource } != nil)

        // Not ready yet: the Resource is asked for, no variable yet.
        let waiting = try compute(S.context { $0.database = .init(template: "postgres-small", parameters: .init(size: "5Gi")) })
        #expect(try container(waiting).env == nil)
        #expect(waiting.deployment.spec?.template.spec?.volumes == nil)
        #expect(waiting.database?.spec.parameters == ResourceParameters(size: "5Gi"))
    }

    @Test func aCAFileTheSpecNamesIsKept() throws {
        let d = try compute(
            S.context {
                $0.database = .init(template: "postgres-small")
                $0.env = [EnvVar(name: "PGSSLROOTCERT", value: "system")]
            } edit: { $0.databaseSecretName = "web-db-app" })
        // One variable of the name (a server-side apply refuses two), the spec's.
        #expect(try container(d).env == [
            .secret("DATABASE_URL", secretName: "web-db-app", key: "uri"), EnvVar(name: "PGSSLROOTCERT", value: "system"),
        ])
    }

    @Test func contextOfAStoredDeployment() throws {
        var stored = AppDeployment(metadata: ObjectMeta(name: "web", namespace: "team-a"), spec: S.spec())
        #expect(AppDeploymentContext(deployment: stored, image: S.digestA, revision: 1) == nil, "no uid: never read back")
        stored.metadata.uid = "uid-web"
        let context = try #require(AppDeploymentContext(deployment: stored, image: S.digestA, revision: 3))
        #expect(context == S.context())
    }

    @Test func ipfsBindingSetsTheAPIAddressAndTheClientLabel() throws {
        let d = try compute(
            S.context {
                $0.ipfs = .init(cluster: "node")
            } edit: { $0.ipfs = AppDeploymentContext.IPFSBinding(cluster: "node", namespace: "team-a") })
        let env = try #require(try container(d).env)
        #expect(env == [
            EnvVar(name: "IPFS_API", value: "/dns4/node-api.team-a.svc/tcp/5001"),
            EnvVar(name: "IPFS_API_URL", value: "http://node-api.team-a.svc:5001"),
        ])
        let spec = try #require(d.deployment.spec)
        #expect(spec.template.metadata?.labels?["quartermaster.dev/ipfs-client"] == "node")
        // The selector does not change with the binding.
        #expect(spec.selector == (try compute(S.context())).deployment.spec?.selector)
        #expect(d.deployment.metadata.labels?["quartermaster.dev/ipfs-client"] == nil)
    }

    @Test func runSettingsReachTheContainer() throws {
        let d = try compute(
            S.context {
                $0.imagePullSecrets = ["regcred", "mirror"]
                $0.command = ["/app/server"]
                $0.args = ["--flag", "x"]
                $0.env = [EnvVar(name: "A", value: "1"), .secret("TOKEN", secretName: "tokens", key: "api")]
                $0.envFrom = [EnvFromSource(prefix: "CFG_", configMapRef: .init(name: "web-config"))]
                $0.progressDeadlineSeconds = 120
                $0.database = .init(template: "postgres-small")
            } edit: {
                $0.databaseSecretName = "web-db-app"
                $0.ipfs = .init(cluster: "node", namespace: "team-a")
            })
        let c = try container(d)
        #expect(c.command == ["/app/server"] && c.args == ["--flag", "x"])
        // What the operator sets comes first, so the spec's variables can refer to it.
        #expect(c.env?.map(\.name) == ["DATABASE_URL", "PGSSLROOTCERT", "IPFS_API", "IPFS_API_URL", "A", "TOKEN"])
        #expect(c.envFrom == [EnvFromSource(prefix: "CFG_", configMapRef: .init(name: "web-config"))])
        #expect(d.deployment.spec?.template.spec?.imagePullSecrets == [
            LocalObjectReference(name: "regcred"), LocalObjectReference(name: "mirror"),
        ])
        #expect(d.deployment.spec?.progressDeadlineSeconds == 120)
    }

    @Test func ingressHostClassPathAndTLS() throws {
        struct Row {
            var tls: AppDeploymentSpec.TLS?
            var annotations: [String: String]?
            var tlsSecret: String?
        }
        let rows = [
            Row(tls: nil, annotations: nil, tlsSecret: nil),
            Row(tls: .init(secretName: "web-cert"), annotations: nil, tlsSecret: "web-cert"),
            Row(tls: .init(issuer: "letsencrypt"), annotations: ["cert-manager.io/cluster-issuer": "letsencrypt"], tlsSecret: "web-tls"),
        ]
        for row in rows {
            let d = try compute(
                S.context {
                    $0.expose = .init(host: "web.apps.example.com", ingressClassName: "nginx", tls: row.tls, path: "/api")
                })
            let ingress = try #require(d.ingress)
            #expect(ingress.apiVersion == "networking.k8s.io/v1" && ingress.metadata.name == "web")
            #expect(ingress.metadata.ownerReferences == [S.owner])
            #expect(ingress.metadata.annotations == row.annotations)
            let spec = try #require(ingress.spec)
            #expect(spec.ingressClassName == "nginx")
            #expect(spec.tls == row.tlsSecret.map { [IngressTLS(hosts: ["web.apps.example.com"], secretName: $0)] })
            #expect(spec.rules == [
                IngressRule(
                    host: "web.apps.example.com",
                    http: HTTPIngressRuleValue(paths: [
                        HTTPIngressPath(
                            path: "/api", pathType: "Prefix", backend: IngressBackend(service: .init(name: "web", port: .init(number: 8080))))
                    ]))
            ])
        }
        let defaults = try compute(S.context { $0.expose = .init(host: "web.apps.example.com") })
        #expect(defaults.ingress?.spec?.rules?.first?.http?.paths.first?.path == "/")
        #expect(defaults.ingress?.spec?.ingressClassName == nil)
        #expect(try compute(S.context { $0.expose = .init(serviceType: .loadBalancer) }).ingress == nil)
    }

    @Test func networkPolicyOpensThePortToTheNamespaceOrToAnywhereWhenExposed() throws {
        struct Row {
            var expose: AppDeploymentSpec.Expose
            var fromAnywhere: Bool
        }
        let rows = [
            Row(expose: .init(), fromAnywhere: false),
            Row(expose: .init(serviceType: .nodePort), fromAnywhere: true),
            Row(expose: .init(serviceType: .loadBalancer), fromAnywhere: true),
            Row(expose: .init(host: "web.apps.example.com"), fromAnywhere: true),
        ]
        for row in rows {
            let d = try compute(
                S.context {
                    $0.expose = row.expose
                    $0.port = 3000
                })
            #expect(d.service.spec?.type == row.expose.serviceType.rawValue)
            let spec = try #require(d.networkPolicy.spec)
            #expect(spec.podSelector == d.deployment.spec?.selector)
            #expect(spec.policyTypes == ["Ingress"] && spec.egress == nil)
            #expect(spec.ingress == [
                NetworkPolicyIngressRule(
                    from: row.fromAnywhere ? nil : [NetworkPolicyPeer(podSelector: LabelSelector())],
                    ports: [NetworkPolicyPort(protocol: "TCP", port: 3000)])
            ], "\(String(describing: row.expose))")
        }
    }

    @Test func tenantForcesTheNodeSelectorAndSuspends() throws {
        let tenant = TenantEnforcement(tenant: "acme", suspended: false, policy: TenantPolicy(nodeSelector: ["pool": "tenants"]))
        let d = try compute(S.context { $0.replicas = 2 } edit: { $0.tenant = tenant })
        #expect(d.deployment.spec?.template.spec?.nodeSelector == ["pool": "tenants"])
        #expect(d.deployment.spec?.replicas == 2 && d.podDisruptionBudget != nil)

        var suspendedTenant = tenant
        suspendedTenant.suspended = true
        for context in [
            S.context { $0.replicas = 2 } edit: { $0.tenant = suspendedTenant },
            S.context {
                $0.replicas = 2
                $0.suspended = true
            },
        ] {
            let s = try compute(context)
            #expect(s.deployment.spec?.replicas == 0)
            #expect(s.podDisruptionBudget == nil && s.horizontalPodAutoscaler == nil)
            #expect(s.service == d.service && s.networkPolicy == d.networkPolicy)
        }
    }

    @Test func applyBodiesHoldNoNull() throws {
        let d = try compute(
            S.context {
                $0.volume = .init(size: "1Gi", mountPath: "/data", accessMode: .readWriteMany)
                $0.expose = .init(serviceType: .loadBalancer, host: "web.example.com", tls: .init(issuer: "le"))
                $0.database = .init(template: "postgres-small")
                $0.ipfs = .init(cluster: "node")
                $0.autoscaling = .init(minReplicas: 2, maxReplicas: 3)
            } edit: {
                $0.databaseSecretName = "web-db-app"
                $0.ipfs = .init(cluster: "node", namespace: "team-a")
            })
        #expect(d.all.count == 8)
        #expect(d.deployment.spec?.template.spec?.volumes?.map(\.name) == ["data", "database-ca"])
        #expect(d.deployment.spec?.template.spec?.containers.first?.volumeMounts?.map(\.mountPath) == [
            "/data", "/etc/quartermaster/database",
        ])
        for object in d.all {
            let encoded = String(decoding: try KubeJSON.encode(object), as: UTF8.self)
            #expect(!encoded.contains("null"), "\(encoded)")
        }
    }
}
