import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct ResourceTemplateTests {
    @Test func catalogListsTheAvailableTemplates() {
        #expect(
            ResourceTemplateCatalog.names == [
                "ipfs-cluster-small", "large-storage", "medium-storage", "postgres-medium", "postgres-small", "small-storage",
            ])
        for t in ResourceTemplateCatalog.all {
            #expect(t.version == "v1")
            #expect(!t.summary.isEmpty)
            #expect(t.kind == (t.name.hasPrefix("postgres-") ? PostgresInstance.resource : IPFSCluster.resource))
        }
    }

    @Test func storageTemplatesAreOneNodeWithTheirSize() throws {
        for (name, size) in [("small-storage", "5Gi"), ("medium-storage", "25Gi"), ("large-storage", "100Gi")] {
            let spec = try ResourceTemplateCatalog.resolve(ResourceSpec(template: name)).childSpec(suspended: false)
            #expect(spec[pointer: "/replicas"] == 1)
            #expect(spec[pointer: "/storage/ipfs/size"] == .string(size))
            #expect(spec[pointer: "/storage/cluster/size"] == "1Gi")
        }
        let large = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "large-storage")).footprint()
        #expect(large.storage.description == "101Gi")
        #expect(large.persistentVolumeClaims == 2)
        #expect(large.cpu.description == "360m")
        #expect(large.memory.description == "688Mi")
    }

    @Test func ipfsClusterSmallNeedsThreeNodes() throws {
        let r = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "ipfs-cluster-small"))
        #expect(try r.childSpec(suspended: false)[pointer: "/replicas"] == 3)
        #expect(r.template.versionedName == "ipfs-cluster-small@v1")
        let q = try r.footprint().quotaUsage
        #expect(q["requests.cpu"]?.description == "1080m")
        #expect(q["requests.memory"]?.description == "2064Mi")
        #expect(q["requests.storage"]?.description == "33Gi")
        #expect(q["persistentvolumeclaims"] == Quantity(6))
        #expect(q["pods"] == Quantity(3))
        #expect(q["limits.cpu"]?.description == "4800m")
        #expect(q["limits.memory"]?.description == "4128Mi")
        #expect(q["cpu"] == q["requests.cpu"])
    }

    @Test func parametersOverrideDefaults() throws {
        let r = try ResourceTemplateCatalog.resolve(
            ResourceSpec(template: "ipfs-cluster-small", parameters: ResourceParameters(size: "20Gi", replicas: 5)))
        #expect(try r.childSpec(suspended: false)[pointer: "/replicas"] == 5)
        #expect(try r.footprint().storage.description == "105Gi")
    }

    @Test func footprintFitsTheSmallestTiersContainerMaximum() throws {
        let max = try #require(TenantTier.free.limits.max)
        for template in ResourceTemplateCatalog.all where template.kind == IPFSCluster.resource {
            let spec = try template.resolve(nil).childSpec(suspended: false)
            var cluster = IPFSCluster(metadata: ObjectMeta(name: "files", namespace: "acme"), spec: try spec.decode())
            cluster.metadata.uid = "u1"
            let pod = try #require(IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil).statefulSet.spec?.template.spec)
            for container in pod.containers {
                let limits = try #require(container.resources?.limits)
                #expect(try #require(limits["cpu"]) <= #require(max.cpu))
                #expect(try #require(limits["memory"]) <= #require(max.memory))
            }
        }
    }

    @Test func unknownTemplatesAreRejected() {
        do {
            _ = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "mysql"))
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == "UnknownTemplate")
            #expect(
                error.description
                    == "unknown template \"mysql\"; available: ipfs-cluster-small, large-storage, medium-storage, postgres-medium, postgres-small, small-storage")
        }
    }

    @Test func invalidParametersAreAllListed() {
        do {
            _ = try ResourceTemplateCatalog.resolve(
                ResourceSpec(template: "small-storage", parameters: ResourceParameters(size: "200Gi", replicas: 3)))
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == "InvalidParameters")
            #expect(
                error.description
                    == "parameters.size 200Gi is out of range for template small-storage: 1Gi to 10Gi; parameters.replicas is not accepted by template small-storage (it accepts: size)"
            )
        }
        #expect(
            throws: ResourceTemplateError.invalidParameters(
                template: "ipfs-cluster-small",
                problems: ["parameters.replicas 2 is out of range for template ipfs-cluster-small: 3 to 5"])
        ) {
            try ResourceTemplateCatalog.resolve(
                ResourceSpec(template: "ipfs-cluster-small", parameters: ResourceParameters(replicas: 2)))
        }
    }

    @Test func parameterDescriptionsForTheTemplatesCommand() throws {
        let size = try #require(ResourceTemplateCatalog.largeStorage.parameter(.size))
        #expect(size.typeName == "quantity")
        #expect(size.defaultText == "100Gi")
        #expect(size.rangeText == "50Gi to 1Ti")
        let replicas = try #require(ResourceTemplateCatalog.ipfsClusterSmall.parameter(.replicas))
        #expect(replicas.typeName == "integer")
        #expect(replicas.rangeText == "3 to 5")
        #expect(ResourceTemplateCatalog.smallStorage.parameter(.replicas) == nil)
    }

    @Test func resourceDecodesAndProgressFormats() throws {
        let json = #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Resource","metadata":{"name":"r","namespace":"acme"},"spec":{"template":"small-storage","parameters":{"size":"8Gi"}}}"#
        let r = try KubeJSON.decode(Resource.self, from: Data(json.utf8))
        #expect(r.spec.parameters?.size == Quantity("8Gi"))
        #expect(!r.spec.isSuspended)
        #expect(ResourceStatus.progressText(60) == "60%")
        #expect(ResourceStatus.progressText(140) == "100%")
        #expect(ResourceStatus.progressText(-5) == "0%")
    }
}
