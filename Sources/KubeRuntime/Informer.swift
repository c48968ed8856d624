import Foundation
import KubeCore

/// A reflector and its store seen without their kind, so a controller can run several kinds.
protocol InformerRunning: Sendable {
    var resourceDescription: String { get }
    var hasSynced: Bool { get }
    func run() async
    func register(in registry: inout StoreRegistry)
}

extension Reflector: InformerRunning {
    var resourceDescription: String { "\(T.resource)" }
    func register(in registry: inout StoreRegistry) { registry.register(store) }
}
