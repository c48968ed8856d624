import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The generic rendering of a template's child equals, byte for byte, the IPFSCluster the
/// Resource controller built by hand before templates became data, so existing children are
/// not rewritten after an upgrade.
@Suite struct ResourceChildRenderingTests {
    /// Stamps the hash annotation as the operator does (the client is never used).
    static let applier = DesiredStateApplier(
        client: KubeClient(transport: ScriptedTransport()), identity: .quartermaster)

    /// The IPFSCluster as the hand-written builder made it (kept here as the oracle): the
    /// per-node figures were constants, `replicas` and `size` came from the resolved template.
    static func handBuiltIPFSCluster(
        for resource: Resource, template: String, replicas: Int, size: Quantity, suspended: Bool
    ) throws -> IPFSCluster {
        let name = try #require(resource.metadata.name)
        let owner = try #require(resource.ownerReference())
        func requirements(_ requests: TenantCPUMemory, _ limits: TenantCPUMemory) -> IPFSClusterSpec.ResourceRequirements {
            IPFSClusterSpec.ResourceRequirements(
                requests: requests.resourceMap?.mapValues(\.description), limits: limits.resourceMap?.mapValues(\.description))
        }
        let spec = IPFSClusterSpec(
            replicas: replicas,
            storage: IPFSClusterSpec.Storage(
                ipfs: IPFSClusterSpec.Volume(size: size.description), cluster: IPFSClusterSpec.Volume(size: "1Gi")),
            resources: IPFSClusterSpec.Resources(
                kubo: requirements(TenantCPUMemory(cpu: "250m", memory: "512Mi"), TenantCPUMemory(cpu: "1", memory: "1Gi")),
                cluster: requirements(
                    TenantCPUMemory(cpu: "100m", memory: "128Mi"), TenantCPUMemory(cpu: "500m", memory: "256Mi"))),
            suspended: suspended)
        return IPFSCluster(
            metadata: ObjectMeta(
                name: name, namespace: resource.metadata.namespace,
                labels: [
                    "app.kubernetes.io/managed-by": "quartermaster", "quartermaster.dev/resource": name,
                    "quartermaster.dev/template": template,
                ],
                ownerReferences: [owner]),
            spec: spec)
    }

    static func persistedResource(_ spec: ResourceSpec) -> Resource {
        var resource = Resource(metadata: ObjectMeta(name: "files", namespace: "acme"), spec: spec)
        resource.metadata.uid = "5f0c3a7e-0000-4000-8000-000000000001"
        return resource
    }

    /// Every template with its defaults, its bounds and a value in between.
    static let cases: [(template: String, parameters: ResourceParameters?, replicas: Int, size: Quantity)] = [
        ("ipfs-cluster-small", nil, 3, "10Gi"),
        ("ipfs-cluster-small", ResourceParameters(size: "1Gi", replicas: 3), 3, "1Gi"),
        ("ipfs-cluster-small", ResourceParameters(size: "100Gi", replicas: 5), 5, "100Gi"),
        ("ipfs-cluster-small", ResourceParameters(size: "1.5Gi", replicas: 4), 4, "1.5Gi"),
        ("small-storage", nil, 1, "5Gi"),
        ("small-storage", ResourceParameters(size: "1Gi"), 1, "1Gi"),
        ("small-storage", ResourceParameters(size: "10Gi"), 1, "10Gi"),
        ("medium-storage", nil, 1, "25Gi"),
        ("medium-storage", ResourceParameters(size: "10Gi"), 1, "10Gi"),
        ("medium-storage", ResourceParameters(size: "50Gi"), 1, "50Gi"),
        ("large-storage", nil, 1, "100Gi"),
        ("large-storage", ResourceParameters(size: "50Gi"), 1, "50Gi"),
        ("large-storage", ResourceParameters(size: "1Ti"), 1, "1Ti"),
    ]

