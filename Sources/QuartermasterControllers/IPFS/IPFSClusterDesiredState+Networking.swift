import KubeCore

/// Services, Ingresses, the NetworkPolicy and the PodDisruptionBudget.
///
/// ipfs-cluster's IPFS proxy (9095) listens on 127.0.0.1 only and appears in no Service,
/// container port or NetworkPolicy rule. kubo's RPC API (5001) grants full control of the node
/// without authentication too, but applications bound to the cluster need it (pubsub, adding
/// and reading blocks), so it listens on the pod address and is reachable only this way:
/// - on the `<name>-api` Service (port `kubo-api`) while that Service is `ClusterIP` (API
///   exposure `ClusterIP` or `Ingress`); never on a `LoadBalancer` Service, never in an Ingress;
/// - admitted by the NetworkPolicy only from pods of the cluster's own namespace labelled
///   `quartermaster.dev/ipfs-client: <name>` (``IPFSClusterLabels/ipfsClient``), never from
///   other namespaces or from anywhere.
/// Without a NetworkPolicy-enforcing network plugin, every pod of the Kubernetes cluster can
/// reach it.
extension IPFSClusterDesiredState.Context {
    static let swarmPort = IPFSConfigFiles.swarmPort
    static let apiPort = IPFSConfigFiles.clusterRESTPort
    static let kuboAPIPort = IPFSConfigFiles.kuboAPIPort
    static let gatewayPort = IPFSConfigFiles.gatewayPort
    static let clusterSwarmPort = IPFSConfigFiles.clusterSwarmPort
    static let metricsPort = IPFSConfigFiles.clusterMetricsPort
    /// Label the StatefulSet controller puts on each pod: its own name.
    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    /// Label the API server sets on every namespace (v1.21+): the namespace's name.
    static let namespaceNameLabel = "kubernetes.io/metadata.name"

    func headlessService() -> Service {
        Service(
            metadata: metadata(names.headlessService, component: "peers"),
            spec: ServiceSpec(
                ports: [
                    ServicePort(name: "swarm", port: Self.swarmPort, targetPort: .int(Self.swarmPort)),
                    ServicePort(name: "swarm-udp", port: Self.swarmPort, targetPort: .int(Self.swarmPort), protocol: "UDP"),
                    ServicePort(name: "cluster-swarm", port: Self.clusterSwarmPort, targetPort: .int(Self.clusterSwarmPort)),
                ],
                selector: selector, clusterIP: ServiceSpec.headless, publishNotReadyAddresses: true))
    }

    /// The REST API (9094, `api`) and, unless the Service is a `LoadBalancer`, kubo's RPC API
    /// (5001, `kubo-api`) for bound applications.
    func apiService() -> Service {
        var service = httpService(
            names.apiService, component: "api", portName: "api", port: Self.apiPort, exposure: spec.exposure.api)
        if spec.exposure.api.type != .loadBalancer {
            service.spec?.ports?.append(ServicePort(name: "kubo-api", port: Self.kuboAPIPort, targetPort: .int(Self.kuboAPIPort)))
        }
        return service
    }

    func gatewayService() -> Service {
        httpService(
            names.gatewayService, component: "gateway", portName: "gateway", port: Self.gatewayPort,
            exposure: spec.exposure.gateway)
    }

    private func httpService(
        _ name: String, component: String, portName: String, port: Int, exposure: IPFSClusterSpec.HTTPExposure
    ) -> Service {
        Service(
            metadata: metadata(name, component: component),
            spec: ServiceSpec(
                type: exposure.type == .loadBalancer ? "LoadBalancer" : "ClusterIP",
                ports: [ServicePort(name: portName, port: port, targetPort: .int(port))], selector: selector))
    }

    func apiIngress() -> Ingress? {
        ingress(names.apiIngress, component: "api", service: names.apiService, port: Self.apiPort, exposure: spec.exposure.api)
    }

    func gatewayIngress() -> Ingress? {
        ingress(
            names.gatewayIngress, component: "gateway", service: names.gatewayService, port: Self.gatewayPort,
            exposure: spec.exposure.gateway)
    }

    private func ingress(
        _ name: String, component: String, service: String, port: Int, exposure: IPFSClusterSpec.HTTPExposure
    ) -> Ingress? {
        guard exposure.type == .ingress else { return nil }
        let backend = IngressBackend(service: .init(name: service, port: .init(number: port)))
        return Ingress(
            metadata: metadata(name, component: component),
            spec: IngressSpec(
                ingressClassName: exposure.ingressClassName,
                rules: [
                    IngressRule(
                        host: exposure.host,
                        http: HTTPIngressRuleValue(paths: [HTTPIngressPath(path: "/", pathType: "Prefix", backend: backend)]))
                ]))
    }

