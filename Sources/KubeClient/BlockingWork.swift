import Foundation

/// Runs blocking work (waiting for a child process, reading a pipe to its end, sleeping) on a
/// thread of its own, so that it never holds one of the Swift concurrency pool's threads.
///
/// The pool has one thread per core: on a 2-core machine a single blocked pool thread halves
/// the progress of every task in the process, two stop it.
public enum BlockingWork {
    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Runs `body`, which cannot fail, on a new thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
