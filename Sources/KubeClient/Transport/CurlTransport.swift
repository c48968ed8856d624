import CCurl
import Foundation
import KubeCore
import Synchronization

/// `HTTPTransport` over libcurl: HTTP/2 when the server offers it, one connection pool and one
/// thread for all requests.
///
/// All requests share one libcurl multi handle driven by a dedicated thread; the async API
/// waits on continuations. Connections are reused and, over HTTP/2, multiplexed.
///
/// - `send` answers the whole response within the request's timeout (default
///   `options.requestTimeout`), failing with `TransportError.bodyTooLarge` beyond
///   `options.maxBodySize`.
/// - `stream` returns at the response head (within the request's timeout); the body then has
///   no overall time limit but fails with `TransportError.idle` after `options.watchIdleTimeout`
///   without a byte, and with `TransportError.lineTooLong` at a line over `options.maxLineSize`.
///   A slow consumer pauses the transfer once `options.streamBufferLimit` bytes wait unread, so
///   memory stays bounded.
/// - `send(_:bodySink:)` hands a 2xx body to its sink as it arrives, on a second libcurl multi
///   handle and thread with connections of their own (started at the first such request), so
///   the sink's work (decoding a large list) never holds up other requests and watches. These
///   requests use HTTP/1.1, one connection per request at a time: libcurl 7.88 stalled one of two
///   large responses multiplexed on one HTTP/2 connection until the request timed out.
/// - Connections use TCP keep-alive (`keepAliveInterval`, `keepAliveProbeInterval`,
///   `keepAliveProbeCount`) and `TCP_USER_TIMEOUT` (`tcpUserTimeout`): with the defaults a
///   connection whose peer vanished fails in about a minute.
/// - Cancelling the calling task (or, for streams, the consuming task, or dropping the lines)
///   closes the request promptly.
///
/// Header values (such as `Authorization`) and keys never appear in errors.
public final class CurlTransport: HTTPTransport {
    public let server: String
    public let options: TransportOptions
    private let endpoint: ServerEndpoint
    private let tls: TLSConfiguration
    private let loop: CurlMultiLoop
    /// The loop of `send(_:bodySink:)`, started at its first request.
    private let sinkLoop = Mutex<CurlMultiLoop?>(nil)

    /// Starts the transport's thread.
    ///
    /// - Parameters:
    ///   - server: base URL, `https://host[:port][/prefix]` (or `http://`).
    ///   - tls: certificate authority, client identity, verification settings.
    ///   - options: timeouts and limits; see `TransportOptions` for the defaults.
    /// - Throws: `TransportError.other` for an invalid URL or when libcurl cannot start.
    public init(server: String, tls: TLSConfiguration = .init(), options: TransportOptions = .init()) throws {
        self.endpoint = try ServerEndpoint(server)
        self.server = server
        self.tls = tls
        self.options = options
        self.loop = try CurlMultiLoop(keepAliveInterval: options.keepAliveInterval)
    }

    deinit {
        loop.stop(wait: false)
        sinkLoop.withLock { $0?.stop(wait: false) }
    }

    /// `host:port` of the server.
    public var hostAndPort: String { endpoint.hostAndPort }

    /// Requests and streams currently open (in libcurl's multi handle). For diagnostics and
    /// tests: `0` when nothing is in flight, so finished and cancelled requests left nothing
    /// behind.
    public var openTransfers: Int { loop.activeTransfers + (sinkLoop.withLock { $0?.activeTransfers } ?? 0) }

    /// Streams currently paused because their consumer has more than
    /// `options.streamBufferLimit` bytes of lines unread (updated at least once a second). For
    /// diagnostics and tests.
    public var pausedStreams: Int { loop.pausedStreams }

    /// Stops the thread and waits for it; open requests and streams fail with
    /// `TransportError.other("transport shut down")`, later ones fail at once. Idempotent.
    public func shutdown() {
        // The first loop is marked stopped under the second's lock, so no second loop starts after.
        let second = sinkLoop.withLock { current -> CurlMultiLoop? in
            loop.stop(wait: false)
            defer { current = nil }
            return current
        }
        loop.stop(wait: true)
        second?.stop(wait: true)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await sendReportingInfo(request).response
    }

    public func send(_ request: HTTPRequest, bodySink: any HTTPBodySink) async throws -> HTTPResponse {
        try await sendReportingInfo(request, bodySink: bodySink).response
    }

    /// `send` (or, with `bodySink`, `send(_:bodySink:)`), also telling how the request was
    /// carried (HTTP version, connection reuse).
    public func sendReportingInfo(
        _ request: HTTPRequest, bodySink: (any HTTPBodySink)? = nil
    ) async throws -> (response: HTTPResponse, info: TransferInfo) {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(
            request: request, endpoint: endpoint, tls: tls, options: options, mode: .whole, bodySink: bodySink)
        let loop = bodySink == nil ? self.loop : try sinkingLoop()
        let (response, info) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.wholeContinuation = continuation
                if !loop.submit(.add(transfer)) {
                    transfer.wholeContinuation = nil
                    continuation.resume(throwing: TransportError.other("transport shut down"))
                }
            }
        } onCancel: {
            transfer.cancelRequested.store(true, ordering: .releasing)
            loop.submit(.cancel(transfer))
        }
        return (response, info)
    }

    /// The second loop, started now if it was not; a transport shut down refuses.
    private func sinkingLoop() throws -> CurlMultiLoop {
        try sinkLoop.withLock { current in
            if let current { return current }
            guard !loop.isStopped else { throw TransportError.other("transport shut down") }
            let started = try CurlMultiLoop(keepAliveInterval: options.keepAliveInterval)
            current = started
            return started
        }
    }

    public func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        try await stream(request, idleTimeout: nil)
    }

    /// `stream` with an idle limit for this request (default `options.watchIdleTimeout`).
    public func stream(_ request: HTTPRequest, idleTimeout: Duration?) async throws -> HTTPLineStream {
        try Task.checkCancellation()
        let mode = CurlTransfer.Mode.stream(
            headTimeout: request.timeout ?? options.requestTimeout, idle: idleTimeout ?? options.watchIdleTimeout)
        let transfer = try CurlTransfer(request: request, endpoint: endpoint, tls: tls, options: options, mode: mode)
        let loop = self.loop
        transfer.streamBuffer = StreamLineBuffer(
            limit: options.streamBufferLimit,
            resumeProducer: { loop.submit(.resume(transfer)) },
            cancelProducer: {
                transfer.cancelRequested.store(true, ordering: .releasing)
                loop.submit(.cancel(transfer))
            })
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.headContinuation = continuation
                if !loop.submit(.add(transfer)) {
                    transfer.headContinuation = nil
                    transfer.streamBuffer = nil
                    continuation.resume(throwing: TransportError.other("transport shut down"))
                }
            }
        } onCancel: {
            transfer.cancelRequested.store(true, ordering: .releasing)
            loop.submit(.cancel(transfer))
        }
    }
}
