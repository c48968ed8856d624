import KubeCore

/// The StatefulSet: one pod per peer, each with a kubo and an ipfs-cluster container, and
/// (`spec.metrics.enabled`) a `metrics-proxy` container serving kubo's and ipfs-cluster's
/// metrics together on port 9401 (``WorkloadMonitoring``), with the `prometheus.io/*` annotations.
///
/// - `podManagementPolicy: Parallel`: peers start together (each bootstraps from the others).
/// - `serviceName`: the headless Service, giving pods `<pod>.<name>-peers.<ns>.svc.<domain>`.
/// - Pod Security "restricted": non-root uid 1000 (fsGroup 1000), RuntimeDefault seccomp,
///   every container without privilege escalation, all capabilities dropped, read-only root
///   file system (writable: the data volumes and an emptyDir at /tmp).
/// - No service account token and no service links (ipfs-cluster reads `CLUSTER_*`
///   environment variables, which service links could inject).
/// - Each container mounts only the Secret keys it needs.
/// - Probes: kubo is ready when its gateway serves the empty inline CID `bafkqaaa` (no
///   network needed) and alive while its swarm port accepts connections; ipfs-cluster is ready
///   when its REST API port accepts connections and alive while its cluster swarm port does.
///   Generous startup probes leave time for repository migrations.
/// - Default affinity: preferred pod anti-affinity on `kubernetes.io/hostname` against the
///   instance's own pods; `spec.affinity` replaces it.
/// - The Tenant's forced node selector is merged over `spec.nodeSelector`.
/// - `spec.suspended` or the Tenant's suspension: `replicas: 0` and nothing else changes (same template, same config
///   hash, same claim templates), so the claims stay and resuming starts the same peers.
extension IPFSClusterDesiredState.Context {
    func statefulSet(configHash: String) throws -> StatefulSet {
        let podLabels = labels("peer")
        let podSpec = PodSpec(
            containers: [try kuboContainer(), try clusterContainer()] + (spec.metrics.enabled ? [metricsProxyContainer()] : []),
            volumes: volumes(),
            automountServiceAccountToken: false,
            securityContext: PodSecurityContext(
                runAsNonRoot: true, runAsUser: IPFSClusterDesiredState.podUser, fsGroup: IPFSClusterDesiredState.podUser,
                fsGroupChangePolicy: "OnRootMismatch", seccompProfile: SeccompProfile(type: "RuntimeDefault")),
            nodeSelector: tenant.nodeSelector(mergedOver: spec.nodeSelector),
            affinity: try affinity(),
            tolerations: try tolerations(),
            imagePullSecrets: spec.imagePullSecrets.isEmpty ? nil : spec.imagePullSecrets.map { LocalObjectReference(name: $0) },
            terminationGracePeriodSeconds: 60,
            enableServiceLinks: false)
        return StatefulSet(
            metadata: metadata(names.statefulSet, component: "peer"),
            spec: StatefulSetSpec(
                serviceName: names.headlessService,
                replicas: suspended ? 0 : spec.replicas,
                selector: LabelSelector(matchLabels: selector),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(labels: podLabels, annotations: podAnnotations(configHash: configHash)),
                    spec: podSpec),
                volumeClaimTemplates: try claimTemplates(),
                podManagementPolicy: "Parallel",
                updateStrategy: StatefulSetUpdateStrategy(type: "RollingUpdate")))
    }

    /// The config hash, and the `prometheus.io/*` annotations when metrics are on.
    func podAnnotations(configHash: String) -> [String: String] {
        var annotations = [IPFSClusterDesiredState.configHashAnnotation: configHash]
        if spec.metrics.enabled {
            annotations.merge(WorkloadMonitoring.annotations(port: WorkloadMonitoring.proxyPort)) { a, _ in a }
        }
        return annotations
    }

    /// The proxy in front of kubo's `/debug/metrics/prometheus` (on the RPC API, which must not
    /// be reachable by Prometheus) and ipfs-cluster's metrics listener (on 127.0.0.1); kubo's Go
    /// runtime families win over ipfs-cluster's.
    func metricsProxyContainer() -> Container {
        monitoring.proxyContainer(upstreams: [
            "kubo=http://127.0.0.1:\(Self.kuboAPIPort)/debug/metrics/prometheus",
            "ipfs-cluster=http://127.0.0.1:\(Self.metricsPort)/metrics",
        ])
    }

    /// The claim templates (immutable once the StatefulSet exists): `ipfs-data` and
    /// `cluster-data`, ReadWriteOnce, size and class from `spec.storage`.
    func claimTemplates() throws -> [PersistentVolumeClaim] {
        func claim(_ name: String, _ volume: IPFSClusterSpec.Volume, field: String) throws -> PersistentVolumeClaim {
            guard let size = Quantity(parsing: volume.size) else {
                throw IPFSClusterDesiredStateError.invalidQuantity(field: "spec.storage.\(field).size")
            }
            // Stable labels only: templates can never be changed.
            return PersistentVolumeClaim(
                metadata: ObjectMeta(name: name, labels: labels("storage")),
                spec: PersistentVolumeClaimSpec(
                    accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": size]),
                    storageClassName: volume.storageClassName))
        }
        return [
            try claim(IPFSClusterNames.ipfsDataVolume, spec.storage.ipfs, field: "ipfs"),
            try claim(IPFSClusterNames.clusterDataVolume, spec.storage.cluster, field: "cluster"),
        ]
    }

    static let configVolume = "config"
    static let kuboSecretVolume = "kubo-secret"
    static let clusterSecretVolume = "cluster-secret"
    static let kuboTmpVolume = "kubo-tmp"
    static let clusterTmpVolume = "cluster-tmp"

    func volumes() -> [Volume] {
        typealias Key = IPFSClusterIdentities.SecretKey
        let peers = 0..<min(spec.replicas, identities.count)
        let kuboKeys = peers.map { Key.kuboKey($0) } + [Key.swarmKey]
        let clusterKeys = peers.map { Key.clusterKey($0) } + [Key.clusterSecret, Key.apiUsername, Key.apiPassword]
        func secret(_ name: String, _ keys: [String]) -> Volume {
            Volume(
                name: name,
                secret: SecretVolumeSource(
                    secretName: names.secret, items: keys.map { KeyToPath(key: $0, path: $0) }, defaultMode: 0o440))
        }
        return [
            Volume(name: Self.configVolume, configMap: ConfigMapVolumeSource(name: names.configMap, defaultMode: 0o444)),
            secret(Self.kuboSecretVolume, kuboKeys),
            secret(Self.clusterSecretVolume, clusterKeys),
            Volume(name: Self.kuboTmpVolume, emptyDir: EmptyDirVolumeSource()),
            Volume(name: Self.clusterTmpVolume, emptyDir: EmptyDirVolumeSource()),
        ]
    }

    func kuboContainer() throws -> Container {
        Container(
            name: "kubo", image: spec.images.kubo,
            command: ["/bin/sh", "\(IPFSClusterDesiredState.configMountPath)/\(IPFSEntrypointScripts.kuboScriptKey)"],
            env: [
                EnvVar(name: "IPFS_PATH", value: IPFSClusterDesiredState.ipfsPath),
                EnvVar(name: "QM_PRIVATE_SWARM", value: spec.privateSwarm ? "true" : "false"),
            ],
            ports: [
                ContainerPort(name: "swarm", containerPort: Self.swarmPort),
                ContainerPort(name: "swarm-udp", containerPort: Self.swarmPort, protocol: "UDP"),
                ContainerPort(name: "gateway", containerPort: Self.gatewayPort),
                ContainerPort(name: "kubo-api", containerPort: Self.kuboAPIPort),
            ],
            resources: try resources(IPFSResourceDefaults.kubo(spec), field: "spec.resources.kubo"),
            volumeMounts: [
                VolumeMount(name: IPFSClusterNames.ipfsDataVolume, mountPath: IPFSClusterDesiredState.ipfsPath),
                VolumeMount(name: Self.configVolume, mountPath: IPFSClusterDesiredState.configMountPath, readOnly: true),
                VolumeMount(name: Self.kuboSecretVolume, mountPath: IPFSClusterDesiredState.secretMountPath, readOnly: true),
                VolumeMount(name: Self.kuboTmpVolume, mountPath: "/tmp"),
            ],
            readinessProbe: Probe(
                httpGet: HTTPGetAction(path: "/ipfs/bafkqaaa", port: .int(Self.gatewayPort)), periodSeconds: 10,
                timeoutSeconds: 5, failureThreshold: 3),
            livenessProbe: Probe(
                tcpSocket: TCPSocketAction(port: .int(Self.swarmPort)), periodSeconds: 20, timeoutSeconds: 5,
                failureThreshold: 6),
            startupProbe: Probe(
                tcpSocket: TCPSocketAction(port: .int(Self.swarmPort)), periodSeconds: 10, timeoutSeconds: 5,
                failureThreshold: 60),
            securityContext: .restricted,
            terminationMessagePolicy: "FallbackToLogsOnError")
    }

    func clusterContainer() throws -> Container {
        let ports = [
            ContainerPort(name: "api", containerPort: Self.apiPort),
            ContainerPort(name: "cluster-swarm", containerPort: Self.clusterSwarmPort),
        ]
        return Container(
            name: "ipfs-cluster", image: spec.images.cluster,
            command: ["/bin/sh", "\(IPFSClusterDesiredState.configMountPath)/\(IPFSEntrypointScripts.clusterScriptKey)"],
            env: [EnvVar(name: "IPFS_CLUSTER_PATH", value: IPFSClusterDesiredState.clusterPath)],
            ports: ports,
            resources: try resources(IPFSResourceDefaults.cluster(spec), field: "spec.resources.cluster"),
            volumeMounts: [
                VolumeMount(name: IPFSClusterNames.clusterDataVolume, mountPath: IPFSClusterDesiredState.clusterPath),
                VolumeMount(name: Self.configVolume, mountPath: IPFSClusterDesiredState.configMountPath, readOnly: true),
                VolumeMount(name: Self.clusterSecretVolume, mountPath: IPFSClusterDesiredState.secretMountPath, readOnly: true),
                VolumeMount(name: Self.clusterTmpVolume, mountPath: "/tmp"),
            ],
            readinessProbe: Probe(
                tcpSocket: TCPSocketAction(port: .int(Self.apiPort)), periodSeconds: 10, timeoutSeconds: 5,
                failureThreshold: 3),
            livenessProbe: Probe(
                tcpSocket: TCPSocketAction(port: .int(Self.clusterSwarmPort)), periodSeconds: 20, timeoutSeconds: 5,
                failureThreshold: 6),
            startupProbe: Probe(
                tcpSocket: TCPSocketAction(port: .int(Self.clusterSwarmPort)), periodSeconds: 10, timeoutSeconds: 5,
                failureThreshold: 60),
            securityContext: .restricted,
            terminationMessagePolicy: "FallbackToLogsOnError")
    }

    func resources(_ r: IPFSClusterSpec.ResourceRequirements, field: String) throws -> ResourceRequirements {
        func quantities(_ m: [String: String]?, _ part: String) throws -> [String: Quantity]? {
            guard let m, !m.isEmpty else { return nil }
            var out: [String: Quantity] = [:]
            for (k, v) in m {
                guard let q = Quantity(parsing: v) else {
                    throw IPFSClusterDesiredStateError.invalidQuantity(field: "\(field).\(part).\(k)")
                }
                out[k] = q
            }
            return out
        }
        return ResourceRequirements(limits: try quantities(r.limits, "limits"), requests: try quantities(r.requests, "requests"))
    }

    func tolerations() throws -> [Toleration]? {
        guard let raw = spec.tolerations, !raw.isEmpty else { return nil }
        do { return try raw.map { try $0.decode(as: Toleration.self) } } catch {
            throw IPFSClusterDesiredStateError.invalidScheduling(field: "spec.tolerations")
        }
    }

    func affinity() throws -> Affinity {
        if let raw = spec.affinity, raw != .null {
            do { return try raw.decode(as: Affinity.self) } catch {
                throw IPFSClusterDesiredStateError.invalidScheduling(field: "spec.affinity")
            }
        }
        return Affinity(
            podAntiAffinity: PodAntiAffinity(preferredDuringSchedulingIgnoredDuringExecution: [
                WeightedPodAffinityTerm(
                    weight: 100,
                    podAffinityTerm: PodAffinityTerm(
                        labelSelector: LabelSelector(matchLabels: selector), topologyKey: "kubernetes.io/hostname"))
            ]))
    }
}
