import Foundation
import KubeClient
import KubeRuntime

/// Builds every Quartermaster controller, ready to be added to a `Manager`.
public enum QuartermasterControllerSet {
    /// The controllers of `kinds` (default: every kind, ``QuartermasterKinds/all``), in the
    /// kinds' order; a kind whose controller cannot run with `settings` (e.g. a cluster-scoped
    /// kind while only some namespaces are watched) is left out.
    public static func make(
        client: KubeClient, settings: ControllerSettings, kinds: [KindDeclaration] = QuartermasterKinds.all
    ) -> [any Runnable] {
        kinds.compactMap { $0.makeController(client, settings) }
    }
}
