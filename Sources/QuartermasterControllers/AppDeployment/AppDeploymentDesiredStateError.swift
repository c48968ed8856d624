/// Why a Deployment's objects cannot be rendered (an object stored under an older schema, or
/// a field the schema cannot check). The reconciler reports it as `Stalled` `InvalidSpec`;
/// messages name the field, never a value of the environment.
public enum AppDeploymentDesiredStateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A quantity that cannot be parsed, such as `spec.resources.requests.cpu`.
    case invalidQuantity(field: String)

    public var description: String {
        switch self {
        case .invalidQuantity(let field): return "\(field) is not a valid quantity"
        }
    }
}
