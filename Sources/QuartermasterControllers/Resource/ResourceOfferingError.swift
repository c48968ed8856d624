import KubeCore

/// A template builds a kind that is not offered as a Resource (a mistake in the catalog).
public enum ResourceOfferingError: Error, Hashable, Sendable, CustomStringConvertible {
    case notOffered(ResourceDescriptor)

    public var description: String {
        switch self {
        case .notOffered(let kind): return "\(kind.kind) (\(kind.apiVersion)) is not offered as a Resource"
        }
    }
}
