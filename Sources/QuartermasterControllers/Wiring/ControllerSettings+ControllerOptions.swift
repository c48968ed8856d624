import Foundation
import KubeCore
import KubeRuntime

extension ControllerSettings {
    /// The `ControllerOptions` of a Quartermaster controller: these settings' workers, metrics
    /// registry, Events and logger; owned objects cached by
    /// `QuartermasterLabels.managedBySelector`, the label on everything the operator creates.
    public func controllerOptions<Object: KubeResource>(for type: Object.Type) -> ControllerOptions<Object> {
        ControllerOptions(
            maxConcurrentReconciles: maxConcurrentReconciles, registry: registry, events: events, logger: logger,
            ownedLabelSelector: QuartermasterLabels.managedBySelector)
    }
}
