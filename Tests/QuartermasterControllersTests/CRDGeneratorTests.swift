import Foundation
import Testing

@testable import QuartermasterControllers

@Suite struct CRDGeneratorTests {
    static var crdsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("crds")
    }

    @Test func committedCRDsMatchTheGenerator() throws {
        for crd in CRDGenerator.allCRDs() {
            let url = Self.crdsDirectory.appendingPathComponent(crd.fileName)
            if ProcessInfo.processInfo.environment["QM_UPDATE_CRDS"] == "1" {
                try FileManager.default.createDirectory(at: Self.crdsDirectory, withIntermediateDirectories: true)
                try crd.yaml.write(to: url, atomically: true, encoding: .utf8)
            }
            let committed = try? String(contentsOf: url, encoding: .utf8)
            #expect(
                committed == crd.yaml,
                "crds/\(crd.fileName) is out of date: regenerate with hack/generate.sh (or QM_UPDATE_CRDS=1 swift test --filter CRDGeneratorTests, then hack/sync-chart-crds.sh)")
        }
    }

    @Test func everyFieldIsDescribedAndSpecIsStructural() {
        let schema = CRDGenerator.ipfsCluster.openAPIV3Schema
        for node in schema.allNodes() where node.path != "metadata" {
            #expect(!node.schema.description.isEmpty, "no description at \(node.path)")
            #expect(node.schema.type != nil || node.schema.intOrString == true, "no type at \(node.path)")
        }
        #expect(schema.property(at: "spec")?.preserveUnknownFields == nil)
        #expect(schema.property(at: "spec.replicas")?.minimum == 1)
        #expect(schema.property(at: "spec.replicas")?.defaultValue == 3)
        #expect(schema.property(at: "spec.pvcRetention")?.enumValues == ["Retain", "Delete"])
    }

    @Test func yamlHasScaleSubresourceAndColumns() throws {
        let yaml = try #require(CRDGenerator.allCRDs().first?.yaml)
        #expect(yaml.contains("labelSelectorPath: .status.selector"))
        #expect(yaml.contains("jsonPath: .status.endpoints.api"))
        #expect(yaml.contains("- ipfs\n"))
        // Strings that YAML 1.1 would read as booleans stay strings.
        #expect(yaml.contains("- 'True'\n") && yaml.contains("- 'False'\n"))
        #expect(!yaml.contains("- True\n"))
    }
}
