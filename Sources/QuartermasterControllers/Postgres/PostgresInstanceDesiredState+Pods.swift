import KubeCore

/// Instance pods and their claims.
extension PostgresInstanceDesiredState.Context {
    static let dataMount = PostgresImage.dataMountPath
    static let walMount = PostgresImage.walMountPath
    static let controllerMount = "/controller"
    static let secretsDir = "/etc/quartermaster"

    /// The data claim (and the WAL claim when `walStorage` is set) of `serial`. Owned by the
    /// instance only when `pvcRetention` is `Delete`.
    func claims(serial: Int) -> [PersistentVolumeClaim] {
        func claim(_ name: String, _ volume: Storage) -> PersistentVolumeClaim {
            var labels = self.labels(PostgresInstanceLabels.instanceComponent)
            labels[PostgresInstanceLabels.instanceNameKey] = names.pod(serial: serial)
            return PersistentVolumeClaim(
                metadata: ObjectMeta(
                    name: name, namespace: namespace, labels: labels,
                    annotations: [PostgresInstanceLabels.serialAnnotation: String(serial)],
                    ownerReferences: ownsClaims ? owner.map { [$0] } : nil),
                spec: PersistentVolumeClaimSpec(
                    accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": volume.size]),
                    storageClassName: volume.storageClassName))
        }
        var result = [claim(names.dataClaim(serial: serial), storage)]
        if let walStorage { result.append(claim(names.walClaim(serial: serial), walStorage)) }
        return result
    }

    /// The `bootstrap` init container: copies the operator's binary into the shared `controller`
    /// volume, from which the main container runs it. It asks for the `postgres` container's
    /// resources, so the pod's quota usage (the larger of init and main) is exactly those.
    func bootstrapContainer() -> Container {
        Container(
            name: "bootstrap", image: settings.operatorImage,
            command: ["/quartermaster", "instance", "install", "\(Self.controllerMount)/quartermaster"],
            resources: resources,
            volumeMounts: [VolumeMount(name: "controller", mountPath: Self.controllerMount)],
            securityContext: Self.containerSecurity)
    }

    static let containerSecurity = SecurityContext(
        allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: Capabilities(drop: ["ALL"]))

    static let podSecurity = PodSecurityContext(
        runAsNonRoot: true, runAsUser: PostgresImage.userID, runAsGroup: PostgresImage.groupID,
        fsGroup: PostgresImage.groupID, seccompProfile: SeccompProfile(type: "RuntimeDefault"))

    static let podEnvironment = [
        EnvVar(name: "POD_NAME", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.name"))),
        EnvVar(name: "POD_NAMESPACE", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.namespace"))),
        EnvVar(name: "POD_IP", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "status.podIP"))),
    ]

