import Foundation
import KubeCore
import Logging

/// Brings the world in line with one object's desired state.
///
/// The controller calls `reconcile` with the key of an object that may have changed (it may
/// also be gone: look it up in `context.store` and treat a missing object as deleted). A key
/// is never reconciled by two workers at once.
///
/// - Returning normally reports the result (`ReconcileResult`).
/// - Throwing `TerminalError` logs it and counts it as an error, without retrying: the next
///   change to the object triggers a new reconcile.
/// - Throwing anything else logs it, counts it, and retries the key with per-key exponential
///   backoff (5 ms doubling to 1000 s).
///
/// Errors never leave the controller. Note that Swift cannot catch traps (force-unwrap of
/// `nil`, array index out of range, integer overflow, `fatalError`): those end the process,
/// so reconcilers must not trap on anything that comes from outside.
public protocol Reconciler: Sendable {
    associatedtype Object: KubeResource
    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<Object>) async throws -> ReconcileResult
}

/// The object to reconcile: its key, and an ID for this one reconcile (for logs).
public struct ReconcileRequest: Sendable, Hashable, CustomStringConvertible {
    public var key: ObjectKey
    /// A fresh random UUID (lower case) for each reconcile (``ReconcileID/random()``).
    public var reconcileID: String

    public init(key: ObjectKey, reconcileID: String = ReconcileID.random()) {
        self.key = key
        self.reconcileID = reconcileID
    }

    public var namespace: String? { key.namespace }
    public var name: String { key.name }
    public var description: String { "\(key) (\(reconcileID))" }
}

/// An error that retrying cannot fix (invalid spec, ...): logged and counted, not retried.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public var underlying: any Error

    public init(_ underlying: any Error) { self.underlying = underlying }

    /// A terminal error with just a message.
    public init(_ message: String) { self.underlying = Message(text: message) }

    public var description: String { "terminal error: \(underlying)" }

    private struct Message: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }
}

/// What a reconcile can use besides its request: a logger and the primary kind's cache.
///
/// The caches of owned and watched kinds are not here: a reconciler is built with the typed
/// stores its `ControllerBuilder` declared, so it reads only what its controller caches.
public struct ReconcileContext<Object: KubeResource>: Sendable {
    /// The controller's name.
    public var controller: String
    public var reconcileID: String
    /// A logger with metadata `controller`, `reconcileID`, `namespace` and `name`.
    public var logger: Logger
    /// The cache of primary objects.
    public var store: Store<Object>
    /// How many times in a row this key has failed so far (0 on a first attempt).
    public var retries: Int

    public init(controller: String, reconcileID: String, logger: Logger, store: Store<Object>, retries: Int = 0) {
        self.controller = controller
        self.reconcileID = reconcileID
        self.logger = logger
        self.store = store
        self.retries = retries
    }
}
