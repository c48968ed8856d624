import KubeCore

/// The PgBouncer pooler: a Deployment running the instance manager's `pooler` command in
/// ``PostgresImage/pgbouncer``, which renders `pgbouncer.ini` for the current primary. With
/// `spec.metrics.enabled` it serves PgBouncer's pools and stats on port 9127 (`metrics`) and the
/// pod template carries the `prometheus.io/*` annotations (``WorkloadMonitoring``).
extension PostgresInstanceDesiredState.Context {
    func poolerDeployment() -> Deployment {
        let selector = PostgresInstanceLabels.poolerSelector(instance: names.instance)
        var ports = [
            ContainerPort(name: "pgbouncer", containerPort: PostgresInstanceDesiredState.postgresPort),
            ContainerPort(name: "status", containerPort: PostgresInstanceDesiredState.statusPort),
        ]
        if metrics {
            ports.append(ContainerPort(name: WorkloadMonitoring.portName, containerPort: PostgresInstanceDesiredState.poolerMetricsPort))
        }
        let container = Container(
            name: "pgbouncer", image: PostgresImage.pgbouncer,
            command: ["\(Self.controllerMount)/quartermaster", "instance", "pooler"],
            args: [
                "--cluster", names.instance, "--config-dir", "\(Self.controllerMount)/pgbouncer", "--secrets-dir", Self.secretsDir,
                "--service-account-dir", PostgresInstanceDesiredState.serviceAccountDir, "--pgbouncer",
                PostgresImage.pgbouncerProgram, "--metrics-port", metrics ? String(PostgresInstanceDesiredState.poolerMetricsPort) : "0",
            ],
            env: Self.podEnvironment,
            ports: ports,
            resources: poolerResources,
            volumeMounts: [
                VolumeMount(name: "controller", mountPath: Self.controllerMount),
                VolumeMount(name: "secrets", mountPath: Self.secretsDir, readOnly: true),
                VolumeMount(name: "serviceaccount", mountPath: PostgresInstanceDesiredState.serviceAccountDir, readOnly: true),
            ],
            readinessProbe: Probe(httpGet: HTTPGetAction(path: "/readyz", port: .int(PostgresInstanceDesiredState.statusPort))),
            livenessProbe: Probe(
                httpGet: HTTPGetAction(path: "/healthz", port: .int(PostgresInstanceDesiredState.statusPort)), periodSeconds: 10,
                failureThreshold: 6),
            securityContext: Self.containerSecurity)
        // The init container asks for what the pod's one container asks for: the pod's quota
        // usage (the larger of the two) is exactly pgbouncer's.
        var bootstrap = bootstrapContainer()
        bootstrap.resources = poolerResources
        return Deployment(
            metadata: metadata(names.poolerDeployment, component: PostgresInstanceLabels.poolerComponent),
            spec: DeploymentSpec(
                replicas: pooler.instances, selector: LabelSelector(matchLabels: selector),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(
                        labels: labels(PostgresInstanceLabels.poolerComponent),
                        annotations: metrics ? WorkloadMonitoring.annotations(port: PostgresInstanceDesiredState.poolerMetricsPort) : nil),
                    spec: PodSpec(
                        containers: [container], initContainers: [bootstrap],
                        volumes: [
                            Volume(name: "controller", emptyDir: EmptyDirVolumeSource()),
                            Self.secretsVolume([("pooler", names.poolerSecret, ["password", "tls.crt", "tls.key", "ca.crt"])]),
                            Self.serviceAccountVolume,
                        ],
                        serviceAccountName: names.serviceAccount, automountServiceAccountToken: false,
                        securityContext: Self.podSecurity, nodeSelector: nodeSelector, affinity: affinity,
                        tolerations: tolerations, enableServiceLinks: false))))
    }
}
