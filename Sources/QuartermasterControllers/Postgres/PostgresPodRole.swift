/// The role of one instance, as its pod's `quartermaster.dev/role` label says.
public enum PostgresPodRole: String, Sendable, Hashable, CaseIterable {
    case primary
    case replica
    /// Fenced by the operator (``PostgresInstanceStatus/fencedInstances``): selected by neither
    /// the `-rw` nor the `-ro` Service.
    case fenced
}
