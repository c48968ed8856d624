/// The role of one instance, as its pod's `quartermaster.dev/role` label says.
public enum PostgresPodRole: String, Sendable, Hashable, CaseIterable {
    case primary
    case replica
}
