import Foundation
import KubeCore
import Testing

@Suite struct ObjectEncodingTests {
    func json(_ value: some Encodable) throws -> String { String(decoding: try KubeJSON.encode(value), as: UTF8.self) }

    @Test func typeMetaAlwaysEncodedAndNilsOmitted() throws {
        #expect(try json(ConfigMap()) == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#)
        #expect(try json(Namespace(metadata: .init(name: "a"))) == #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}"#)
        #expect(try json(Role()) == #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{}}"#)
        #expect(try json(Scale()) == #"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{}}"#)
    }

    /// An apply body built from typed models must never contain `null`: the server would read
    /// it as "remove this field".
    @Test func applyBodyOfAFullStatefulSetHasNoNull() throws {
        let labels = ["app": "pg"]
        let sts = StatefulSet(
            metadata: ObjectMeta(name: "pg", namespace: "team-a", labels: labels),
            spec: StatefulSetSpec(
                serviceName: "pg", replicas: 1, selector: LabelSelector(matchLabels: labels),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(labels: labels),
                    spec: PodSpec(
                        containers: [
                            Container(
                                name: "pg", image: "postgres:16",
                                env: [.secret("PW", secretName: "s", key: "pw"), .field("NAME", fieldPath: "metadata.name")],
                                ports: [ContainerPort(name: "pg", containerPort: 5432)],
                                resources: ResourceRequirements(requests: ["cpu": "250m"]),
                                readinessProbe: Probe(tcpSocket: TCPSocketAction(port: 5432)),
                                securityContext: .restricted)
                        ],
                        volumes: [Volume(name: "cfg", configMap: ConfigMapVolumeSource(name: "cfg"))],
                        securityContext: PodSecurityContext(fsGroup: 999),
                        affinity: Affinity(
                            podAntiAffinity: PodAntiAffinity(preferredDuringSchedulingIgnoredDuringExecution: [
                                WeightedPodAffinityTerm(
                                    weight: 50,
                                    podAffinityTerm: PodAffinityTerm(
                                        labelSelector: LabelSelector(matchLabels: labels),
                                        topologyKey: "kubernetes.io/hostname"))
                            ])),
                        tolerations: [Toleration(key: "k", operator: "Exists")])),
                volumeClaimTemplates: [
                    PersistentVolumeClaim(
                        metadata: ObjectMeta(name: "data"),
                        spec: PersistentVolumeClaimSpec(
                            accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "1Gi"])))
                ]))
        let out = try json(sts)
        #expect(!out.contains("null"))
        #expect(out.contains(#""apiVersion":"apps/v1""#))
        #expect(out.contains(#""volumeClaimTemplates":[{"apiVersion":"v1","kind":"PersistentVolumeClaim""#))
        #expect(out.contains(#""requests":{"cpu":"250m"}"#))
        #expect(out.contains(#""valueFrom":{"secretKeyRef":{"key":"pw","name":"s"}}"#))
        #expect(out.contains(#""securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"readOnlyRootFilesystem":true,"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}"#))
        #expect(!out.contains("status"))
        #expect(try KubeJSON.decode(StatefulSet.self, from: Data(out.utf8)) == sts)
    }

    @Test func headlessServiceEncoding() throws {
        let svc = Service(
            metadata: ObjectMeta(name: "pg"),
            spec: ServiceSpec(ports: [ServicePort(name: "pg", port: 5432, targetPort: "pg")], selector: ["app": "pg"],
                              clusterIP: ServiceSpec.headless))
        #expect(
            try json(svc)
                == #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"pg"},"spec":{"clusterIP":"None","ports":[{"name":"pg","port":5432,"protocol":"TCP","targetPort":"pg"}],"selector":{"app":"pg"}}}"#
        )
    }

    @Test func rbacAndAccessReview() throws {
        let rb = RoleBinding(
            metadata: ObjectMeta(name: "rb"), roleRef: RoleRef(kind: "Role", name: "r"),
            subjects: [.serviceAccount("qm", namespace: "ops")])
        #expect(
            try json(rb)
                == #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"qm","namespace":"ops"}]}"#
        )
        let review = SelfSubjectAccessReview(verb: "list", StatefulSet.resource, namespace: "a")
        #expect(
            try json(review)
                == #"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},"spec":{"resourceAttributes":{"group":"apps","namespace":"a","resource":"statefulsets","verb":"list","version":"v1"}}}"#
        )
    }

    @Test func intOrString() throws {
        struct Box: Codable, Equatable { var a: IntOrString; var b: IntOrString }
        let box = try KubeJSON.decode(Box.self, from: Data(#"{"a":3,"b":"25%"}"#.utf8))
        #expect(box == Box(a: 3, b: "25%"))
        #expect(try json(box) == #"{"a":3,"b":"25%"}"#)
        #expect(IntOrString.string("25%").resolve(total: 10, roundUp: true) == 3)
        #expect(IntOrString.string("25%").resolve(total: 10, roundUp: false) == 2)
        #expect(IntOrString.string("x").resolve(total: 10, roundUp: false) == nil)
    }

    @Test func resourceDescriptors() {
        #expect(StatefulSet.resource.path(namespace: "a", name: "pg") == "/apis/apps/v1/namespaces/a/statefulsets/pg")
        #expect(Namespace.resource.path(namespace: "a", name: "x") == "/api/v1/namespaces/x")
        #expect(CustomResourceDefinition.resource.apiVersion == "apiextensions.k8s.io/v1")
        #expect(PodDisruptionBudget.resource.path(namespace: "a") == "/apis/policy/v1/namespaces/a/poddisruptionbudgets")
        #expect(StorageClass.resource.namespaced == false && ClusterRoleBinding.resource.namespaced == false)
        #expect(Ingress.resource.groupVersionPath == "/apis/networking.k8s.io/v1")
    }
}