    /// The explicit service-account volume (the pods set `automountServiceAccountToken: false`):
    /// a bound token, the cluster's CA and the namespace.
    static let serviceAccountVolume = Volume(
        name: "serviceaccount",
        projected: [
            "sources": [
                ["serviceAccountToken": ["path": "token", "expirationSeconds": 3607]],
                ["configMap": ["name": "kube-root-ca.crt", "items": [["key": "ca.crt", "path": "ca.crt"]]]],
                [
                    "downwardAPI": [
                        "items": [["path": "namespace", "fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"]]]
                    ]
                ],
            ]
        ])

    /// The one `secrets` volume mounted at ``secretsDir``: each Secret's keys under its own
    /// directory (`server/tls.crt`, `replication/tls.key`, `app/password`, `pooler/password`,
    /// ...), readable by the pods' group (fsGroup ``PostgresImage/groupID``). One volume, so the
    /// instance manager's `--secrets-dir` names a mount and every file is found under it.
    static func secretsVolume(
        _ sources: [(directory: String, secret: String, keys: [String])], more: [JSONValue] = []
    ) -> Volume {
        let projections: [JSONValue] = more.isEmpty ? projected(sources) : projected(sources) + more
        return Volume(name: "secrets", projected: ["sources": .array(projections), "defaultMode": 0o440])
    }

    private static func projected(_ sources: [(directory: String, secret: String, keys: [String])]) -> [JSONValue] {
        sources.map { source in
            [
                "secret": [
                    "name": .string(source.secret),
                    "items": .array(source.keys.map { ["key": .string($0), "path": .string("\(source.directory)/\($0)")] }),
                ]
            ]
        }
    }

    /// The pod spec of instance `serial` (without its role: that is a label).
    func podSpec(serial: Int) -> PodSpec {
        var args = [
            "--cluster", names.instance, "--pgdata", PostgresImage.dataDirectory, "--bin-dir", PostgresImage.binDirectory(major: major),
            "--run-dir", "\(Self.controllerMount)/run", "--secrets-dir", Self.secretsDir, "--service-account-dir",
            PostgresInstanceDesiredState.serviceAccountDir,
        ]
        var mounts = [VolumeMount(name: "pgdata", mountPath: Self.dataMount)]
        var volumes = [
            Volume(name: "pgdata", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: names.dataClaim(serial: serial)))
        ]
        if walStorage != nil {
            args += ["--wal-dir", PostgresImage.walDirectory]
            mounts.append(VolumeMount(name: "pgwal", mountPath: Self.walMount))
            volumes.append(
                Volume(name: "pgwal", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: names.walClaim(serial: serial))))
        }
        mounts += [
            VolumeMount(name: "controller", mountPath: Self.controllerMount),
            VolumeMount(name: "secrets", mountPath: Self.secretsDir, readOnly: true),
            VolumeMount(name: "serviceaccount", mountPath: PostgresInstanceDesiredState.serviceAccountDir, readOnly: true),
        ]
        volumes += [
            Volume(name: "controller", emptyDir: EmptyDirVolumeSource()),
            Self.secretsVolume([
                ("server", names.serverSecret, ["tls.crt", "tls.key", "ca.crt"]),
                ("replication", names.replicationSecret, ["tls.crt", "tls.key", "ca.crt"]),
                ("app", names.appSecret, ["username", "password"]),
                ("pooler", names.poolerSecret, ["password"]),
            ], more: backupSecretProjections()),
            Self.serviceAccountVolume,
        ]
        let postgres = Container(
            name: "postgres", image: image,
            command: ["\(Self.controllerMount)/quartermaster", "instance", "run"], args: args,
            env: Self.podEnvironment,
            ports: [
                ContainerPort(name: "postgres", containerPort: PostgresInstanceDesiredState.postgresPort),
                ContainerPort(name: "status", containerPort: PostgresInstanceDesiredState.statusPort),
                ContainerPort(name: "metrics", containerPort: PostgresInstanceDesiredState.metricsPort),
            ],
            resources: resources, volumeMounts: mounts,
            readinessProbe: Probe(httpGet: HTTPGetAction(path: "/readyz", port: .int(PostgresInstanceDesiredState.statusPort))),
            livenessProbe: Probe(
                httpGet: HTTPGetAction(path: "/healthz", port: .int(PostgresInstanceDesiredState.statusPort)), periodSeconds: 10,
                failureThreshold: 6),
            securityContext: Self.containerSecurity)
        return PodSpec(
            containers: [postgres], initContainers: [bootstrapContainer()], volumes: volumes,
            serviceAccountName: names.serviceAccount, automountServiceAccountToken: false, securityContext: Self.podSecurity,
            nodeSelector: nodeSelector, affinity: affinity, tolerations: tolerations,
            terminationGracePeriodSeconds: 60, enableServiceLinks: false,
            hostname: names.pod(serial: serial), subdomain: names.headlessService)
    }

    /// Instance `serial`'s pod with `role`'s label and the spec hash; with metrics on, the
    /// `prometheus.io/*` annotations naming port 9187 (``WorkloadMonitoring/annotations(port:)``).
    func pod(serial: Int, role: PostgresPodRole) -> Pod {
        let spec = podSpec(serial: serial)
        var annotations = [PostgresInstanceDesiredState.podSpecHashAnnotation: PostgresInstanceDesiredState.hash(of: spec)]
        if metrics {
            annotations.merge(WorkloadMonitoring.annotations(port: PostgresInstanceDesiredState.metricsPort)) { a, _ in a }
        }
        var metadata = self.metadata(
            names.pod(serial: serial), component: PostgresInstanceLabels.instanceComponent, annotations: annotations)
        metadata.labels?[PostgresInstanceLabels.instanceNameKey] = names.pod(serial: serial)
        metadata.labels?[PostgresInstanceLabels.roleKey] = role.rawValue
        return Pod(metadata: metadata, spec: spec)
    }
}
