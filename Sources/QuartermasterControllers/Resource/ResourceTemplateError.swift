import Foundation

/// Why a Resource's template cannot be resolved. Reported as stage `Initialising` failed,
/// `Stalled=True` with `reason`, and `description` as the message.
public enum ResourceTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No template has this name.
    case unknownTemplate(String, available: [String])
    /// The template is planned but not available yet (`postgres-small`, ...).
    case notYetAvailable(String)
    /// Parameters the template does not accept, or values out of range.
    case invalidParameters(template: String, problems: [String])

    /// `UnknownTemplate` or `InvalidParameters`: the condition reason.
    public var reason: String {
        switch self {
        case .unknownTemplate, .notYetAvailable: return "UnknownTemplate"
        case .invalidParameters: return "InvalidParameters"
        }
    }

    public var description: String {
        switch self {
        case .unknownTemplate(let name, let available):
            return "unknown template \"\(name)\"; available: \(available.joined(separator: ", "))"
        case .notYetAvailable(let name):
            return "template \"\(name)\" is not available yet"
        case .invalidParameters(_, let problems):
            return problems.joined(separator: "; ")
        }
    }
}
