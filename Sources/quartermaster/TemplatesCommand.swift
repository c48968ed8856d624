import ArgumentParser
import Foundation
import KubeCore
import QuartermasterControllers

/// `quartermaster templates`: lists the built-in Resource templates with their versions, what
/// they build, and each parameter's type, default and range (from `ResourceTemplateCatalog`,
/// the same catalog the Resource controller and the CRD's `spec.template` enum use).
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "List the Resource templates, their versions and parameters.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Output format: text (default) or json.")
    var output: Format = .text

    func run() throws {
        switch output {
        case .text: print(Self.text(), terminator: "")
        case .json: print(try Self.json())
        }
    }

    /// One block per template, then the planned ones.
    static func text() -> String {
        var out = ""
        for t in ResourceTemplateCatalog.all.sorted(by: { $0.name < $1.name }) {
            let needs = (try? t.resolve(nil)).flatMap { try? needsText($0) } ?? ""
            out += "\(t.name)  \(t.version)  builds \(t.kind.kind)\n"
            out += "  \(t.summary)\n"
            if !needs.isEmpty { out += "  defaults need: \(needs)\n" }
            out += "  parameters:\n"
            for p in t.parameters {
                out += "    \(p.name.rawValue) (\(p.typeName)): default \(p.defaultText), range \(p.rangeText). \(p.summary)\n"
            }
            out += "\n"
        }
        out += "planned, not accepted yet: \(ResourceTemplateCatalog.plannedNames.joined(separator: ", "))\n"
        return out
    }

    /// The catalog as JSON (an array of templates).
    static func json() throws -> String {
        let templates: [JSONValue] = ResourceTemplateCatalog.all.sorted(by: { $0.name < $1.name }).map { t in
            let parameters: [JSONValue] = t.parameters.map { p in
                .object([
                    "name": .string(p.name.rawValue), "type": .string(p.typeName), "default": .string(p.defaultText),
                    "range": .string(p.rangeText), "summary": .string(p.summary),
                ])
            }
            return .object([
                "name": .string(t.name), "version": .string(t.version), "kind": .string(t.kind.kind),
                "summary": .string(t.summary), "parameters": .array(parameters),
            ])
        }
        return String(decoding: try KubeJSON.encode(JSONValue.array(templates)), as: UTF8.self)
    }

    /// `360m CPU, 688Mi memory, 6Gi storage, 2 PVCs` for the template's defaults (its footprint,
    /// computed from what the child's controller renders).
    static func needsText(_ resolved: ResolvedResourceTemplate) throws -> String {
        let r = try resolved.footprint()
        return "\(r.cpu) CPU, \(r.memory) memory, \(r.storage) storage, \(r.persistentVolumeClaims) PVCs"
    }
}
