import Foundation
import KubeCore
import Testing

/// Decodes what a real v1.20 API server returned for objects applied from these models.
@Suite struct RealServerSampleTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try KubeJSON.decode(T.self, from: Data(json.utf8))
    }

    /// Decodes, re-encodes, and checks the re-encoding drops managedFields, holds no `null`,
    /// and decodes to the same value.
    func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ json: String) throws -> T {
        let value = try decode(T.self, json)
        let again = String(decoding: try KubeJSON.encode(value), as: UTF8.self)
        #expect(!again.contains("managedFields"))
        #expect(!again.contains("null"))
        #expect(try decode(T.self, again) == value)
        return value
    }

    @Test func statefulSet() throws {
        let s = try roundTrip(StatefulSet.self, RealServerSamples.statefulSet)
        let c = try #require(s.spec?.template.spec?.containers.first)
        #expect(c.resources?.requests?["memory"] == "1536Mi")
        #expect(c.env?.first?.valueFrom?.secretKeyRef?.key == "pw")
        #expect(c.startupProbe?.httpGet?.port == "pg")
        #expect(c.securityContext?.seccompProfile?.type == "RuntimeDefault")
        #expect(s.spec?.podManagementPolicy == "Parallel")
        #expect(s.spec?.updateStrategy?.type == "RollingUpdate")
        #expect(s.spec?.volumeClaimTemplates?.first?.spec?.resources?.requests?["storage"] == "1Gi")
        #expect(s.spec?.template.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.first?.weight == 50)
    }

    @Test func listItemsAndSecrets() throws {
        let list = try decode(ObjectList<Secret>.self, RealServerSamples.secretList)
        let s = try #require(list.items.first { $0.metadata.name == "s" })
        #expect(s.kind == "Secret" && s.apiVersion == "v1")
        #expect(s.decodedString("pw") == "hunter2")
        #expect(s.stringData == nil)
        #expect(s.type == "Opaque")
        let sas = try decode(ObjectList<ServiceAccount>.self, RealServerSamples.serviceAccountList)
        #expect(sas.items.allSatisfy { $0.kind == "ServiceAccount" })
    }

    @Test func serviceNetworkPolicyIngress() throws {
        let svc = try roundTrip(Service.self, RealServerSamples.service)
        #expect(svc.spec?.isHeadless == true && svc.spec?.type == "ClusterIP")
        #expect(svc.spec?.ports?.first?.targetPort == "pg")
        let np = try roundTrip(NetworkPolicy.self, RealServerSamples.networkPolicy)
        #expect(np.spec?.ingress?.first?.from?.last?.ipBlock?.except == ["10.1.0.0/16"])
        #expect(np.spec?.egress?.first?.ports?.first?.port == 53)
        let ing = try roundTrip(Ingress.self, RealServerSamples.ingress)
        #expect(ing.spec?.rules?.first?.http?.paths.first?.backend.service?.port?.number == 80)
        #expect(ing.spec?.tls?.first?.secretName == "web-tls")
    }

    @Test func quotasAndLimits() throws {
        let q = try roundTrip(ResourceQuota.self, RealServerSamples.resourceQuota)
        #expect(q.spec?.hard?["requests.memory"] == "8Gi")
        let lr = try roundTrip(LimitRange.self, RealServerSamples.limitRange)
        let item = try #require(lr.spec?.limits.first)
        #expect(item.type == "Container" && item.default?["cpu"] == "500m" && item.max?["memory"] == "2Gi")
        #expect(item.defaultRequest?["cpu"] == "100m")
    }

    @Test func rbacStorageAndDeployment() throws {
        let cr = try roundTrip(ClusterRole.self, RealServerSamples.clusterRole)
        #expect(cr.aggregationRule?.clusterRoleSelectors?.first?.selectorString == "qm/aggregate=true")
        let rb = try roundTrip(RoleBinding.self, RealServerSamples.roleBinding)
        #expect(rb.roleRef?.kind == "ClusterRole")
        #expect(rb.subjects == [.serviceAccount("default", namespace: "team-a"), .user("bob")])
        let sc = try roundTrip(StorageClass.self, RealServerSamples.storageClass)
        #expect(sc.isDefaultClass && sc.volumeBindingMode == "WaitForFirstConsumer" && sc.reclaimPolicy == "Retain")
        let d = try roundTrip(Deployment.self, RealServerSamples.deployment)
        #expect(d.spec?.strategy?.rollingUpdate?.maxUnavailable == 0)
        #expect(d.spec?.strategy?.rollingUpdate?.maxSurge == "25%")
        #expect(d.spec?.template.spec?.containers.first?.envFrom?.first?.secretRef?.name == "s")
        let ns = try roundTrip(Namespace.self, RealServerSamples.namespace)
        #expect(ns.status?.phase == "Active")
    }

    @Test func crdScaleAndAccessReview() throws {
        let crd = try roundTrip(CustomResourceDefinition.self, RealServerSamples.crd)
        #expect(crd.status?.isEstablished == true)
        #expect(crd.spec?.versions.first?.subresources?.value(at: "scale", "labelSelectorPath") == ".status.selector")
        let scale = try roundTrip(Scale.self, RealServerSamples.scale)
        #expect(scale.spec?.replicas == 1 && scale.status?.selector == "app=pg")
        let review = try roundTrip(SelfSubjectAccessReview.self, RealServerSamples.selfSubjectAccessReview)
        #expect(review.status?.allowed == true)
    }
}

extension RealServerSampleTests {
    /// `true` when every member of `sent` is in `stored` with the same value (arrays
    /// element-wise): the server kept everything the model encoded.
    func isSubset(_ sent: JSONValue, of stored: JSONValue) -> Bool {
        switch (sent, stored) {
        case (.object(let a), .object(let b)):
            return a.allSatisfy { k, v in b[k].map { isSubset(v, of: $0) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { isSubset($0, of: $1) }
        default:
            return sent == stored
        }
    }

    @Test func serverKeepsEveryFieldTheModelEncodes() throws {
        let sent = try JSONValue(encoding: ModelSamples.fullStatefulSet)
        let stored = try decode(JSONValue.self, RealServerSamples.statefulSetFromModel)
        #expect(isSubset(sent, of: stored))
        // The typed read-back holds the same quantities, ports and mounts (the server adds
        // defaults to probes and field references, so whole containers differ).
        let back = try #require(decode(StatefulSet.self, RealServerSamples.statefulSetFromModel).spec?.template.spec)
        let model = try #require(ModelSamples.fullStatefulSet.spec?.template.spec)
        #expect(back.containers.map(\.resources) == model.containers.map(\.resources))
        #expect(back.containers.map(\.ports) == model.containers.map(\.ports))
        #expect(back.containers.map(\.volumeMounts) == model.containers.map(\.volumeMounts))
        #expect(back.volumes?.first == model.volumes?.first)  // the server defaults the secret volume's mode
        #expect(back.affinity == model.affinity)
    }
}
