import Foundation
import Yams

/// Renders a YAML document as a Lua 5.1 table constructor, so a Lua script can receive a
/// Kubernetes object the way Argo CD hands it over (`obj`), without a JSON library in Lua.
///
/// Scalars keep their YAML 1.1 core-schema type: booleans become `true`/`false`, integers and
/// floats become Lua numbers, `null` becomes `nil`, everything else (including quoted numbers
/// and timestamps) becomes a Lua string. Strings are escaped byte by byte, so any content is
/// safe inside the literal.
enum GitOpsLuaTableLiteral {
    struct UnsupportedNode: Error, CustomStringConvertible {
        let description: String
    }

    /// The Lua expression for `yaml`'s single document.
    static func render(yaml: String) throws -> String {
        guard let node = try Yams.compose(yaml: yaml) else {
            throw UnsupportedNode(description: "empty YAML document")
        }
        return try render(node)
    }

    static func render(_ node: Node) throws -> String {
        switch node {
        case .scalar(let scalar):
            return renderScalar(node, text: scalar.string)
        case .mapping(let mapping):
            var fields: [String] = []
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw UnsupportedNode(description: "mapping key is not a scalar")
                }
                fields.append("[\(quoted(name))] = \(try render(value))")
            }
            return "{" + fields.joined(separator: ", ") + "}"
        case .sequence(let sequence):
            return "{" + (try sequence.map { try render($0) }).joined(separator: ", ") + "}"
        case .alias:
            throw UnsupportedNode(description: "YAML aliases are not used in test data")
        }
    }

    private static func renderScalar(_ node: Node, text: String) -> String {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null:
            return "nil"
        case .bool:
            return node.bool.map { $0 ? "true" : "false" } ?? quoted(text)
        case .int:
            return node.int.map(String.init) ?? quoted(text)
        case .float:
            guard let value = node.float, value.isFinite else { return quoted(text) }
            return String(value)
        default:
            return quoted(text)
        }
    }

    /// A Lua string literal: printable ASCII as is, `"` and `\` escaped, every other byte as a
    /// decimal escape (`\ddd`, valid in Lua 5.1).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\" + String(format: "%03d", Int(byte))
            }
        }
        return out + "\""
    }
}
