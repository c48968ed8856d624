import KubeCore

/// The apps/v1 Deployment and its pod template.
///
/// - Image: the pinned ``AppDeploymentContext/image`` (`imagePullPolicy: IfNotPresent`: a
///   digest never changes).
/// - Pod Security "restricted": `runAsNonRoot` (the image must run as a numeric non-root
///   user), RuntimeDefault seccomp, no privilege escalation, all capabilities dropped. The root
///   file system stays writable (any image runs); with a volume, `fsGroup` makes it writable
///   by the app's user.
/// - No service account token, no service links (an app must not see every Service of the
///   namespace as environment variables).
/// - Probes on the port: HTTP GET `healthCheck.path` when set, else a TCP connect; readiness,
///   liveness, and a startup probe allowing five minutes before liveness counts.
/// - Environment: `DATABASE_URL` from key `uri` of the database Secret (a `secretKeyRef`: the
///   URI itself is never in the pod spec) and `PGSSLROOTCERT` naming the Secret's `ca.crt`,
///   mounted read-only (the URI asks for `verify-full`), `IPFS_API` and `IPFS_API_URL` when bound, then
///   `spec.env` (which may refer to those as `$(DATABASE_URL)`), and `spec.envFrom`.
/// - Replicas: 0 while suspended; with an autoscaler, left out (the HPA owns them) except
///   when there is no Deployment yet or it has 0 (then `minReplicas`); `minReplicas` when the
///   server serves no autoscaling/v2; else `spec.replicas`.
/// - Strategy: `Recreate` with a `ReadWriteOnce` volume (the new pod could not mount the
///   claim the old one holds); else `RollingUpdate` with one surge pod and none unavailable.
extension AppDeploymentDesiredState.Renderer {
    /// The startup probe: every 10 s, up to 30 failures (five minutes) before the kubelet
    /// restarts the container; liveness counts only after it succeeded.
    static let startupProbeFailureThreshold = 30
    static let startupProbePeriodSeconds = 10
    /// `fsGroup` of a pod with a volume: any group works, it is added to the app's user.
    static let volumeFSGroup: Int64 = 1000

    func deployment() -> Deployment {
        Deployment(
            metadata: metadata(names.deployment),
            spec: DeploymentSpec(
                replicas: replicas, selector: LabelSelector(matchLabels: selector), template: podTemplate(),
                strategy: strategy, revisionHistoryLimit: AppDeploymentDesiredState.appsRevisionHistoryLimit,
                progressDeadlineSeconds: spec.progressDeadlineSeconds))
    }

    var replicas: Int? {
        if suspended { return 0 }
        if autoscaled {
            guard let current = context.currentReplicas, current > 0 else { return baseReplicas }
            return nil
        }
        return baseReplicas
    }

    /// `true` when a new pod cannot mount the claim while an old one holds it.
    var recreates: Bool { volume.map { $0.accessMode != .readWriteMany } ?? false }

    var strategy: DeploymentStrategy {
        recreates
            ? DeploymentStrategy(type: "Recreate")
            : DeploymentStrategy(
                type: "RollingUpdate", rollingUpdate: .init(maxUnavailable: .int(0), maxSurge: .int(Self.rollingSurge)))
    }

    /// Pods a rolling update runs beyond the replicas (quota counts them).
    static let rollingSurge = 1

    func podTemplate() -> PodTemplateSpec {
        var podLabels = labels
        if let ipfs = context.ipfs { podLabels[AppDeploymentLabels.ipfsClient] = ipfs.cluster }
        let pullSecrets = spec.imagePullSecrets
        return PodTemplateSpec(
            metadata: ObjectMeta(
                labels: podLabels, annotations: [AppDeploymentObservedRollout.revisionAnnotation: String(context.revision)]),
            spec: PodSpec(
                containers: [container()],
                volumes: podVolumes.isEmpty ? nil : podVolumes,
                automountServiceAccountToken: false,
                securityContext: PodSecurityContext(
                    runAsNonRoot: true, fsGroup: volume == nil ? nil : Self.volumeFSGroup,
                    fsGroupChangePolicy: volume == nil ? nil : "OnRootMismatch",
                    seccompProfile: SeccompProfile(type: "RuntimeDefault")),
                nodeSelector: context.tenant.nodeSelector(mergedOver: nil),
                imagePullSecrets: pullSecrets.isEmpty ? nil : pullSecrets.map { LocalObjectReference(name: $0) },
                enableServiceLinks: false))
    }

