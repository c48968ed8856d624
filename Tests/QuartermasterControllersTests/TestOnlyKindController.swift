import Foundation
import KubeClient
import KubeCore
import KubeRuntime

@testable import QuartermasterControllers

/// Builds the Widget controller, as ``Widget/declaration``'s factory.
enum WidgetController {
    /// `widgets`: the controller's name in logs and metrics.
    static let name = "widgets"

    /// The Widget controller, with its informers declared in `cache`: Widgets as primary (in
    /// `settings.namespaces`, or all); owns ConfigMaps labelled
    /// `app.kubernetes.io/managed-by=quartermaster` (`settings.controllerOptions(for:)`). Its
    /// reconciler records what it does in a fresh ``WidgetReconcileLog``
    /// (`controller.reconciler.log`). Runs with any settings.
    static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<WidgetReconciler> {
        var builder = ControllerBuilder<Widget>(
            cache: cache, name: name, primary: settings.reflectorOptions(),
            options: settings.controllerOptions(for: Widget.self))
        let configMaps = builder.owns(ConfigMap.self)
        return builder.complete(
            WidgetReconciler(
                client: cache.client, configMaps: configMaps, events: settings.events, log: WidgetReconcileLog()))
    }
}
