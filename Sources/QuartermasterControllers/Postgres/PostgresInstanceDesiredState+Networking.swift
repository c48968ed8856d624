import KubeCore

/// Services, the NetworkPolicies, RBAC of the instance managers and the PodDisruptionBudget.
extension PostgresInstanceDesiredState.Context {
    /// Label the API server sets on every namespace (v1.21+), as IPFSCluster matches namespaces.
    static let namespaceNameLabel = "kubernetes.io/metadata.name"

    private func postgresService(_ name: String, component: String, type: String, selector: [String: String]) -> Service {
        let port = PostgresInstanceDesiredState.postgresPort
        return Service(
            metadata: metadata(name, component: component),
            spec: ServiceSpec(
                type: type, ports: [ServicePort(name: "postgres", port: port, targetPort: .int(port))], selector: selector))
    }

    /// `-rw` (the primary; the exposure's type), `-ro` (replicas), `-r` (any instance),
    /// `-headless` (every instance, 5432 and 8000, not-ready addresses published), and
    /// `-pooler` when the pooler is enabled.
    func services() -> [Service] {
        let instance = names.instance
        var result = [
            postgresService(
                names.readWriteService, component: "rw", type: loadBalancer ? "LoadBalancer" : "ClusterIP",
                selector: PostgresInstanceLabels.roleSelector(instance: instance, role: .primary)),
            postgresService(
                names.readOnlyService, component: "ro", type: "ClusterIP",
                selector: PostgresInstanceLabels.roleSelector(instance: instance, role: .replica)),
            postgresService(
                names.readService, component: "r", type: "ClusterIP",
                selector: PostgresInstanceLabels.instancesSelector(instance: instance)),
            Service(
                metadata: metadata(names.headlessService, component: "headless"),
                spec: ServiceSpec(
                    ports: [
                        ServicePort(
                            name: "postgres", port: PostgresInstanceDesiredState.postgresPort,
                            targetPort: .int(PostgresInstanceDesiredState.postgresPort)),
                        ServicePort(
                            name: "status", port: PostgresInstanceDesiredState.statusPort,
                            targetPort: .int(PostgresInstanceDesiredState.statusPort)),
                    ],
                    selector: PostgresInstanceLabels.instancesSelector(instance: instance), clusterIP: ServiceSpec.headless,
                    publishNotReadyAddresses: true)),
        ]
        if pooler.enabled {
            let port = PostgresInstanceDesiredState.postgresPort
            result.append(
                Service(
                    metadata: metadata(names.poolerService, component: PostgresInstanceLabels.poolerComponent),
                    spec: ServiceSpec(
                        type: "ClusterIP", ports: [ServicePort(name: "pgbouncer", port: port, targetPort: .int(port))],
                        selector: PostgresInstanceLabels.poolerSelector(instance: instance))))
        }
        return result
    }

    /// Pods of this namespace and of `allowedNamespaces`.
    private var clients: [NetworkPolicyPeer] {
        var peers = [NetworkPolicyPeer(podSelector: LabelSelector())]
        let allowed = Set(allowedNamespaces).subtracting([namespace])
        if !allowed.isEmpty {
            peers.append(
                NetworkPolicyPeer(
                    namespaceSelector: LabelSelector(matchExpressions: [
                        .init(key: Self.namespaceNameLabel, operator: .in, values: allowed.sorted())
                    ])))
        }
        return peers
    }

    /// The operator's namespace; `nil` (no rule restriction) when the operator runs outside a
    /// cluster.
    private var operatorPeers: [NetworkPolicyPeer]? {
        guard let ns = settings.operatorNamespace else { return nil }
        return [
            NetworkPolicyPeer(
                namespaceSelector: LabelSelector(matchExpressions: [.init(key: Self.namespaceNameLabel, operator: .in, values: [ns])]))
        ]
    }

    private func tcp(_ port: Int) -> NetworkPolicyPort { NetworkPolicyPort(protocol: "TCP", port: .int(port)) }

    /// The namespaces admitted to the metrics ports (``WorkloadMonitoring``).
    private var monitoring: WorkloadMonitoring { WorkloadMonitoring(namespaces: settings.monitoringNamespaces) }

    /// Ingress to the instance pods: 5432 from this namespace (other instances, the pooler,
    /// applications) and `allowedNamespaces`, from anywhere when `-rw` is a LoadBalancer; 8000
    /// only from the operator's namespace; 9187 from this namespace and the monitoring namespaces
    /// when metrics are on.
    func networkPolicy() -> NetworkPolicy {
        var rules = [
            NetworkPolicyIngressRule(from: loadBalancer ? nil : clients, ports: [tcp(PostgresInstanceDesiredState.postgresPort)]),
            NetworkPolicyIngressRule(from: operatorPeers, ports: [tcp(PostgresInstanceDesiredState.statusPort)]),
        ]
        if metrics {
            rules.append(monitoring.ingressRule(port: PostgresInstanceDesiredState.metricsPort))
        }
        return NetworkPolicy(
            metadata: metadata(names.networkPolicy, component: "network-policy"),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: PostgresInstanceLabels.instancesSelector(instance: names.instance)),
                ingress: rules, policyTypes: ["Ingress"]))
    }

    /// Ingress to the pooler's pods: 5432 from this namespace and `allowedNamespaces`, 8000 only
    /// from the operator's namespace; 9127 from this namespace and the monitoring namespaces
    /// when metrics are on.
    func poolerNetworkPolicy() -> NetworkPolicy {
        var rules = [
            NetworkPolicyIngressRule(from: clients, ports: [tcp(PostgresInstanceDesiredState.postgresPort)]),
            NetworkPolicyIngressRule(from: operatorPeers, ports: [tcp(PostgresInstanceDesiredState.statusPort)]),
        ]
        if metrics {
            rules.append(monitoring.ingressRule(port: PostgresInstanceDesiredState.poolerMetricsPort))
        }
        return NetworkPolicy(
            metadata: metadata(names.poolerNetworkPolicy, component: PostgresInstanceLabels.poolerComponent),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: PostgresInstanceLabels.poolerSelector(instance: names.instance)),
                ingress: rules, policyTypes: ["Ingress"]))
    }

    /// The instance managers' account: no token automounted (the pods project their own).
    func serviceAccount() -> ServiceAccount {
        ServiceAccount(metadata: metadata(names.serviceAccount, component: "instance"), automountServiceAccountToken: false)
    }

    /// `get` on this PostgresInstance only.
    func role() -> Role {
        Role(metadata: metadata(names.role, component: "instance"), rules: PostgresInstanceRoleRules.rules(instance: names.instance))
    }

    func roleBinding() -> RoleBinding {
        RoleBinding(
            metadata: metadata(names.roleBinding, component: "instance"),
            roleRef: RoleRef(kind: "Role", name: names.role),
            subjects: [Subject(kind: "ServiceAccount", name: names.serviceAccount, namespace: namespace)])
    }

    /// `<name>-primary` (minAvailable 1 on the primary) when more than one instance should run
    /// and the instances are not suspended; `nil` otherwise.
    func podDisruptionBudget() -> PodDisruptionBudget? {
        guard instances > 1, !suspended else { return nil }
        return PodDisruptionBudget(
            metadata: metadata(names.podDisruptionBudget, component: "disruption-budget"),
            spec: PodDisruptionBudgetSpec(
                minAvailable: .int(1),
                selector: LabelSelector(matchLabels: PostgresInstanceLabels.roleSelector(instance: names.instance, role: .primary))))
    }
}
