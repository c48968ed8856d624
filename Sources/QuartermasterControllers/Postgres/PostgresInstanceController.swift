import KubeRuntime

/// The PostgresInstance controller (``PostgresInstance/declaration``'s factory).
///
/// PLACEHOLDER, a defect until replaced: builds nothing (`nil`), so PostgresInstances are
/// accepted but not reconciled. The reconciler's branch replaces this file (keep the name
/// `make(cache:settings:)`; its return type may become the concrete `Controller<...>`).
public enum PostgresInstanceController {
    /// The controller's name (logs, metrics).
    public static let name = "postgresinstance"

    /// The controller, with its informers declared in `cache`; `nil` for now (see above).
    public static func make(cache: InformerCache, settings: ControllerSettings) -> (any Runnable)? {
        nil
    }
}
