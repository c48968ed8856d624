import Foundation
import Synchronization

/// The lines of one streaming response between the transfer thread (producer) and the
/// consumer's task.
///
/// Memory is bounded: once more than `limit` bytes of lines wait for the consumer, `deliver`
/// reports that the producer should pause, and the consumer calls `resumeProducer` after it has
/// drained below half the limit. Cancelling the consuming task ends the lines (`nil`) and calls
/// `cancelProducer` so the transfer is closed.
final class StreamLineBuffer: Sendable {
    private struct State {
        var lines: [Data] = []
        var head = 0
        var bytes = 0
        /// Set once: `.success` for a clean end, `.failure` for an error.
        var end: Result<Void, any Error>?
        var cancelled = false
        var paused = false
        var waiter: CheckedContinuation<Data?, any Error>?
    }

    private let state = Mutex(State())
    private let limit: Int
    private let resumeProducer: @Sendable () -> Void
    private let cancelProducer: @Sendable () -> Void

    init(
        limit: Int, resumeProducer: @escaping @Sendable () -> Void,
        cancelProducer: @escaping @Sendable () -> Void
    ) {
        self.limit = limit
        self.resumeProducer = resumeProducer
        self.cancelProducer = cancelProducer
    }

    // MARK: Producer side (the transfer thread)

    /// True when the consumer is behind by more than the limit: the producer should stop
    /// reading. Marks the buffer paused, so the consumer resumes the producer later.
    func shouldPause() -> Bool {
        state.withLock { s in
            if s.bytes > limit && !s.cancelled && s.end == nil {
                s.paused = true
                return true
            }
            return false
        }
    }

    /// Whether the producer is paused waiting for the consumer.
    var isPaused: Bool { state.withLock { $0.paused } }

    /// Appends lines for the consumer.
    func deliver(_ newLines: [Data]) {
        guard !newLines.isEmpty else { return }
        let waiter: CheckedContinuation<Data?, any Error>?
        let first: Data?
        (waiter, first) = state.withLock { s in
            guard !s.cancelled, s.end == nil else { return (nil, nil) }
            var rest = newLines[...]
            var handOff: (CheckedContinuation<Data?, any Error>, Data)?
            if let w = s.waiter, let line = rest.first {
                s.waiter = nil
                handOff = (w, line)
                rest = rest.dropFirst()
            }
            for line in rest {
                s.lines.append(line)
                s.bytes += line.count
            }
            return (handOff?.0, handOff?.1)
        }
        if let waiter, let first { waiter.resume(returning: first) }
    }

    /// Ends the lines: cleanly (`nil`) or with `error`, after the lines already delivered.
    func finish(_ error: (any Error)?) {
        let waiter = state.withLock { s -> CheckedContinuation<Data?, any Error>? in
            guard s.end == nil else { return nil }
            s.end = error.map { .failure($0) } ?? .success(())
            s.paused = false
            defer { s.waiter = nil }
            return s.waiter
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    // MARK: Consumer side

    /// The next line, `nil` at the end (or after cancellation); throws the transfer's error.
    func next() async throws -> Data? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data?, any Error>) in
                enum Outcome {
                    case line(Data, resume: Bool)
                    case end(Result<Void, any Error>)
                    case wait
                }
                let outcome = state.withLock { s -> Outcome in
                    if s.cancelled { return .end(.success(())) }
                    if s.head < s.lines.count {
                        let line = s.lines[s.head]
                        s.lines[s.head] = Data()
                        s.head += 1
                        s.bytes -= line.count
                        if s.head == s.lines.count {
                            s.lines.removeAll(keepingCapacity: true)
                            s.head = 0
                        } else if s.head >= 1024 && s.head * 2 >= s.lines.count {
                            s.lines.removeFirst(s.head)
                            s.head = 0
                        }
                        var resume = false
                        if s.paused && s.bytes <= limit / 2 {
                            s.paused = false
                            resume = true
                        }
                        return .line(line, resume: resume)
                    }
                    if let end = s.end { return .end(end) }
                    s.waiter = continuation
                    return .wait
                }
                switch outcome {
                case .line(let line, let resume):
                    if resume { resumeProducer() }
                    continuation.resume(returning: line)
                case .end(.success):
                    continuation.resume(returning: nil)
                case .end(.failure(let error)):
                    continuation.resume(throwing: error)
                case .wait:
                    break
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Stops the stream from the consumer's side: drops buffered lines, ends iteration and
    /// closes the transfer. Idempotent.
    func cancel() {
        let (first, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Data?, any Error>?) in
            let first = !s.cancelled
            s.cancelled = true
            s.lines = []
            s.head = 0
            s.bytes = 0
            defer { s.waiter = nil }
            return (first, s.waiter)
        }
        waiter?.resume(returning: nil)
        if first { cancelProducer() }
    }
}

/// Owned by the consumer's `AsyncThrowingStream`: when the stream (and so its iterator) is
/// dropped, the transfer is closed.
final class StreamConsumerToken: Sendable {
    let buffer: StreamLineBuffer
    init(buffer: StreamLineBuffer) { self.buffer = buffer }
    deinit { buffer.cancel() }
}
