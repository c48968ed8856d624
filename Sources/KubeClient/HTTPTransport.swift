import Foundation
import KubeCore

/// Sends requests to one API server. `CurlTransport` is the real one; tests use a scripted one.
///
/// The transport adds nothing but `Accept: application/json` (when absent); authorization
/// headers come in the request, from `KubeClient`.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response. Fails with `TransportError` for network
    /// failures, timeouts and bodies larger than the transport's cap; an HTTP error status is a
    /// response, not a failure.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Opens a streaming request (a watch) and returns once the response head has arrived.
    ///
    /// The body comes as lines without their `\n`, split correctly across chunk boundaries; a
    /// protobuf watch stream (`Content-Type` `application/vnd.kubernetes.protobuf;stream=watch`)
    /// comes as its frames, without the 4-byte length in front of each.
    /// Ending the iteration (or cancelling the task) closes the request. The stream finishes
    /// normally when the server closes it and throws `TransportError` when the connection dies
    /// or goes idle for longer than the transport allows.
    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream

    /// `stream` with another idle limit than the transport's own (a followed pod log may be
    /// quiet for hours; a dead connection is still found by TCP keep-alive). `nil`: the
    /// transport's. Default implementation: `stream(request)`, for transports without an idle
    /// limit.
    func stream(_ request: HTTPRequest, idleTimeout: Duration?) async throws -> HTTPLineStream

    /// `send`, handing the body of a 2xx response to `bodySink` as it arrives instead of holding
    /// it (a list decoded item by item, never held whole): the returned response's body is then
    /// empty. Any other status keeps its body in the response, as `send` does; what the sink
    /// throws fails the request. Default implementation: `send(request)`, then the whole 2xx
    /// body to the sink at once, for transports that hold bodies anyway.
    func send(_ request: HTTPRequest, bodySink: any HTTPBodySink) async throws -> HTTPResponse
}

extension HTTPTransport {
    public func stream(_ request: HTTPRequest, idleTimeout: Duration?) async throws -> HTTPLineStream {
        try await stream(request)
    }

    public func send(_ request: HTTPRequest, bodySink: any HTTPBodySink) async throws -> HTTPResponse {
        var response = try await send(request)
        guard (200..<300).contains(response.status) else { return response }
        try response.body.withUnsafeBytes { try bodySink.receive($0) }
        response.body = Data()
        return response
    }
}

/// Takes a response body as it arrives (``HTTPTransport/send(_:bodySink:)``).
public protocol HTTPBodySink: Sendable {
    /// The next bytes of the body, in order, called from one thread at a time (the transport's:
    /// other requests of the same transport may wait meanwhile). The bytes are valid only during
    /// the call. Throwing ends the request with the error thrown.
    func receive(_ bytes: UnsafeRawBufferPointer) throws
}

extension ObjectListStreamDecoder: HTTPBodySink {
    /// ``ObjectListStreamDecoder/feed(_:)``.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws { try feed(bytes) }
}

/// The head of a streaming response and its body as lines.
public struct HTTPLineStream: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    /// The body: lines, or the frames of a protobuf watch stream (``HTTPTransport/stream(_:)``).
    public var lines: AsyncThrowingStream<Data, any Error>

    public init(status: Int, headers: [String: String], lines: AsyncThrowingStream<Data, any Error>) {
        self.status = status
        self.headers = headers
        self.lines = lines
    }

    /// Reads the rest of the stream into one body (for error statuses).
    public func collectBody(limit: Int = 1 << 20) async throws -> Data {
        var body = Data()
        for try await line in lines {
            body.append(line)
            body.append(0x0A)
            if body.count > limit { break }
        }
        return body
    }
}

extension HTTPLineStream {
    /// The lines, transformed one at a time as the consumer asks for them (`nil` from
    /// `transform` skips a line; a thrown error ends the stream with it).
    ///
    /// Nothing is read ahead or buffered between the lines and the result: while the consumer
    /// is busy, unread lines stay in the transport's bounded buffer, which pauses the transfer
    /// (`TransportOptions.streamBufferLimit`). Use this, not a task that copies the lines into
    /// another stream, whose buffer would be unbounded. Dropping the result (or cancelling the
    /// consuming task) closes the request. Like any `AsyncThrowingStream`, it must have a single
    /// consumer.
    public func decodedLines<Element: Sendable>(
        _ transform: @escaping @Sendable (Data) throws -> Element?
    ) -> AsyncThrowingStream<Element, any Error> {
        let source = LineIteratorBox(lines)
        return AsyncThrowingStream(unfolding: { try await source.next(transform) })
    }
}

/// The iterator of a line stream, shared with the `unfolding` closure of `decodedLines`, which
/// the stream's single consumer calls one at a time (so the iterator is never used
/// concurrently, which is what makes the unchecked `Sendable` sound). After the end or an
/// error it answers `nil` and has let go of the lines (closing the request).
private final class LineIteratorBox: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<Data, any Error>.AsyncIterator?

    init(_ lines: AsyncThrowingStream<Data, any Error>) { iterator = lines.makeAsyncIterator() }

    /// The next line `transform` keeps, `nil` at the end.
    func next<Element>(_ transform: (Data) throws -> Element?) async throws -> Element? {
        do {
            while var current = iterator, let line = try await current.next() {
                iterator = current
                if let element = try transform(line) { return element }
            }
        } catch {
            iterator = nil
            throw error
        }
        iterator = nil
        return nil
    }
}

/// Failures below HTTP: the request never got a complete answer.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Could not connect or the connection broke (libcurl's message).
    case connection(String)
    /// TLS failed: untrusted server certificate, bad client certificate, ...
    case tls(String)
    /// No complete answer within the request's timeout.
    case timedOut(String)
    /// A watch received nothing (not even a keep-alive) for longer than the idle limit.
    case idle(seconds: Int)
    /// The body exceeded the transport's cap for non-streaming requests.
    case bodyTooLarge(limit: Int)
    /// A stream's line (one watch event) exceeded the transport's cap; the stream is closed.
    case lineTooLong(limit: Int)
    /// Any other libcurl failure.
    case other(String)

    public var description: String {
        switch self {
        case .connection(let m): return "connection failed: \(m)"
        case .tls(let m): return "TLS failed: \(m)"
        case .timedOut(let m): return "timed out: \(m)"
        case .idle(let s): return "watch idle for more than \(s)s, assuming the connection is dead"
        case .bodyTooLarge(let l): return "response body larger than \(l) bytes"
        case .lineTooLong(let l): return "stream line (watch event) longer than \(l) bytes"
        case .other(let m): return m
        }
    }
}
