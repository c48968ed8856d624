import Foundation
import KubeCore

@testable import QuartermasterControllers

/// The ConfigMap a ``Widget`` owns (pure): named `<widget>-widget` in the Widget's namespace,
/// with Quartermaster's labels (so the owned-object cache, selected by `managed-by`, holds it)
/// and a controller owner reference to the Widget; data `message`, `size` and `rendered`
/// (`message` on `size` lines).
enum WidgetDesiredState {
    /// A Widget read from the cache always has a UID; one without cannot own anything.
    struct WidgetWithoutUID: Error, CustomStringConvertible {
        var key: ObjectKey
        var description: String { "Widget \(key) has no UID: it was not read from the API server" }
    }

    /// `<widget>-widget`.
    static func configMapName(of widget: Widget) -> String { "\(widget.metadata.name ?? "")-widget" }

    /// The desired ConfigMap of `widget`.
    static func configMap(for widget: Widget) throws -> ConfigMap {
        guard let owner = widget.ownerReference() else { throw WidgetWithoutUID(key: widget.key) }
        let name = widget.metadata.name ?? ""
        let size = max(0, widget.spec.size)
        return ConfigMap(
            metadata: .owned(
                name: configMapName(of: widget), namespace: widget.metadata.namespace ?? "default",
                labels: QuartermasterLabels.labels(name: "widget", instance: name, component: "rendered"),
                owner: owner),
            data: [
                "message": widget.spec.message,
                "size": String(size),
                "rendered": Array(repeating: widget.spec.message, count: size).joined(separator: "\n"),
            ])
    }
}
