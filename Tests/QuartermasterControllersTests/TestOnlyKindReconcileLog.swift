import Foundation
import KubeCore
import Synchronization

/// What the Widget reconciler did, for tests to tell when its controller has nothing left to
/// do: for each key, how many reconciles ran and the newest resource version among the Widget
/// and its ConfigMap in the caches when the latest one started; how many are running; and one
/// element in ``completions`` after each reconcile (buffered without bound), to wait on.
///
/// Resource versions are compared as integers: `FakeAPIServer` counts them up from one
/// cluster-wide counter (a real API server's are opaque).
final class WidgetReconcileLog: Sendable {
    private struct State {
        var reconciles: [ObjectKey: Int] = [:]
        var seenVersion: [ObjectKey: Int] = [:]
        var inFlight = 0
    }
    private let state = Mutex(State())
    private let continuation: AsyncStream<Void>.Continuation
    /// One element after each reconcile, once it no longer counts as running.
    let completions: AsyncStream<Void>

    init() { (completions, continuation) = AsyncStream.makeStream(of: Void.self) }

    /// Records the start of a reconcile of `key` that found `versions` in the caches.
    func started(_ key: ObjectKey, versions: [String?]) {
        let newest = versions.compactMap { $0.flatMap(Int.init) }.max() ?? 0
        state.withLock { s in
            s.reconciles[key, default: 0] += 1
            s.seenVersion[key] = newest
            s.inFlight += 1
        }
    }

    /// Records the end of a reconcile.
    func finished() {
        state.withLock { $0.inFlight -= 1 }
        continuation.yield()
    }

    /// How many reconciles of `key` have started.
    func reconciles(of key: ObjectKey) -> Int { state.withLock { $0.reconciles[key, default: 0] } }

    /// The newest resource version the latest reconcile of `key` started from; `nil` before any.
    func seenVersion(of key: ObjectKey) -> Int? { state.withLock { $0.seenVersion[key] } }

    /// Reconciles running now.
    var inFlight: Int { state.withLock { $0.inFlight } }
}
