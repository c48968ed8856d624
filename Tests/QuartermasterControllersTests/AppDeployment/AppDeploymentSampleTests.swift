import Foundation
import KubeCore
import Testing
import Yams

@testable import QuartermasterControllers

/// The `Deployment` samples in `config/samples` (listed in its kustomization) decode, pass
/// validation, and use only fields the CRD's schema declares (the API server would silently
/// prune a misspelt one).
@Suite struct AppDeploymentSampleTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let samples = ["config/samples/deployment.yaml", "config/samples/deployment-from-source.yaml"]

    static func load(_ path: String) throws -> JSONValue {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let object = try #require(try Yams.load(yaml: text))
        let data = try JSONSerialization.data(withJSONObject: object)
        return try KubeJSON.decode(JSONValue.self, from: data)
    }

    /// Paths of `value` that `schema` does not declare (objects with properties only; maps and
    /// free-form objects accept any key).
    static func undeclared(_ value: JSONValue, _ schema: JSONSchemaProperty, path: String) -> [String] {
        switch value {
        case .object(let members):
            if let properties = schema.properties {
                return members.keys.sorted().flatMap { key -> [String] in
                    guard let child = properties.first(where: { $0.name == key })?.schema else { return ["\(path).\(key)"] }
                    return undeclared(members[key] ?? .null, child, path: "\(path).\(key)")
                }
            }
            if let values = schema.additionalProperties?.value {
                return members.keys.sorted().flatMap { undeclared(members[$0] ?? .null, values, path: "\(path).\($0)") }
            }
            return []
        case .array(let items):
            guard let item = schema.items?.value else { return [] }
            return items.enumerated().flatMap { undeclared($1, item, path: "\(path)[\($0)]") }
        default:
            return []
        }
    }

    @Test(arguments: samples)
    func sampleIsValidAndDeclared(path: String) throws {
        let object = try Self.load(path)
        let deployment = try KubeJSON.decode(AppDeployment.self, from: KubeJSON.encode(object))
        #expect(AppDeploymentValidation.violations(of: deployment.spec) == [], "\(path)")
        #expect(deployment.spec.unrecognizedValues == [], "\(path)")
        #expect(Self.undeclared(object["spec"] ?? .null, AppDeploymentSpec.schema, path: "spec") == [], "\(path)")
        let kustomization = try String(contentsOf: Self.root.appendingPathComponent("config/samples/kustomization.yaml"), encoding: .utf8)
        #expect(kustomization.contains("- \(URL(fileURLWithPath: path).lastPathComponent)\n"), "\(path) is not in the kustomization")
    }

    @Test func theSourceSampleBuildsFromABranchItFollows() throws {
        let deployment = try KubeJSON.decode(
            AppDeployment.self, from: KubeJSON.encode(Self.load("config/samples/deployment-from-source.yaml")))
        #expect(deployment.spec.image == "")
        #expect(deployment.spec.source?.git.branch == "main" && deployment.spec.source?.follow != nil)
        #expect(deployment.spec.build?.output.repository != nil)
    }

    /// The check above can fail: a misspelt field is found.
    @Test func aMisspeltFieldIsFound() throws {
        let object: JSONValue = ["source": ["git": ["url": "https://h/r.git", "brnch": "main"]]]
        #expect(Self.undeclared(object, AppDeploymentSpec.schema, path: "spec") == ["spec.source.git.brnch"])
    }
}
