import Foundation
import KubeCore

/// Objects built with the typed models, as a controller would build them.
enum ModelSamples {
    /// A StatefulSet using most of the pod model: applied to a v1.20 server, it was accepted
    /// and read back as `RealServerSamples.statefulSetFromModel`.
    static var fullStatefulSet: StatefulSet {
        let labels = ["app": "dump"]
        return StatefulSet(
            metadata: ObjectMeta(name: "dump", namespace: "team-a", labels: labels),
            spec: StatefulSetSpec(
                serviceName: "dump", replicas: 2, selector: LabelSelector(matchLabels: labels),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(labels: labels),
                    spec: PodSpec(
                        containers: [
                            Container(
                                name: "pg", image: "postgres:16", args: ["-c", "x=1"],
                                env: [.secret("PW", secretName: "s", key: "pw"), .field("NAME", fieldPath: "metadata.name"), EnvVar(name: "A", value: "b")],
                                envFrom: [EnvFromSource(configMapRef: .init(name: "cfg", optional: true))],
                                ports: [ContainerPort(name: "pg", containerPort: 5432), ContainerPort(name: "m", containerPort: 9187)],
                                resources: ResourceRequirements(limits: ["memory": "1.5Gi", "cpu": "2"], requests: ["cpu": "250m"]),
                                volumeMounts: [VolumeMount(name: "data", mountPath: "/data"), VolumeMount(name: "cfg", mountPath: "/cfg", readOnly: true)],
                                readinessProbe: Probe(exec: ExecAction(command: ["pg_isready"]), periodSeconds: 5),
                                livenessProbe: Probe(tcpSocket: TCPSocketAction(port: 5432)),
                                startupProbe: Probe(httpGet: HTTPGetAction(path: "/", port: "m"), failureThreshold: 30),
                                securityContext: .restricted)
                        ],
                        volumes: [Volume(name: "cfg", configMap: ConfigMapVolumeSource(name: "cfg", items: [KeyToPath(key: "a", path: "b")], defaultMode: 0o440)),
                                  Volume(name: "tmp", emptyDir: EmptyDirVolumeSource(medium: "Memory", sizeLimit: "64Mi")),
                                  Volume(name: "tls", secret: SecretVolumeSource(secretName: "tls"))],
                        serviceAccountName: "default",
                        securityContext: PodSecurityContext(runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: SeccompProfile(type: "RuntimeDefault")),
                        affinity: Affinity(
                            podAntiAffinity: PodAntiAffinity(preferredDuringSchedulingIgnoredDuringExecution: [
                                WeightedPodAffinityTerm(weight: 50, podAffinityTerm: PodAffinityTerm(labelSelector: LabelSelector(matchLabels: labels), topologyKey: "kubernetes.io/hostname"))
                            ])),
                        tolerations: [Toleration(key: "k", operator: "Exists", effect: "NoSchedule")],
                        topologySpreadConstraints: [TopologySpreadConstraint(maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: LabelSelector(matchLabels: labels))])),
                volumeClaimTemplates: [
                    PersistentVolumeClaim(
                        metadata: ObjectMeta(name: "data"),
                        spec: PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "1Gi"])))
                ],
                podManagementPolicy: "Parallel",
                updateStrategy: StatefulSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: .init(partition: 0))))
    }
}
