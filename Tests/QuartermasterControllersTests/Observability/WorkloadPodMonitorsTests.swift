import Foundation
import KubeCore
import Testing
import Yams

@testable import QuartermasterControllers

/// Each PodMonitor selects exactly the pods the controllers render with a `metrics` port, and
/// those pods' annotations name the same port: one fact, two ways of discovery.
@Suite struct WorkloadPodMonitorsTests {
    /// The pod templates with metrics, rendered by the kinds' own desired-state functions.
    static func renderedPods() throws -> [(labels: [String: String], annotations: [String: String], spec: PodSpec)] {
        let ipfs = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        let postgres = try PostgresInstanceDesiredState.compute(
            instance: PostgresSamples.instance { $0.pooler.enabled = true }, observation: .init(), settings: PostgresSamples.settings)
        var pods: [(labels: [String: String], annotations: [String: String], spec: PodSpec)] = []
        if let t = ipfs.statefulSet.spec?.template, let spec = t.spec {
            pods.append((t.metadata?.labels ?? [:], t.metadata?.annotations ?? [:], spec))
        }
        for pod in postgres.pods { if let spec = pod.spec { pods.append((pod.metadata.labels ?? [:], pod.metadata.annotations ?? [:], spec)) } }
        if let t = postgres.poolerDeployment?.spec?.template, let spec = t.spec {
            pods.append((t.metadata?.labels ?? [:], t.metadata?.annotations ?? [:], spec))
        }
        return pods
    }

    @Test func everyMonitorSelectsOneRenderedKindOfPodWhoseAnnotationsNameTheSamePort() throws {
        let pods = try Self.renderedPods()
        #expect(pods.count == 3)
        for monitor in WorkloadPodMonitors.all {
            let selected = pods.filter { pod in monitor.matchLabels.allSatisfy { pod.labels[$0.key] == $0.value } }
            #expect(selected.count == 1, "\(monitor.name)")
            guard let pod = selected.first else { continue }
            let ports = pod.spec.containers.flatMap { $0.ports ?? [] }.filter { $0.name == WorkloadMonitoring.portName }
            #expect(ports.count == 1, "\(monitor.name): one metrics port per pod")
            #expect(pod.annotations["prometheus.io/scrape"] == "true")
            #expect(pod.annotations["prometheus.io/port"] == ports.first.map { String($0.containerPort) })
            #expect(pod.annotations["prometheus.io/path"] == WorkloadMonitoring.path)
        }
    }

    @Test func theManifestsAreValidPodMonitors() throws {
        for flavor in [WorkloadPodMonitors.Flavor.config] {
            let documents = try Yams.load_all(yaml: WorkloadPodMonitors.yaml(flavor)).compactMap { $0 as? [String: Any] }
            #expect(documents.map { ($0["metadata"] as? [String: Any])?["name"] as? String } == WorkloadPodMonitors.all.map(\.name))
            for document in documents {
                #expect(document["apiVersion"] as? String == "monitoring.coreos.com/v1")
                #expect(document["kind"] as? String == "PodMonitor")
                let spec = document["spec"] as? [String: Any]
                #expect((spec?["namespaceSelector"] as? [String: Any])?["any"] as? Bool == true)
                let endpoints = spec?["podMetricsEndpoints"] as? [[String: Any]]
                #expect(endpoints?.first?["port"] as? String == "metrics")
            }
        }
    }
}