    func swarmServices() -> [Service] {
        guard spec.exposure.swarm.type == .loadBalancer else { return [] }
        return (0..<spec.replicas).map { i in
            Service(
                metadata: metadata(names.swarmService(i), component: "swarm"),
                spec: ServiceSpec(
                    type: "LoadBalancer",
                    // TCP only: many load balancers (and API servers before v1.26 without the
                    // MixedProtocolLBService gate) refuse TCP and UDP in one Service.
                    ports: [ServicePort(name: "swarm", port: Self.swarmPort, targetPort: .int(Self.swarmPort))],
                    selector: selector.merging([Self.podNameLabel: names.pod(i)]) { a, _ in a }))
        }
    }

    /// Ingress rules for the peer pods (egress is not restricted):
    /// - IPFS swarm 4001 TCP and UDP: from anywhere (kubo talks to the public network).
    /// - ipfs-cluster swarm 9096: only from this cluster's own peers.
    /// - REST API 9094 and gateway 8080: from pods of this namespace and of the namespaces in
    ///   `spec.allowedNamespaces` (matched by their `kubernetes.io/metadata.name` label, which
    ///   the API server sets from v1.21); from anywhere when that endpoint's exposure is
    ///   `LoadBalancer` or `Ingress`, since load balancers and ingress controllers reach pods
    ///   from addresses no in-cluster selector can name.
    /// - metrics 9401 (the metrics proxy, when enabled): from this namespace, the allowed
    ///   namespaces and the monitoring namespaces (``WorkloadMonitoring/namespaces``).
    /// - kubo RPC API 5001: only from pods of this namespace labelled
    ///   `quartermaster.dev/ipfs-client: <name>` (applications bound to the cluster).
    func networkPolicy() -> NetworkPolicy {
        var inCluster: [NetworkPolicyPeer] = [NetworkPolicyPeer(podSelector: LabelSelector())]
        let allowed = spec.allowedNamespaces.filter { $0 != namespace }
        if !allowed.isEmpty {
            inCluster.append(
                NetworkPolicyPeer(
                    namespaceSelector: LabelSelector(matchExpressions: [
                        .init(key: Self.namespaceNameLabel, operator: .in, values: Array(Set(allowed)).sorted())
                    ])))
        }
        func from(_ exposure: IPFSClusterSpec.HTTPExposure) -> [NetworkPolicyPeer]? {
            exposure.type == .clusterIP ? inCluster : nil  // nil: from anywhere
        }
        func tcp(_ port: Int) -> NetworkPolicyPort { NetworkPolicyPort(protocol: "TCP", port: .int(port)) }
        var rules = [
            NetworkPolicyIngressRule(
                ports: [tcp(Self.swarmPort), NetworkPolicyPort(protocol: "UDP", port: .int(Self.swarmPort))]),
            NetworkPolicyIngressRule(
                from: [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: selector))],
                ports: [tcp(Self.clusterSwarmPort)]),
            NetworkPolicyIngressRule(from: from(spec.exposure.api), ports: [tcp(Self.apiPort)]),
            NetworkPolicyIngressRule(from: from(spec.exposure.gateway), ports: [tcp(Self.gatewayPort)]),
        ]
        if spec.metrics.enabled {
            rules.append(monitoring.ingressRule(port: WorkloadMonitoring.proxyPort, from: inCluster))
        }
        rules.append(
            NetworkPolicyIngressRule(
                from: [
                    NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: [IPFSClusterLabels.ipfsClient: names.instance]))
                ],
                ports: [tcp(Self.kuboAPIPort)]))
        return NetworkPolicy(
            metadata: metadata(names.networkPolicy, component: "network-policy"),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: selector), ingress: rules, policyTypes: ["Ingress"]))
    }

    func podDisruptionBudget() -> PodDisruptionBudget? {
        guard spec.replicas > 1 else { return nil }
        return PodDisruptionBudget(
            metadata: metadata(names.podDisruptionBudget, component: "disruption-budget"),
            spec: PodDisruptionBudgetSpec(maxUnavailable: .int(1), selector: LabelSelector(matchLabels: selector)))
    }
}
