import Foundation
import KubeCore
import Testing

/// `autoscaling/v2` HorizontalPodAutoscaler. The envtest server (v1.20) does not serve v2, so
/// the sample follows the v2 API reference (the shape v1.23+ servers return).
@Suite struct HorizontalPodAutoscalerTests {
    static let sample = #"""
        {"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v2",
        "metadata":{"name":"web","namespace":"team-a","uid":"0b1c","resourceVersion":"812","generation":2,
          "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"autoscaling/v2"}]},
        "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"minReplicas":2,"maxReplicas":5,
          "metrics":[
            {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
            {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"300Mi"}}},
            {"type":"Pods","pods":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"1k"}}}],
          "behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Max",
            "policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}},
        "status":{"observedGeneration":2,"lastScaleTime":"2026-12-03T10:00:00Z","currentReplicas":3,"desiredReplicas":4,
          "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"412m","averageUtilization":103}}}],
          "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-12-03T09:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},
            {"type":"ScalingLimited","status":"False","lastTransitionTime":"2026-12-03T09:00:00Z","reason":"DesiredWithinRange","message":""}]}}
        """#

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try KubeJSON.decode(T.self, from: Data(json.utf8))
    }

    func json(_ value: some Encodable) throws -> String { String(decoding: try KubeJSON.encode(value), as: UTF8.self) }

    @Test func descriptor() {
        #expect(HorizontalPodAutoscaler.resource.apiVersion == "autoscaling/v2")
        #expect(
            HorizontalPodAutoscaler.resource.path(namespace: "a", name: "web")
                == "/apis/autoscaling/v2/namespaces/a/horizontalpodautoscalers/web")
        #expect(HorizontalPodAutoscaler.resource.namespaced)
    }

    @Test func decodesEveryModelledField() throws {
        let h = try decode(HorizontalPodAutoscaler.self, Self.sample)
        #expect(h.apiVersion == "autoscaling/v2" && h.kind == "HorizontalPodAutoscaler")
        #expect(h.metadata.name == "web" && h.metadata.generation == 2)
        let spec = try #require(h.spec)
        #expect(spec.scaleTargetRef == CrossVersionObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: "web"))
        #expect(spec.minReplicas == 2 && spec.maxReplicas == 5)
        let metrics = try #require(spec.metrics)
        #expect(metrics.count == 3)
        #expect(metrics[0] == .averageUtilization(of: "cpu", percent: 80))
        #expect(metrics[1].resource?.target.type == "AverageValue" && metrics[1].resource?.target.averageValue == "300Mi")
        #expect(metrics[2].type == "Pods" && metrics[2].pods?["metric"]?["name"] == "rps" && metrics[2].resource == nil)
        #expect(spec.behavior?["scaleDown"]?["stabilizationWindowSeconds"] == 300)
        let status = try #require(h.status)
        #expect(status.observedGeneration == 2 && status.currentReplicas == 3 && status.desiredReplicas == 4)
        #expect(status.lastScaleTime == "2026-12-03T10:00:00Z")
        #expect(status.currentMetrics?.first?["resource"]?["current"]?["averageUtilization"] == 103)
        #expect(status.conditions?.isTrue("AbleToScale") == true)
        #expect(status.conditions?[type: "ScalingLimited"]?.status == .false)
    }

    @Test func roundTripDropsManagedFieldsAndNulls() throws {
        let h = try decode(HorizontalPodAutoscaler.self, Self.sample)
        let out = try json(h)
        #expect(!out.contains("managedFields"))
        #expect(!out.contains("null"))
        #expect(try decode(HorizontalPodAutoscaler.self, out) == h)
    }

    @Test func applyBodyOfACPUTarget() throws {
        let h = HorizontalPodAutoscaler(
            metadata: ObjectMeta(name: "web", namespace: "a"),
            spec: HorizontalPodAutoscalerSpec(
                scaleTargetRef: CrossVersionObjectReference(to: Deployment.resource, name: "web"), minReplicas: 1,
                maxReplicas: 3, metrics: [.averageUtilization(of: "cpu", percent: 70)]))
        #expect(
            try json(h)
                == #"{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web","namespace":"a"},"#
                + #""spec":{"maxReplicas":3,"metrics":[{"resource":{"name":"cpu","target":{"averageUtilization":70,"type":"Utilization"}},"type":"Resource"}],"#
                + #""minReplicas":1,"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"}}}"#)
    }

    @Test func typeMetaDefaultsWhenAbsent() throws {
        let h = try decode(HorizontalPodAutoscaler.self, #"{"metadata":{"name":"x"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"x"},"maxReplicas":2}}"#)
        #expect(h.apiVersion == "autoscaling/v2" && h.kind == "HorizontalPodAutoscaler")
        #expect(h.spec?.minReplicas == nil && h.spec?.scaleTargetRef.apiVersion == nil)
    }
}
