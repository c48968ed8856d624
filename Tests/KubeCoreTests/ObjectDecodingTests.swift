import Foundation
import KubeCore
import Testing

@Suite struct ObjectDecodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try KubeJSON.decode(T.self, from: Data(json.utf8))
    }

    func json(_ value: some Encodable) throws -> String { String(decoding: try KubeJSON.encode(value), as: UTF8.self) }

    @Test func statefulSetDecodesEveryModelledField() throws {
        let s = try decode(StatefulSet.self, ObjectSamples.statefulSet)
        #expect(s.apiVersion == "apps/v1" && s.kind == "StatefulSet")
        #expect(s.metadata.name == "pg" && s.metadata.generation == 3)
        #expect(s.metadata.ownerReferences?.first?.controller == true)
        let spec = try #require(s.spec)
        #expect(spec.replicas == 3 && spec.serviceName == "pg-headless" && spec.podManagementPolicy == "Parallel")
        #expect(spec.updateStrategy?.rollingUpdate?.partition == 0)
        #expect(spec.selector.selectorString == "app.kubernetes.io/name=pg")
        let pod = try #require(spec.template.spec)
        let c = try #require(pod.containers.first)
        #expect(c.env?[1].valueFrom?.secretKeyRef == KeySelector(name: "pg-auth", key: "password"))
        #expect(c.env?[2].valueFrom?.fieldRef?.fieldPath == "metadata.name")
        #expect(c.envFrom?.first?.configMapRef?.optional == true)
        #expect(c.resources?.requests?["cpu"] == "500m")
        #expect(c.resources?.limits?["memory"] == "4Gi")
        #expect(c.readinessProbe?.exec?.command == ["pg_isready", "-U", "postgres"])
        #expect(c.livenessProbe?.tcpSocket?.port == .int(5432))
        #expect(c.startupProbe?.httpGet?.port == .string("metrics"))
        #expect(c.securityContext?.capabilities?.drop == ["ALL"])
        #expect(c.securityContext?.allowPrivilegeEscalation == false)
        #expect(pod.securityContext?.fsGroup == 999 && pod.securityContext?.seccompProfile?.type == "RuntimeDefault")
        #expect(pod.volumes?[0].configMap?.items?.first?.path == "postgresql.conf")
        #expect(pod.volumes?[0].configMap?.defaultMode == 420)
        #expect(pod.volumes?[1].secret?.secretName == "pg-tls")
        #expect(pod.volumes?[2].emptyDir?.sizeLimit == "64Mi")
        #expect(pod.affinity?.nodeAffinity?.value(at: "requiredDuringSchedulingIgnoredDuringExecution") != nil)
        let term = pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.first
        #expect(term?.weight == 100 && term?.podAffinityTerm.topologyKey == "kubernetes.io/hostname")
        #expect(pod.tolerations?.first?.effect == "NoSchedule")
        let claim = try #require(spec.volumeClaimTemplates?.first)
        #expect(claim.spec?.resources?.requests?["storage"] == "10Gi")
        #expect(claim.spec?.storageClassName == "fast")
        let st = try #require(s.status)
        #expect(st.observedGeneration == 3 && st.replicas == 3 && st.readyReplicas == 2)
        #expect(st.currentReplicas == 3 && st.updatedReplicas == 3)
        #expect(st.currentRevision == "pg-5d4f8b7c9" && st.updateRevision == "pg-5d4f8b7c9")
    }

    @Test func managedFieldsAndUnknownFieldsAreDropped() throws {
        let s = try decode(StatefulSet.self, ObjectSamples.statefulSet)
        let out = try json(s)
        #expect(!out.contains("managedFields"))
        #expect(!out.contains("schedulerName"))
        #expect(!out.contains("terminationMessagePath"))
        #expect(!out.contains("null"))
        // What it re-encodes decodes to the same value.
        #expect(try decode(StatefulSet.self, out) == s)
    }

    @Test func podStatus() throws {
        let p = try decode(Pod.self, ObjectSamples.pod)
        #expect(p.status?.phase == "Running" && p.status?.podIP == "10.244.1.7")
        #expect(p.status?.isReady == true)
        #expect(p.status?.conditions?.count == 2)
        let cs = try #require(p.status?.containerStatuses?.first)
        #expect(cs.ready && cs.restartCount == 1 && cs.started == true)
        #expect(cs.state?.value(at: "running", "startedAt")?.stringValue == "2026-11-20T10:01:10Z")
        #expect(p.spec?.subdomain == "pg-headless")
    }

    @Test func listItemsWithoutTypeMetaGetDefaults() throws {
        let list = try decode(ObjectList<Secret>.self, ObjectSamples.secretList)
        #expect(list.metadata.continue == "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ")
        #expect(list.metadata.remainingItemCount == 4)
        let s = try #require(list.items.first)
        #expect(s.apiVersion == "v1" && s.kind == "Secret")
        #expect(s.decodedString("password") == "s3cr3t")
        #expect(s.decodedData("tls.key") == Data([0, 1, 2, 255]))
        #expect(s.decodedData("missing") == nil)
        #expect(s.decodedData.count == 2)
        #expect(try json(s).contains(#""apiVersion":"v1""#))
    }

    @Test func secretSetDataEncodesBase64() throws {
        var s = Secret(metadata: ObjectMeta(name: "x"), stringData: ["user": "admin"])
        s.setData("password", Data("hunter2".utf8))
        #expect(s.data == ["password": "aHVudGVyMg=="])
        #expect(
            try json(s)
                == #"{"apiVersion":"v1","data":{"password":"aHVudGVyMg=="},"kind":"Secret","metadata":{"name":"x"},"stringData":{"user":"admin"}}"#
        )
    }

    @Test func headlessService() throws {
        let s = try decode(Service.self, ObjectSamples.service)
        #expect(s.spec?.isHeadless == true)
        #expect(s.spec?.ports?[0].targetPort == "pg")
        #expect(s.spec?.ports?[1].targetPort == 9187)
        #expect(s.spec?.publishNotReadyAddresses == true)
    }

    @Test func networkPolicyPeers() throws {
        let n = try decode(NetworkPolicy.self, ObjectSamples.networkPolicy)
        let spec = try #require(n.spec)
        let from = try #require(spec.ingress?.first?.from)
        #expect(from[0].namespaceSelector?.matchLabels == ["kubernetes.io/metadata.name": "apps"])
        #expect(from[0].podSelector?.selectorString == "role in (api,worker)")
        #expect(from[1].ipBlock == IPBlock(cidr: "10.0.0.0/8", except: ["10.1.0.0/16"]))
        #expect(spec.ingress?.first?.ports?.first?.port == 5432)
        #expect(spec.egress?.first?.ports?[1].port == "dns-tcp")
        #expect(spec.egress?.first?.to?.first?.podSelector == LabelSelector())
        #expect(spec.policyTypes == ["Ingress", "Egress"])
    }

    @Test func podDisruptionBudgetIntOrString() throws {
        let p = try decode(PodDisruptionBudget.self, ObjectSamples.pdb)
        #expect(p.spec?.maxUnavailable == .string("34%"))
        #expect(p.spec?.maxUnavailable?.resolve(total: 3, roundUp: true) == 2)
        #expect(p.spec?.maxUnavailable?.resolve(total: 3, roundUp: false) == 1)
        #expect(p.spec?.minAvailable == nil)
        #expect(p.status?.conditions?.isTrue("DisruptionAllowed") == true)
        let encoded = try json(PodDisruptionBudget(spec: .init(minAvailable: 2)))
        #expect(encoded == #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{},"spec":{"minAvailable":2}}"#)
    }

    @Test func customResourceDefinition() throws {
        let c = try decode(CustomResourceDefinition.self, ObjectSamples.crd)
        #expect(c.spec?.names.kind == "Database" && c.spec?.scope == "Namespaced")
        #expect(c.spec?.versions.first?.subresources?.value(at: "scale", "specReplicasPath") == ".spec.replicas")
        #expect(c.status?.isEstablished == true)
        #expect(c.status?.storedVersions == ["v1alpha1"])
        #expect(try decode(CustomResourceDefinition.self, json(c)) == c)
    }

    @Test func clusterRoleAggregation() throws {
        let r = try decode(ClusterRole.self, ObjectSamples.clusterRole)
        #expect(r.aggregationRule?.clusterRoleSelectors?.first?.matchLabels?["quartermaster.dev/aggregate-to-view"] == "true")
        #expect(r.rules?[0].resources == ["databases", "databases/status"])
        #expect(r.rules?[1].nonResourceURLs == ["/healthz"])
    }

    @Test func resourceQuotaRemaining() throws {
        let q = try decode(ResourceQuota.self, ObjectSamples.resourceQuota)
        #expect(q.status?.remaining("requests.cpu") == "2500m")
        #expect(q.status?.remaining("requests.memory")?.description == "5Gi")
        #expect(q.status?.remaining("persistentvolumeclaims") == 7)
        #expect(q.status?.remaining("limits.cpu") == nil)
    }

    @Test func dynamicObjectKeepsEverythingButManagedFields() throws {
        let d = try decode(DynamicObject.self, ObjectSamples.pdb)
        #expect(d.apiVersion == "policy/v1" && d.kind == "PodDisruptionBudget")
        #expect(d["spec"]?["maxUnavailable"] == "34%")
        #expect(d["status"]?["expectedPods"] == 3)
        let typed: PodDisruptionBudget = try d.decode()
        #expect(typed.spec?.maxUnavailable == "34%")
        let back = try DynamicObject(typed)
        #expect(back == d)
        let s = try decode(DynamicObject.self, ObjectSamples.statefulSet)
        #expect(!(try json(s)).contains("managedFields"))
        #expect(s["spec"]?["template"]?["spec"]?["schedulerName"] == "default-scheduler")
    }
}
