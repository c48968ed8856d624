import Foundation
import KubeClient
import KubeRuntime

/// Builds every Quartermaster controller, ready to be added to a `Manager`.
public enum QuartermasterControllerSet {
    /// The controllers to run, in a stable order.
    public static func make(client: KubeClient, settings: ControllerSettings) -> [any Runnable] {
        var controllers: [any Runnable] = []
        controllers.append(contentsOf: ControllerRegistry.builders.compactMap { $0(client, settings) })
        return controllers
    }
}

/// The controller builders, one per kind; each returns `nil` when it cannot run with the given
/// settings (e.g. a cluster-scoped kind while watching only some namespaces).
enum ControllerRegistry {
    typealias Builder = @Sendable (KubeClient, ControllerSettings) -> (any Runnable)?
    static let builders: [Builder] = [
        { client, settings in IPFSClusterController.make(client: client, settings: settings) }
    ]
}
