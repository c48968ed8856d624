import KubeCore

/// A change of a status's conditions that is worth an Event (the rule is pure).
///
/// | before | after | transition |
/// | --- | --- | --- |
/// | `Ready` absent, False or Unknown | `Ready` True | ``becameReady(_:)`` |
/// | `Ready` True | `Ready` True | none |
/// | `Stalled` absent, False or Unknown | `Stalled` True | ``stalled(_:)`` |
/// | `Stalled` True, reason A | `Stalled` True, reason B ≠ A | ``stalled(_:)`` |
/// | `Stalled` True, reason A | `Stalled` True, reason A | none |
/// | anything | `Ready`/`Stalled` not True | none |
///
/// Judged against the status just replaced (not the one last seen in a cache), so a reconcile
/// whose status write conflicts records nothing, and a converged one records nothing twice.
public enum StatusTransition: Hashable, Sendable {
    /// `Ready` became True; the new condition.
    case becameReady(Condition)
    /// `Stalled` became True, or stayed True with another reason; the new condition.
    case stalled(Condition)

    /// The condition type ``becameReady(_:)`` watches: `Ready`.
    public static let readyType = "Ready"
    /// The condition type ``stalled(_:)`` watches: `Stalled`.
    public static let stalledType = "Stalled"

    /// The transitions from `old` to `new` conditions: `becameReady` first, then `stalled`;
    /// empty when nothing worth an Event changed.
    public static func between(old: [Condition], new: [Condition]) -> [StatusTransition] {
        var transitions: [StatusTransition] = []
        if let ready = new[type: readyType], ready.status == .true, old[type: readyType]?.status != .true {
            transitions.append(.becameReady(ready))
        }
        if let stalled = new[type: stalledType], stalled.status == .true {
            let before = old[type: stalledType]
            if before?.status != .true || before?.reason != stalled.reason { transitions.append(.stalled(stalled)) }
        }
        return transitions
    }
}
