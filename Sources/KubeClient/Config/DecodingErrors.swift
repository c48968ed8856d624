import Foundation

/// Describes a `DecodingError` by where and what, never quoting the offending value (it may
/// be a secret).
enum DecodingErrors {
    /// The field path in kubectl's notation, such as `users[0].user.exec.env[1].name`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }

    /// The field at fault and what is wrong with it.
    static func fieldAndProblem(_ error: DecodingError) -> (field: String, problem: String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is missing")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "is null, expected \(typeName(type))")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "has the wrong type, expected \(typeName(type))")
        case .dataCorrupted(let context):
            return (path(context.codingPath), "is not valid")
        @unknown default:
            return ("", "cannot be decoded")
        }
    }

    /// `field "x" is missing`, or `<documentName> is not valid` at the top level.
    static func summary(_ error: DecodingError, documentName: String) -> String {
        let (field, problem) = fieldAndProblem(error)
        if field.isEmpty { return "\(documentName) \(problem == "is not valid" ? "is not valid JSON" : problem)" }
        return "field \"\(field)\" \(problem)"
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a map" }
            return "a map"
        }
    }
}