    @Test(arguments: [false, true])
    func genericRenderingIsTheHandBuiltIPFSClusterByteForByte(suspended: Bool) throws {
        for c in Self.cases {
            let spec = ResourceSpec(template: c.template, parameters: c.parameters)
            let resource = Self.persistedResource(spec)
            let resolved = try ResourceTemplateCatalog.resolve(spec)
            let generic = try #require(try ResourceDesiredState.compute(resource: resource, template: resolved, suspended: suspended))
            let handBuilt = try Self.handBuiltIPFSCluster(
                for: resource, template: c.template, replicas: c.replicas, size: c.size, suspended: suspended)

            #expect(generic.apiVersion == "quartermaster.dev/v1alpha1" && generic.kind == "IPFSCluster")
            // What is sent: the generic child decoded as the kind's typed model.
            let sent = try generic.decode(as: IPFSCluster.self)
            #expect(
                String(decoding: try KubeJSON.encode(sent), as: UTF8.self)
                    == String(decoding: try KubeJSON.encode(handBuilt), as: UTF8.self),
                "\(c.template) \(String(describing: c.parameters)) suspended=\(suspended)")
            #expect(
                try Self.applier.stamped(sent).metadata.annotations
                    == Self.applier.stamped(handBuilt).metadata.annotations)
            // Every field the template sets is exactly the hand-built one's.
            #expect(try JSONValue(encoding: generic).isContained(in: JSONValue(encoding: handBuilt)))
        }
    }

    @Test func anIPFSClusterBuiltByTheHandWrittenBuilderIsNotRewritten() async throws {
        let cluster = FakeCluster()
        try cluster.server.seed(Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"])))
        let resource = try cluster.server.seed(
            Resource(
                metadata: ObjectMeta(name: "files", namespace: "acme"),
                spec: ResourceSpec(template: "ipfs-cluster-small", parameters: ResourceParameters(size: "20Gi", replicas: 4))))
        let old = try Self.handBuiltIPFSCluster(
            for: resource, template: "ipfs-cluster-small", replicas: 4, size: "20Gi", suspended: false)
        _ = try await cluster.client.apply(Self.applier.stamped(old), fieldManager: "quartermaster", force: true)

        let before = cluster.server.requests.count
        let reconciler = ResourceReconciler(
            client: cluster.client, caches: cluster.resourceCaches, events: nil, now: FakeCluster.clock)
        _ = try await reconciler.reconcile(
            ReconcileRequest(key: ObjectKey(namespace: "acme", name: "files")), context: cluster.context(for: Resource.self))
        #expect(
            cluster.writes(since: before)
                == ["PUT /apis/quartermaster.dev/v1alpha1/namespaces/acme/resources/files/status"])
    }

    @Test func eachParameterIsWrittenAtItsPathAndSuspensionAlways() throws {
        let resolved = try ResourceTemplateCatalog.resolve(
            ResourceSpec(template: "ipfs-cluster-small", parameters: ResourceParameters(size: "20Gi", replicas: 4)))
        let spec = try resolved.childSpec(suspended: false)
        #expect(spec[pointer: "/replicas"] == 4)
        #expect(spec[pointer: "/storage/ipfs/size"] == "20Gi")
        #expect(spec[pointer: "/storage/cluster/size"] == "1Gi")
        #expect(spec[pointer: "/suspended"] == false)
        #expect(try resolved.childSpec(suspended: true)[pointer: "/suspended"] == true)
        #expect(try ResourceDesiredState.compute(resource: Resource(metadata: ObjectMeta(name: "files"), spec: ResourceSpec(template: "x")),
            template: resolved, suspended: false) == nil, "a Resource never read from the server builds nothing")
    }

    @Test func aTemplatePathThroughANonObjectIsAnError() throws {
        var template = ResourceTemplateCatalog.smallStorage
        template.baseSpec["storage"] = "5Gi"
        let resolved = try template.resolve(nil)
        #expect(throws: JSONPointerError.self) { try resolved.childSpec(suspended: false) }
    }

    @Test func everyTemplateBuildsAnOfferedKind() throws {
        for template in ResourceTemplateCatalog.all {
            let offering = try ResourceOffering.offering(for: template.kind)
            #expect(offering.kind == template.kind)
        }
        #expect(throws: ResourceOfferingError.notOffered(Resource.resource)) {
            try ResourceOffering.offering(for: Resource.resource)
        }
    }
}
