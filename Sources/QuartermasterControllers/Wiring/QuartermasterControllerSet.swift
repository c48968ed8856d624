import Foundation
import KubeClient
import KubeRuntime

/// Builds every Quartermaster controller, ready to be added to a `Manager`.
public enum QuartermasterControllerSet {
    /// The controllers of `kinds` (default: every kind, ``QuartermasterKinds/all``), in the
    /// kinds' order, with their informers declared in `cache` (shared: a kind with the same
    /// namespaces and selector is listed and watched once, however many controllers read it;
    /// pass the `Manager.cache` of the manager they are added to). A kind whose controller
    /// cannot run with `settings` (e.g. a cluster-scoped kind while only some namespaces are
    /// watched) is left out.
    public static func make(
        cache: InformerCache, settings: ControllerSettings, kinds: [KindDeclaration] = QuartermasterKinds.all
    ) -> [any Runnable] {
        kinds.compactMap { $0.makeController(cache, settings) }
    }

    /// The state metrics of `kinds` whose controllers run with `settings` (see
    /// ``KindDeclaration/stateMetrics``), reading the informers declared in `cache`: pass the
    /// cache the controllers were made with, so nothing is listed or watched twice.
    public static func stateMetrics(
        cache: InformerCache, settings: ControllerSettings, kinds: [KindDeclaration] = QuartermasterKinds.all
    ) -> [any StateMetricsSource] {
        kinds.compactMap { $0.stateMetrics?(cache, settings) }
    }
}
