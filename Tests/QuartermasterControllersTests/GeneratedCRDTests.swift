import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// The CRDs generated from the kinds' declarations (the committed files are checked by
/// `GeneratedManifestsDriftTests`).
@Suite struct GeneratedCRDTests {
    @Test(arguments: QuartermasterKinds.all.map(\.resource.kind))
    func everyFieldIsDescribedAndSpecIsStructural(kind: String) throws {
        let declaration = try #require(QuartermasterKinds.all.first { $0.resource.kind == kind })
        let schema = declaration.crd.openAPIV3Schema
        for node in schema.allNodes() where node.path != "metadata" {
            #expect(!node.schema.description.isEmpty, "\(kind): no description at \(node.path)")
            #expect(node.schema.type != nil || node.schema.intOrString == true, "\(kind): no type at \(node.path)")
        }
        #expect(schema.property(at: "spec")?.preserveUnknownFields == nil)
        #expect(declaration.crd.resource == declaration.resource, "\(kind): the CRD and the object type disagree")
    }

    @Test func ipfsClusterSchemaKeepsItsDefaultsAndBounds() {
        let schema = IPFSCluster.customResourceDefinition.openAPIV3Schema
        #expect(schema.property(at: "spec.replicas")?.minimum == 1)
        #expect(schema.property(at: "spec.replicas")?.defaultValue == 3)
        #expect(schema.property(at: "spec.pvcRetention")?.enumValues == ["Retain", "Delete"])
    }

    @Test func yamlHasScaleSubresourceAndColumns() throws {
        let yaml = try #require(try GeneratedManifests.crdFiles().first { $0.fileName == IPFSCluster.customResourceDefinition.fileName }?.yaml)
        #expect(yaml.hasPrefix("---\n"))
        #expect(yaml.contains("labelSelectorPath: .status.selector"))
        #expect(yaml.contains("jsonPath: .status.endpoints.api"))
        #expect(yaml.contains("- ipfs\n"))
        // Strings that YAML 1.1 would read as booleans stay strings.
        #expect(yaml.contains("- 'True'\n") && yaml.contains("- 'False'\n"))
        #expect(!yaml.contains("- True\n"))
    }

    @Test func fileNamesAreUniqueAndFollowControllerGen() throws {
        let names = try GeneratedManifests.crdFiles().map(\.fileName)
        #expect(Set(names).count == QuartermasterKinds.all.count)
        for kind in QuartermasterKinds.all {
            #expect(names.contains("\(kind.resource.group)_\(kind.resource.plural).yaml"))
        }
    }
}
