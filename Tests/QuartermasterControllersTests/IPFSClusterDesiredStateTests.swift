import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// A persisted IPFSCluster (name, namespace, uid, generation), as read from the API server.
func persistedCluster(
    name: String = "demo", namespace: String = "ns", generation: Int64 = 1, _ configure: (inout IPFSClusterSpec) -> Void = { _ in }
) -> IPFSCluster {
    var meta = ObjectMeta(name: name, namespace: namespace)
    meta.uid = "0b1c2d3e-0000-4000-8000-000000000001"
    meta.generation = generation
    var spec = IPFSClusterSpec()
    configure(&spec)
    return IPFSCluster(metadata: meta, spec: spec)
}

/// Decoded string data of a desired Secret.
func secretStrings(_ objects: IPFSClusterDesiredObjects) -> [String: String] {
    IPFSClusterDesiredState.decodedStringData(of: objects.secret)
}

@Suite struct IPFSClusterDesiredStateTests {
    /// Every object kind, with every optional object present.
    static func everything() throws -> IPFSClusterDesiredObjects {
        let cluster = persistedCluster {
            $0.exposure = .init(
                gateway: .init(type: .ingress, host: "gw.example.com", ingressClassName: "nginx"),
                api: .init(type: .loadBalancer), swarm: .init(type: .loadBalancer))
            $0.allowedNamespaces = ["clients", "ns"]
        }
        return try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil)
    }

    static func allObjects(_ o: IPFSClusterDesiredObjects) -> [(kind: String, meta: ObjectMeta, json: String)] {
        func entry(_ r: some KubeResource) -> (String, ObjectMeta, String) {
            let json = (try? KubeJSON.encode(r)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return (type(of: r).resource.kind, r.metadata, json)
        }
        var all: [(String, ObjectMeta, String)] = [
            entry(o.secret), entry(o.configMap), entry(o.statefulSet), entry(o.networkPolicy),
        ]
        all += o.services.map(entry)
        all += o.ingresses.map(entry)
        if let pdb = o.podDisruptionBudget { all.append(entry(pdb)) }
        return all
    }

    @Test func everyObjectIsOwnedLabelledAndNamespaced() throws {
        let o = try Self.everything()
        let all = Self.allObjects(o)
        // Secret, ConfigMap, StatefulSet, NetworkPolicy; 3 + 3 swarm Services; 1 Ingress; PDB.
        #expect(all.count == 4 + 6 + 1 + 1)
        #expect(o.apiIngress == nil)
        #expect(o.gatewayIngress != nil)
        #expect(o.swarmServices.count == 3)
        for (kind, meta, json) in all {
            #expect(meta.namespace == "ns", "\(kind)")
            #expect(meta.ownerReferences?.count == 1, "\(kind)")
            let ref = try #require(meta.ownerReferences?.first)
            #expect(ref.apiVersion == "quartermaster.dev/v1alpha1" && ref.kind == "IPFSCluster" && ref.name == "demo")
            #expect(ref.uid == "0b1c2d3e-0000-4000-8000-000000000001" && ref.controller == true && ref.blockOwnerDeletion == true)
            let labels = meta.labels ?? [:]
            #expect(labels["app.kubernetes.io/managed-by"] == "quartermaster", "\(kind)")
            #expect(labels["app.kubernetes.io/name"] == "ipfs-cluster", "\(kind)")
            #expect(labels["app.kubernetes.io/instance"] == "demo", "\(kind)")
            #expect(labels["app.kubernetes.io/part-of"] == "quartermaster", "\(kind)")
            #expect(labels["app.kubernetes.io/component"] != nil, "\(kind)")
            #expect(!json.contains("null"), "\(kind) encodes a null")
            #expect(json.contains("\"apiVersion\"") && json.contains("\"kind\":\"\(kind)\""), "\(kind)")
        }
        let names = all.map { "\($0.kind)/\($0.meta.name ?? "")" }
        #expect(Set(names).count == names.count, "duplicate object \(names)")
        #expect(o.statefulSet.metadata.name == "demo")
        #expect(o.headlessService.metadata.name == "demo-peers")
        #expect(o.apiService.metadata.name == "demo-api")
        #expect(o.gatewayService.metadata.name == "demo-gateway")
        #expect(o.secret.metadata.name == "demo-identities")
        #expect(o.configMap.metadata.name == "demo-config")
    }

    /// ipfs-cluster's IPFS proxy (9095) is never exposed. kubo's RPC API (5001) is reachable
    /// only by bound clients: on the ClusterIP `<name>-api` Service, in one NetworkPolicy rule
    /// admitting only pods of the namespace labelled `quartermaster.dev/ipfs-client: <name>`;
    /// never on a LoadBalancer Service, never in an Ingress.
    @Test func unauthenticatedPortsAreNeverExposed() throws {
        let proxy = IPFSConfigFiles.clusterProxyPort
        let kuboAPI = IPFSConfigFiles.kuboAPIPort
        #expect(kuboAPI == 5001 && proxy == 9095)
        let boundClients = [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: ["quartermaster.dev/ipfs-client": "demo"]))]
        func number(_ port: IntOrString?) -> Int? { if case .int(let i) = port { i } else { nil } }
        for kind in IPFSClusterSpec.HTTPExposure.Kind.allCases {
            for swarm in IPFSClusterSpec.SwarmExposure.Kind.allCases {
                let cluster = persistedCluster {
                    $0.exposure = .init(gateway: .init(type: kind, host: "g"), api: .init(type: kind, host: "a"), swarm: .init(type: swarm))
                    $0.allowedNamespaces = ["other"]
                }
                let o = try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil)
                for svc in o.services {
                    for p in svc.spec?.ports ?? [] {
                        #expect(p.port != proxy && number(p.targetPort) != proxy, "\(svc.metadata.name ?? "") exposes \(p.port)")
                        if p.port == kuboAPI || number(p.targetPort) == kuboAPI {
                            #expect(svc.metadata.name == "demo-api" && svc.spec?.type == "ClusterIP", "\(svc.metadata.name ?? "") exposes 5001")
                            #expect(p.port == kuboAPI && number(p.targetPort) == kuboAPI && p.name == "kubo-api")
                        }
                    }
                }
                var kuboRules = 0
                for rule in o.networkPolicy.spec?.ingress ?? [] {
                    #expect(rule.ports?.isEmpty == false, "a rule without ports opens every port")
                    for p in rule.ports ?? [] {
                        guard let n = number(p.port) else { Issue.record("port must be a number"); continue }
                        #expect(n != proxy)
                        if n == kuboAPI {
                            kuboRules += 1
                            #expect(rule.from == boundClients, "5001 admitted beyond bound clients: \(String(describing: rule.from))")
                            #expect(rule.ports?.count == 1)
                        }
                    }
                }
                #expect(kuboRules == 1)
                for c in o.statefulSet.spec?.template.spec?.containers ?? [] {
                    for p in c.ports ?? [] {
                        #expect(p.containerPort != proxy)
                        #expect(p.containerPort != kuboAPI || (c.name == "kubo" && p.name == "kubo-api"))
                    }
                }
                for ing in o.ingresses {
                    for path in ing.spec?.rules?.flatMap({ $0.http?.paths ?? [] }) ?? [] {
                        #expect(![kuboAPI, proxy].contains(path.backend.service?.port?.number ?? 0))
                    }
                }
            }
        }
    }

    /// Table: the `<name>-api` Service's ports and the kubo API rule per API exposure; the rule
    /// names this cluster only, and `allowedNamespaces` never widens it.
    @Test(arguments: [
        (IPFSClusterSpec.HTTPExposure.Kind.clusterIP, [9094, 5001]),
        (.ingress, [9094, 5001]),
        (.loadBalancer, [9094]),
    ])
    func kuboAPIForBoundClients(api: IPFSClusterSpec.HTTPExposure.Kind, ports: [Int]) throws {
        for allowed in [[], ["clients"]] {
            let o = try IPFSClusterDesiredState.compute(
                cluster: persistedCluster(name: "node", namespace: "apps") {
                    $0.exposure.api = .init(type: api, host: "api.example.com")
                    $0.allowedNamespaces = allowed
                }, existingSecretData: nil)
            #expect(o.apiService.spec?.ports?.map(\.port) == ports)
            #expect(o.apiService.spec?.ports?.map(\.name) == Array(["api", "kubo-api"].prefix(ports.count)))
            let rule = try #require(o.networkPolicy.spec?.ingress?.first { $0.ports == [NetworkPolicyPort(protocol: "TCP", port: .int(5001))] })
            #expect(rule.from == [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: [IPFSClusterLabels.ipfsClient: "node"]))])
            #expect(rule.from?.first?.namespaceSelector == nil, "same namespace only")
            #expect(IPFSClusterLabels.ipfsClient == "quartermaster.dev/ipfs-client")
            // The existing rules stay: swarm, cluster swarm, REST API, gateway, metrics, then kubo API.
            #expect(o.networkPolicy.spec?.ingress?.compactMap { number($0.ports?.first?.port) } == [4001, 9096, 9094, 8080, 9401, 5001])
        }
        func number(_ port: IntOrString?) -> Int? { if case .int(let i) = port { i } else { nil } }
    }

    /// Toggling `spec.pubsub` on a running cluster: only the kubo configs change (Secret,
    /// cluster configs, Services and NetworkPolicy stay), the pod template's config hash
    /// changes, so the StatefulSet rolls the peers; an observed StatefulSet still on the old
    /// hash is not rolled out; toggling back restores the original hash.
    @Test func pubsubToggleRollsThePeers() throws {
        let off = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        let data = secretStrings(off)
        let on = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(generation: 2) { $0.pubsub = true }, existingSecretData: data)
        let back = try IPFSClusterDesiredState.compute(cluster: persistedCluster(generation: 3), existingSecretData: data)
        func hash(_ o: IPFSClusterDesiredObjects) -> String? {
            o.statefulSet.spec?.template.metadata?.annotations?[IPFSClusterDesiredState.configHashAnnotation]
        }
        #expect(hash(off) != nil && hash(on) != nil && hash(on) != hash(off))
        #expect(hash(back) == hash(off) && back.configMap == off.configMap)
        #expect(on.secret == off.secret && on.services == off.services && on.networkPolicy == off.networkPolicy)
        let offData = off.configMap.data ?? [:]
        let onData = on.configMap.data ?? [:]
        #expect(Set(offData.keys) == Set(onData.keys))
        let changed = Set(offData.keys.filter { offData[$0] != onData[$0] })
        #expect(changed == ["kubo-config-0.json", "kubo-config-1.json", "kubo-config-2.json"])
        for key in changed {
            let kubo = try KubeJSON.decode(JSONValue.self, from: Data(try #require(onData[key]).utf8))
            #expect(kubo.value(at: "Pubsub", "Enabled") == true)
        }
        // Only the hash annotation differs in the StatefulSet.
        var template = try #require(on.statefulSet.spec?.template)
        template.metadata?.annotations = off.statefulSet.spec?.template.metadata?.annotations
        #expect(template == off.statefulSet.spec?.template)
        // A StatefulSet fully rolled out on the old hash does not count as rolled out for the new one.
        var observed = off.statefulSet
        observed.metadata.generation = 1
        observed.status = StatefulSetStatus(
            observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3,
            currentRevision: "demo-a", updateRevision: "demo-a")
        #expect(IPFSClusterStatusComputation.isRolledOut(observed, replicas: 3, configHash: hash(off)))
        #expect(!IPFSClusterStatusComputation.isRolledOut(observed, replicas: 3, configHash: hash(on)))
    }

    @Test func podsMeetPodSecurityRestricted() throws {
        let o = try Self.everything()
        let pod = try #require(o.statefulSet.spec?.template.spec)
        let psc = try #require(pod.securityContext)
        #expect(psc.runAsNonRoot == true && psc.runAsUser == 1000 && psc.fsGroup == 1000)
        #expect(psc.seccompProfile?.type == "RuntimeDefault")
        #expect(pod.automountServiceAccountToken == false)
        #expect(pod.enableServiceLinks == false)
        #expect(pod.containers.map(\.name) == ["kubo", "ipfs-cluster", "metrics-proxy"])
        for c in pod.containers + (pod.initContainers ?? []) {
            let sc = try #require(c.securityContext, "\(c.name)")
            #expect(sc.runAsNonRoot == true, "\(c.name)")
            #expect(sc.allowPrivilegeEscalation == false, "\(c.name)")
            #expect(sc.capabilities?.drop == ["ALL"] && sc.capabilities?.add == nil, "\(c.name)")
            #expect(sc.privileged != true, "\(c.name)")
            #expect(sc.seccompProfile?.type == "RuntimeDefault", "\(c.name)")
            if c.name != "metrics-proxy" {  // the proxy has no probe: its readiness must not gate the peer's
                #expect(c.readinessProbe != nil && c.livenessProbe != nil && c.startupProbe != nil, "\(c.name)")
            }
            #expect(c.resources?.requests?["memory"] != nil && c.resources?.limits?["memory"] != nil)
        }
        // No hostPath, hostNetwork or other privileged source: only our own volumes.
        for v in pod.volumes ?? [] {
            #expect(v.configMap != nil || v.secret != nil || v.emptyDir != nil, "\(v.name)")
        }
    }

    @Test func containersFollowTheEntrypointContract() throws {
        let o = try IPFSClusterDesiredState.compute(cluster: persistedCluster { $0.privateSwarm = true }, existingSecretData: nil)
        let pod = try #require(o.statefulSet.spec?.template.spec)
        let kubo = pod.containers[0]
        let cluster = pod.containers[1]
        #expect(kubo.command == ["/bin/sh", "/etc/quartermaster/config/kubo-entrypoint.sh"])
        #expect(cluster.command == ["/bin/sh", "/etc/quartermaster/config/cluster-entrypoint.sh"])
        #expect(kubo.env?.contains(EnvVar(name: "IPFS_PATH", value: "/data/ipfs")) == true)
        #expect(kubo.env?.contains(EnvVar(name: "QM_PRIVATE_SWARM", value: "true")) == true)
        #expect(cluster.env?.contains(EnvVar(name: "IPFS_CLUSTER_PATH", value: "/data/ipfs-cluster")) == true)
        #expect(kubo.image == IPFSClusterSpec.defaultKuboImage && cluster.image == IPFSClusterSpec.defaultClusterImage)
        func mount(_ c: Container, _ path: String) -> VolumeMount? { c.volumeMounts?.first { $0.mountPath == path } }
        for c in [kubo, cluster] {
            #expect(mount(c, "/etc/quartermaster/config")?.name == "config")
            #expect(mount(c, "/etc/quartermaster/secret")?.readOnly == true)
        }
        #expect(mount(kubo, "/data/ipfs")?.name == "ipfs-data")
        #expect(mount(cluster, "/data/ipfs-cluster")?.name == "cluster-data")
        // Each container sees only its own keys.
        let volumes = Dictionary(uniqueKeysWithValues: (pod.volumes ?? []).map { ($0.name, $0) })
        let kuboKeys = Set(volumes[try #require(mount(kubo, "/etc/quartermaster/secret")).name]?.secret?.items?.map(\.key) ?? [])
        let clusterKeys = Set(volumes[try #require(mount(cluster, "/etc/quartermaster/secret")).name]?.secret?.items?.map(\.key) ?? [])
        #expect(kuboKeys == ["kubo-0.key", "kubo-1.key", "kubo-2.key", "swarm.key"])
        #expect(clusterKeys == ["cluster-0.key", "cluster-1.key", "cluster-2.key", "cluster-secret", "api-username", "api-password"])
        // Every mounted key exists in the Secret.
        #expect(kuboKeys.union(clusterKeys).isSubset(of: Set(secretStrings(o).keys)))
        #expect(volumes["config"]?.configMap?.name == "demo-config")
    }

    @Test func statefulSetShape() throws {
        let cluster = persistedCluster {
            $0.replicas = 4
            $0.storage = .init(ipfs: .init(size: "50Gi", storageClassName: "fast"), cluster: .init(size: "2Gi"))
            $0.imagePullSecrets = ["regcred"]
            $0.nodeSelector = ["disk": "ssd"]
            $0.tolerations = [["key": "dedicated", "operator": "Equal", "value": "ipfs", "effect": "NoSchedule"]]
        }
        let o = try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil)
        let spec = try #require(o.statefulSet.spec)
        #expect(spec.replicas == 4)
        #expect(spec.serviceName == "demo-peers")
        #expect(spec.podManagementPolicy == "Parallel")
        #expect(spec.selector.matchLabels == ["app.kubernetes.io/name": "ipfs-cluster", "app.kubernetes.io/instance": "demo"])
        #expect(spec.selector.matches(spec.template.metadata?.labels ?? [:]))
        let claims = try #require(spec.volumeClaimTemplates)
        #expect(claims.map { $0.metadata.name } == ["ipfs-data", "cluster-data"])
        #expect(claims[0].spec?.resources?.requests?["storage"] == "50Gi")
        #expect(claims[0].spec?.storageClassName == "fast")
        #expect(claims[1].spec?.resources?.requests?["storage"] == "2Gi")
        #expect(claims[1].spec?.storageClassName == nil)
        #expect(claims.allSatisfy { $0.spec?.accessModes == ["ReadWriteOnce"] && $0.metadata.ownerReferences == nil })
        let pod = try #require(spec.template.spec)
        #expect(pod.imagePullSecrets == [LocalObjectReference(name: "regcred")])
        #expect(pod.nodeSelector == ["disk": "ssd"])
        #expect(pod.tolerations == [Toleration(key: "dedicated", operator: "Equal", value: "ipfs", effect: "NoSchedule")])
        let anti = try #require(pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.first)
        #expect(anti.podAffinityTerm.topologyKey == "kubernetes.io/hostname")
        #expect(anti.podAffinityTerm.labelSelector?.matchLabels == spec.selector.matchLabels)
        let hash = spec.template.metadata?.annotations?[IPFSClusterDesiredState.configHashAnnotation]
        #expect(hash?.count == 64)

        // A user affinity replaces the default.
        let custom = persistedCluster { $0.affinity = ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": []]]] }
        let c = try IPFSClusterDesiredState.compute(cluster: custom, existingSecretData: nil)
        #expect(c.statefulSet.spec?.template.spec?.affinity?.podAntiAffinity == nil)
        #expect(c.statefulSet.spec?.template.spec?.affinity?.nodeAffinity != nil)
    }

    @Test func servicesAndIngress() throws {
        let o = try Self.everything()
        let headless = try #require(o.headlessService.spec)
        #expect(headless.clusterIP == "None" && headless.publishNotReadyAddresses == true)
        #expect(Set(headless.ports?.map { "\($0.port)/\($0.protocol ?? "")" } ?? []) == ["4001/TCP", "4001/UDP", "9096/TCP"])
        #expect(o.apiService.spec?.type == "LoadBalancer")
        #expect(o.apiService.spec?.ports?.map(\.port) == [9094])
        #expect(o.gatewayService.spec?.type == "ClusterIP")  // served through the Ingress
        #expect(o.gatewayService.spec?.ports?.map(\.port) == [8080])
        let ingress = try #require(o.gatewayIngress?.spec)
        #expect(ingress.ingressClassName == "nginx")
        #expect(ingress.rules?.first?.host == "gw.example.com")
        #expect(ingress.rules?.first?.http?.paths.first?.backend.service == .init(name: "demo-gateway", port: .init(number: 8080)))
        for (i, svc) in o.swarmServices.enumerated() {
            #expect(svc.metadata.name == "demo-swarm-\(i)")
            #expect(svc.spec?.type == "LoadBalancer")
            #expect(svc.spec?.selector?["statefulset.kubernetes.io/pod-name"] == "demo-\(i)")
            #expect(svc.spec?.ports?.map { "\($0.port)/\($0.protocol ?? "")" } == ["4001/TCP"])  // one protocol per LB
        }
        // Defaults: ClusterIP Services, no Ingress, no swarm Services.
        let d = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        #expect(d.apiService.spec?.type == "ClusterIP" && d.gatewayService.spec?.type == "ClusterIP")
        #expect(d.ingresses.isEmpty && d.swarmServices.isEmpty)
    }

    @Test func networkPolicyRules() throws {
        func rule(_ np: NetworkPolicy, port: Int) -> NetworkPolicyIngressRule? {
            np.spec?.ingress?.first { $0.ports?.contains { $0.port == .int(port) } == true }
        }
        let d = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster { $0.allowedNamespaces = ["clients", "ns"] }, existingSecretData: nil)
        let np = d.networkPolicy
        #expect(np.spec?.podSelector.matchLabels == d.statefulSet.spec?.selector.matchLabels)
        #expect(np.spec?.policyTypes == ["Ingress"])
        let swarm = try #require(rule(np, port: 4001))
        #expect(swarm.from == nil)
        #expect(Set(swarm.ports?.compactMap(\.protocol) ?? []) == ["TCP", "UDP"])
        let clusterSwarm = try #require(rule(np, port: 9096))
        #expect(clusterSwarm.from == [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: d.statefulSet.spec?.selector.matchLabels))])
        let sameNamespace = NetworkPolicyPeer(podSelector: LabelSelector())
        let allowed = NetworkPolicyPeer(
            namespaceSelector: LabelSelector(matchExpressions: [.init(key: "kubernetes.io/metadata.name", operator: .in, values: ["clients"])]))
        for port in [9094, 8080, 9401] {
            #expect(rule(np, port: port)?.from == [sameNamespace, allowed], "\(port)")
        }
        #expect(rule(np, port: 8888) == nil, "ipfs-cluster's own metrics listener is on loopback, behind the proxy")
        // Monitoring namespaces are admitted to the metrics port only.
        let monitored = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(), existingSecretData: nil,
            monitoring: WorkloadMonitoring(namespaces: ["monitoring", "monitoring"]))
        let prometheus = NetworkPolicyPeer(
            namespaceSelector: LabelSelector(matchExpressions: [.init(key: "kubernetes.io/metadata.name", operator: .in, values: ["monitoring"])]))
        #expect(rule(monitored.networkPolicy, port: 9401)?.from == [sameNamespace, prometheus])
        for port in [9094, 8080, 5001] {
            #expect(rule(monitored.networkPolicy, port: port)?.from?.contains(prometheus) == false, "\(port)")
        }
        // LoadBalancer / Ingress exposure: that port from anywhere; metrics off: no 8888 rule.
        let open = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster {
                $0.exposure = .init(gateway: .init(type: .ingress), api: .init(type: .loadBalancer))
                $0.metrics.enabled = false
            }, existingSecretData: nil)
        #expect(rule(open.networkPolicy, port: 9094)?.from == nil)
        #expect(rule(open.networkPolicy, port: 8080)?.from == nil)
        #expect(rule(open.networkPolicy, port: 9401) == nil)
        #expect(rule(open.networkPolicy, port: 9096)?.from?.isEmpty == false)
    }

    /// The metrics proxy: the operator's image, kubo's and ipfs-cluster's loopback metrics as
    /// its only upstreams, restricted, both limits set (counted exactly by `limits.*` quotas),
    /// and the annotations a `kubernetes-pods` scrape job reads; none of it with metrics off.
    @Test func metricsProxyContainerAndAnnotations() throws {
        let o = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(), existingSecretData: nil, monitoring: WorkloadMonitoring(proxyImage: "registry.example/qm:1"))
        let template = try #require(o.statefulSet.spec?.template)
        let proxy = try #require(template.spec?.containers.first { $0.name == "metrics-proxy" })
        #expect(proxy.image == "registry.example/qm:1")
        #expect(
            proxy.command == [
                "/quartermaster", "metrics-proxy", "--listen", ":9401",
                "--upstream", "kubo=http://127.0.0.1:5001/debug/metrics/prometheus",
                "--upstream", "ipfs-cluster=http://127.0.0.1:8888/metrics",
            ])
        #expect(proxy.ports == [ContainerPort(name: "metrics", containerPort: 9401)])
        #expect(proxy.securityContext == .restricted)
        #expect(proxy.resources?.limits?["cpu"] != nil && proxy.resources?.limits?["memory"] != nil)
        #expect(template.spec?.containers.filter { $0.ports?.contains { $0.name == "metrics" } == true }.count == 1)
        let annotations = template.metadata?.annotations ?? [:]
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/port"] == "9401")
        #expect(annotations["prometheus.io/path"] == "/metrics")

        let off = try IPFSClusterDesiredState.compute(cluster: persistedCluster { $0.metrics.enabled = false }, existingSecretData: nil)
        #expect(off.statefulSet.spec?.template.spec?.containers.map(\.name) == ["kubo", "ipfs-cluster"])
        #expect(off.statefulSet.spec?.template.metadata?.annotations?.keys.sorted() == [IPFSClusterDesiredState.configHashAnnotation])
        #expect(IPFSConfigFiles.clusterService(spec: persistedCluster { $0.metrics.enabled = false }.spec,
            topology: .init(statefulSetName: "s", headlessServiceName: "h", namespace: "n", clusterDomain: "d", replicas: 1),
            identities: o.identities, ordinal: 0).contains("observations") == false)
    }

    @Test func disruptionBudgetOnlyWithSeveralPeers() throws {
        let three = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        let pdb = try #require(three.podDisruptionBudget)
        #expect(pdb.apiVersion == "policy/v1")
        #expect(pdb.spec?.maxUnavailable == .int(1) && pdb.spec?.minAvailable == nil)
        #expect(pdb.spec?.selector == three.statefulSet.spec?.selector)
        let one = try IPFSClusterDesiredState.compute(cluster: persistedCluster { $0.replicas = 1 }, existingSecretData: nil)
        #expect(one.podDisruptionBudget == nil)
    }

    @Test func trustedPeersDeriveFromTheSecret() throws {
        let o = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        // Read the keys back from the Secret exactly as the pods will see them.
        let fromSecret = try IPFSClusterIdentities(secretData: secretStrings(o))
        #expect(fromSecret.count == 3)
        let expected = (0..<3).map { fromSecret.clusterPeerID($0).description }
        for i in 0..<3 {
            let service = try #require(o.configMap.data?["cluster-service-\(i).json"])
            let json = try KubeJSON.decode(JSONValue.self, from: Data(service.utf8))
            let trusted = json.value(at: "consensus", "crdt", "trusted_peers")?.arrayValue?.compactMap(\.stringValue)
            #expect(trusted == expected)
            let identity = try KubeJSON.decode(JSONValue.self, from: Data(try #require(o.configMap.data?["cluster-identity-\(i).json"]).utf8))
            #expect(identity["id"]?.stringValue == expected[i])
            let kubo = try KubeJSON.decode(JSONValue.self, from: Data(try #require(o.configMap.data?["kubo-config-\(i).json"]).utf8))
            #expect(kubo.value(at: "Identity", "PeerID")?.stringValue == fromSecret.kuboPeerID(i).description)
        }
        // No secret value reaches the ConfigMap.
        let config = o.configMap.data?.values.joined() ?? ""
        for (key, value) in secretStrings(o) where key != IPFSClusterIdentities.SecretKey.apiUsername {
            #expect(!config.contains(value), "\(key) leaked into the ConfigMap")
        }
    }

    @Test func scaleUpKeepsExistingIdentities() throws {
        let three = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        let before = secretStrings(three)
        let five = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(generation: 2) { $0.replicas = 5 }, existingSecretData: before)
        let after = secretStrings(five)
        for key in before.keys { #expect(after[key] == before[key], "\(key) changed") }
        for i in 3..<5 {
            #expect(after["kubo-\(i).key"] != nil && after["cluster-\(i).key"] != nil)
        }
        #expect(five.identities.count == 5)
        #expect(five.configMap.data?["cluster-service-4.json"] != nil)
        // Same input, same Secret: recomputing is stable once the Secret is stored.
        let again = try IPFSClusterDesiredState.compute(cluster: persistedCluster(generation: 2) { $0.replicas = 5 }, existingSecretData: after)
        #expect(again.secret == five.secret && again.configMap == five.configMap && again.statefulSet == five.statefulSet)
    }

    @Test func scaleDownKeepsAllIdentitiesInTheSecret() throws {
        let five = try IPFSClusterDesiredState.compute(cluster: persistedCluster { $0.replicas = 5 }, existingSecretData: nil)
        let three = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(generation: 2) { $0.replicas = 3 }, existingSecretData: secretStrings(five))
        #expect(secretStrings(three) == secretStrings(five))
        #expect(three.configMap.data?["cluster-service-3.json"] == nil)
        #expect(three.configMap.data?["kubo-config-4.json"] == nil)
        let trusted = try KubeJSON.decode(JSONValue.self, from: Data(try #require(three.configMap.data?["cluster-service-0.json"]).utf8))
            .value(at: "consensus", "crdt", "trusted_peers")?.arrayValue
        #expect(trusted?.count == 3)
        // Back to 5: the same peers return.
        let back = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(generation: 3) { $0.replicas = 5 }, existingSecretData: secretStrings(three))
        #expect(secretStrings(back) == secretStrings(five))
        #expect(back.configMap == five.configMap)
    }

    @Test func configHashFollowsContent() throws {
        let base = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        let data = secretStrings(base)
        func hash(_ o: IPFSClusterDesiredObjects) -> String? {
            o.statefulSet.spec?.template.metadata?.annotations?[IPFSClusterDesiredState.configHashAnnotation]
        }
        let same = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: data)
        #expect(hash(same) == hash(base))
        let changed = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster { $0.replication = .init(min: 2, max: 3) }, existingSecretData: data)
        #expect(hash(changed) != hash(base))
        var rotated = data
        rotated["api-password"] = "another-password"
        let newPassword = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: rotated)
        #expect(hash(newPassword) != hash(base))
    }

    @Test func failures() throws {
        var unsaved = persistedCluster()
        unsaved.metadata.uid = nil
        #expect(throws: IPFSClusterDesiredStateError.notPersisted) {
            try IPFSClusterDesiredState.compute(cluster: unsaved, existingSecretData: nil)
        }
        #expect(throws: IPFSClusterDesiredStateError.invalidSecret(.missing("cluster-secret"))) {
            try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: [:])
        }
        var data = secretStrings(try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil))
        data["cluster-1.key"] = "not a key"
        do {
            _ = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: data)
            Issue.record("a corrupt key must not be replaced")
        } catch let error as IPFSClusterDesiredStateError {
            #expect(error == .invalidSecret(.invalid("cluster-1.key")))
            #expect(!error.description.contains("not a key"))
        }
        #expect(throws: IPFSClusterDesiredStateError.invalidScheduling(field: "spec.tolerations")) {
            try IPFSClusterDesiredState.compute(cluster: persistedCluster { $0.tolerations = ["oops"] }, existingSecretData: nil)
        }
        #expect(throws: IPFSClusterDesiredStateError.invalidQuantity(field: "spec.resources.kubo.requests.cpu")) {
            try IPFSClusterDesiredState.compute(
                cluster: persistedCluster { $0.resources = .init(kubo: .init(requests: ["cpu": "lots"])) }, existingSecretData: nil)
        }
    }

    /// With `QM_DUMP_DIR` set, writes every object as JSON for `kubectl apply --server-side`
    /// against a real API server (manual check); the cluster is read from `QM_CLUSTER_JSON`.
    @Test func dumpForManualApply() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["QM_DUMP_DIR"], let path = env["QM_CLUSTER_JSON"] else { return }
        let cluster = try KubeJSON.decode(IPFSCluster.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
        let o = try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil)
        for (i, entry) in Self.allObjects(o).enumerated() {
            try Data(entry.json.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(i)-\(entry.kind)-\(entry.meta.name ?? "").json"))
        }
        // With QM_STS_JSON (the StatefulSet as served), also the status patch it leads to.
        if let stsPath = env["QM_STS_JSON"] {
            let sts = try KubeJSON.decode(StatefulSet.self, from: try Data(contentsOf: URL(fileURLWithPath: stsPath)))
            let status = IPFSClusterStatusComputation.compute(
                cluster: cluster, observation: .init(statefulSet: sts, identities: o.identities, podDisruptionBudgetServed: false))
            try KubeJSON.encode(["status": status]).write(to: URL(fileURLWithPath: "\(dir)/status-patch.json"))
        }
    }
}
