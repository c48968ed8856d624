import KubeCore

/// A change a `Reflector` saw, after it has been applied to the store.
public enum ReflectorEvent<T: KubeResource>: Sendable {
    /// An object appeared (from a watch, or in a list that did not have it before).
    case added(T)
    /// An object changed. On a relist, reported only when its `resourceVersion` differs.
    case updated(old: T, new: T)
    /// An object went away: deleted by a watch event, or missing from a relist (then `T` is the
    /// last state the store knew).
    case deleted(T)

    /// The object after the event (for `deleted`, the last known state).
    public var object: T {
        switch self {
        case .added(let o), .deleted(let o): return o
        case .updated(_, let o): return o
        }
    }
}