    func container() -> Container {
        let portRef = IntOrString.int(port)
        func probe(periodSeconds: Int, failureThreshold: Int) -> Probe {
            if let path = spec.healthCheck?.path {
                return Probe(
                    httpGet: HTTPGetAction(path: path, port: portRef), periodSeconds: periodSeconds, timeoutSeconds: 5,
                    failureThreshold: failureThreshold)
            }
            return Probe(
                tcpSocket: TCPSocketAction(port: portRef), periodSeconds: periodSeconds, timeoutSeconds: 5,
                failureThreshold: failureThreshold)
        }
        let envFrom = spec.envFrom
        return Container(
            name: AppDeploymentNames.container, image: context.image, imagePullPolicy: "IfNotPresent",
            command: spec.command, args: spec.args, env: environment.isEmpty ? nil : environment,
            envFrom: envFrom.isEmpty ? nil : envFrom,
            ports: [ContainerPort(name: AppDeploymentNames.portName, containerPort: port)],
            resources: resources,
            volumeMounts: volumeMounts.isEmpty ? nil : volumeMounts,
            readinessProbe: probe(periodSeconds: 10, failureThreshold: 3),
            livenessProbe: probe(periodSeconds: 20, failureThreshold: 3),
            startupProbe: probe(
                periodSeconds: Self.startupProbePeriodSeconds, failureThreshold: Self.startupProbeFailureThreshold),
            securityContext: SecurityContext(
                runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: Capabilities(drop: ["ALL"]),
                seccompProfile: SeccompProfile(type: "RuntimeDefault")),
            terminationMessagePolicy: "FallbackToLogsOnError")
    }

    /// The data claim, and the database CA (the one key of the credentials Secret; optional, so
    /// a Secret without it does not keep the pod from starting).
    var podVolumes: [KubeCore.Volume] {
        var volumes: [KubeCore.Volume] = []
        if volume != nil {
            volumes.append(
                KubeCore.Volume(
                    name: AppDeploymentNames.dataVolume,
                    persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: names.dataClaim)))
        }
        if let secret = context.databaseSecretName {
            let key = AppDeploymentEnvironment.databaseCAKey
            volumes.append(
                KubeCore.Volume(
                    name: AppDeploymentNames.databaseCAVolume,
                    secret: SecretVolumeSource(
                        secretName: secret, items: [KeyToPath(key: key, path: key)], defaultMode: 0o444, optional: true)))
        }
        return volumes
    }

    var volumeMounts: [VolumeMount] {
        var mounts: [VolumeMount] = []
        if let volume { mounts.append(VolumeMount(name: AppDeploymentNames.dataVolume, mountPath: volume.mountPath)) }
        if context.databaseSecretName != nil {
            mounts.append(
                VolumeMount(
                    name: AppDeploymentNames.databaseCAVolume, mountPath: AppDeploymentEnvironment.databaseCADirectory,
                    readOnly: true))
        }
        return mounts
    }

    /// The bound variables first, then `spec.env`.
    var environment: [EnvVar] {
        var env: [EnvVar] = []
        if let secret = context.databaseSecretName {
            env.append(
                .secret(
                    AppDeploymentValidation.databaseURLVariable, secretName: secret,
                    key: AppDeploymentEnvironment.databaseURIKey))
            if !spec.env.contains(where: { $0.name == AppDeploymentEnvironment.sslRootCertificate }) {
                env.append(EnvVar(name: AppDeploymentEnvironment.sslRootCertificate, value: AppDeploymentEnvironment.databaseCAPath))
            }
        }
        if let ipfs = context.ipfs {
            // `IPFS_API` (the multiaddress), `IPFS_API_URL` (the URL).
            env += zip(AppDeploymentValidation.ipfsVariables, [ipfs.multiaddr, ipfs.url]).map { EnvVar(name: $0, value: $1) }
        }
        return env + spec.env
    }
}
