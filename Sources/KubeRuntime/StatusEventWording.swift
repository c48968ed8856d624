import KubeCore

/// What one kind says in the Events ``StatusWriter`` records: the reason and message of each.
///
/// The Event types are fixed: `Normal` for ``ready``, `Warning` for ``stalled`` and ``refused``.
/// A kind whose Events follow more transitions than the shared rule's (``StatusTransition``)
/// adds them with ``otherTransitions``, which says the type of each.
public struct StatusEventWording: Sendable {
    /// One Event's reason and message.
    public struct Wording: Hashable, Sendable {
        public var reason: String
        public var message: String

        public init(reason: String, message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// An Event of a kind's own transition rule (``otherTransitions``), with its type.
    public struct Event: Hashable, Sendable {
        public var type: EventType
        public var reason: String
        public var message: String

        public init(type: EventType, reason: String, message: String) {
            self.type = type
            self.reason = reason
            self.message = message
        }
    }

    /// The `Normal` Event when `Ready` becomes True, from the new `Ready` condition.
    public var ready: @Sendable (Condition) -> Wording
    /// The `Warning` Event when `Stalled` becomes True or changes reason, from the new `Stalled`
    /// condition.
    public var stalled: @Sendable (Condition) -> Wording
    /// The `Warning` Event when the server refuses the status (422): its reason, and what to
    /// say before "the status cannot be written: <server's message>" (`nil`: nothing), from
    /// the new `Stalled` condition (`nil` when the status has none).
    public var refused: @Sendable (Condition?) -> (reason: String, explanation: String?)
    /// The Events of transitions the shared rule does not cover, from the conditions of the
    /// status just replaced (`[]` when it had none) and of the new one; recorded, in order,
    /// after the shared rule's, only when the status was written. Default: none.
    public var otherTransitions: @Sendable (_ old: [Condition], _ new: [Condition]) -> [Event]

    public init(
        ready: @escaping @Sendable (Condition) -> Wording,
        stalled: @escaping @Sendable (Condition) -> Wording,
        refused: @escaping @Sendable (Condition?) -> (reason: String, explanation: String?),
        otherTransitions: @escaping @Sendable (_ old: [Condition], _ new: [Condition]) -> [Event] = { _, _ in [] }
    ) {
        self.ready = ready
        self.stalled = stalled
        self.refused = refused
        self.otherTransitions = otherTransitions
    }

    /// The message of a refused status: `"<explanation>; the status cannot be written: <server>"`,
    /// or without the explanation when there is none.
    public static func refusalMessage(explanation: String?, server: String) -> String {
        (explanation.map { "\($0); " } ?? "") + "the status cannot be written: \(server)"
    }
}
