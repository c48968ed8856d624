import Foundation
import KubeClient
import KubeCore
import Testing

@testable import KubeRuntime

/// A controller over its own `InformerCache` on `client`, declared by `declare` (nothing but
/// the primary kind by default), for tests that run one controller without a `Manager`.
func makeController<R: Reconciler>(
    name: String, client: KubeClient, reconciler: R, primary: ReflectorOptions = .init(),
    options: ControllerOptions<R.Object> = .init(),
    declare: (inout ControllerBuilder<R.Object>) -> Void = { _ in }
) -> (cache: InformerCache, controller: Controller<R>) {
    let cache = InformerCache(client: client)
    var builder = ControllerBuilder<R.Object>(cache: cache, name: name, primary: primary, options: options)
    declare(&builder)
    return (cache, builder.complete(reconciler))
}

/// Runs `cache` and `controller`'s workers until the task is cancelled.
func runInBackground<R: Reconciler>(_ controller: Controller<R>, cache: InformerCache) -> Task<Void, Never> {
    Task {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await cache.run() }
            group.addTask { try? await controller.runWorkers() }
        }
    }
}
