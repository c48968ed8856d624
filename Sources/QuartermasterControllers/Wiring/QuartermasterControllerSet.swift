import Foundation
import KubeClient
import KubeRuntime

/// Builds every Quartermaster controller, ready to be added to a `Manager`.
public enum QuartermasterControllerSet {
    /// The controllers to run, in a stable order, with their informers declared in `cache`
    /// (shared: a kind with the same namespaces and selector is listed and watched once). Pass
    /// the `Manager.cache` of the manager they are added to.
    public static func make(cache: InformerCache, settings: ControllerSettings) -> [any Runnable] {
        var controllers: [any Runnable] = []
        controllers.append(contentsOf: ControllerRegistry.builders.compactMap { $0(cache, settings) })
        return controllers
    }
}

/// The controller builders, one per kind; each returns `nil` when it cannot run with the given
/// settings (e.g. a cluster-scoped kind while watching only some namespaces).
enum ControllerRegistry {
    typealias Builder = @Sendable (InformerCache, ControllerSettings) -> (any Runnable)?
    static let builders: [Builder] = [
        { cache, settings in IPFSClusterController.make(cache: cache, settings: settings) },
        { cache, settings in TenantController.make(cache: cache, settings: settings) },
        { cache, settings in ResourceController.make(cache: cache, settings: settings) },
    ]
}
