import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// Every input a tenant writes is bounded, so no value can multiply the operator's work.
@Suite("Input bounds")
struct InputBoundsTests {
    @Test(arguments: QuartermasterKinds.all.map(\.resource.kind))
    func everySpecNodeIsBounded(kind: String) throws {
        let model = try #require(QuartermasterKinds.all.first { $0.resource.kind == kind }?.crd)
        var unbounded: [String] = []
        for (path, node) in model.spec.allNodes(path: "spec") {
            switch node.type {
            case "array" where node.maxItems == nil: unbounded.append("\(path): maxItems")
            case "string" where node.maxLength == nil && node.enumValues == nil: unbounded.append("\(path): maxLength")
            case "integer" where node.maximum == nil: unbounded.append("\(path): maximum")
            case "object" where node.additionalProperties != nil && node.maxProperties == nil:
                unbounded.append("\(path): maxProperties")
            default:
                if node.intOrString == true && node.maxLength == nil { unbounded.append("\(path): maxLength") }
            }
        }
        #expect(unbounded == [], "every list, map, string and integer of \(kind).spec has a bound")
    }

    @Test("metadata.name is limited where children's names derive from it")
    func namesAreLimited() throws {
        #expect(IPFSCluster.customResourceDefinition.metadataName?.maxLength == IPFSClusterNames.maxInstanceNameLength)
        #expect(Resource.customResourceDefinition.metadataName?.maxLength == IPFSClusterNames.maxInstanceNameLength)
        #expect(Tenant.customResourceDefinition.metadataName?.maxLength == 63)
        let yaml = try IPFSCluster.customResourceDefinition.yaml()
        #expect(yaml.contains("maxLength: \(IPFSClusterNames.maxInstanceNameLength)"))
    }

    @Test(arguments: [0, -1, IPFSClusterSpec.maxReplicas + 1, 2_000_000_000, Int.max])
    func outOfRangeReplicasAreStalledBeforeAnyWork(replicas: Int) {
        var cluster = IPFSCluster(
            metadata: ObjectMeta(name: "big", namespace: "t"), spec: IPFSClusterSpec(replicas: replicas))
        cluster.metadata.uid = "u"
        let problems = IPFSClusterValidation.validate(cluster: cluster, storageClassNames: nil, existingStatefulSet: nil)
        #expect(problems.map(\.reason) == [.invalidSpec])
        #expect(problems.first?.message.contains("replicas") == true)
    }

    /// The per-object figure: the largest IPFSCluster the schema admits renders a bounded
    /// ConfigMap, far from the API server's 1 MiB object limit, and a bounded number of objects.
    @Test func theLargestClusterRendersBoundedObjects() throws {
        var cluster = IPFSCluster(
            metadata: ObjectMeta(name: String(repeating: "a", count: IPFSClusterNames.maxInstanceNameLength), namespace: "t"),
            spec: IPFSClusterSpec(replicas: IPFSClusterSpec.maxReplicas))
        cluster.metadata.uid = "u"
        cluster.spec.exposure.swarm.type = .loadBalancer
        let objects = try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil)
        let configBytes = try KubeJSON.encode(objects.configMap).count
        let secretBytes = try KubeJSON.encode(objects.secret).count
        #expect(configBytes < 512 * 1024, "ConfigMap of \(configBytes) bytes")
        #expect(secretBytes < 64 * 1024, "Secret of \(secretBytes) bytes")
        #expect(objects.services.count <= IPFSClusterSpec.maxReplicas + 3)
        print("per-object figure: maxReplicas=\(IPFSClusterSpec.maxReplicas) ConfigMap=\(configBytes) B Secret=\(secretBytes) B Services=\(objects.services.count)")
    }
}
