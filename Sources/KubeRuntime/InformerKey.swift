import Foundation
import KubeCore

/// What makes two informer declarations the same informer in an `InformerCache`: the Swift
/// type (its store holds values of that type), the namespaces (`nil`: all, and always `nil`
/// for a cluster-scoped kind), and the label and field selectors (an empty one is none).
struct InformerKey: Hashable, Sendable, CustomStringConvertible {
    var type: ObjectIdentifier
    var resource: String
    var namespaces: [String]?
    var labelSelector: String?
    var fieldSelector: String?

    init<T: KubeResource>(_ type: T.Type, options: ReflectorOptions) {
        self.type = ObjectIdentifier(type)
        resource = "\(T.resource)"
        namespaces = T.resource.namespaced ? options.namespaces.map { $0.sorted() } : nil
        labelSelector = options.labelSelector.flatMap { $0.isEmpty ? nil : $0 }
        fieldSelector = options.fieldSelector.flatMap { $0.isEmpty ? nil : $0 }
    }

    var description: String {
        var parts = [resource]
        parts.append("namespaces=\(namespaces?.joined(separator: ",") ?? "all")")
        if let labelSelector { parts.append("labelSelector=\(labelSelector)") }
        if let fieldSelector { parts.append("fieldSelector=\(fieldSelector)") }
        return parts.joined(separator: " ")
    }
}
