import Foundation
import KubeClient
import KubeCore
import Synchronization

/// An `HTTPTransport` that forwards to another one and counts the requests by method.
///
/// Streams (watches) count as `GET`s. For each `send` it also records how long the answer
/// took (by method) and when the first answer of each method arrived; over a `CurlTransport`
/// it counts the connections libcurl opened for those sends (`CURLINFO_NUM_CONNECTS`; streams
/// are not counted). Everything starts at zero and can be reset.
public final class CountingTransport: HTTPTransport {
    public let wrapped: any HTTPTransport
    private let curl: CurlTransport?
    private let state = Mutex(State())

    private struct State {
        var counts: [HTTPMethod: Int] = [:]
        var latencies: [HTTPMethod: [Duration]] = [:]
        var firstAnswerAt: [HTTPMethod: ContinuousClock.Instant] = [:]
        var newConnections = 0
    }

    public init(wrapping transport: any HTTPTransport) {
        wrapped = transport
        curl = transport as? CurlTransport
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, sink: nil)
    }

    public func send(_ request: HTTPRequest, bodySink: any HTTPBodySink) async throws -> HTTPResponse {
        try await send(request, sink: bodySink)
    }

    private func send(_ request: HTTPRequest, sink: (any HTTPBodySink)?) async throws -> HTTPResponse {
        count(request)
        let started = ContinuousClock.now
        let response: HTTPResponse
        var opened = 0
        if let curl {
            let (answer, info) = try await curl.sendReportingInfo(request, bodySink: sink)
            response = answer
            opened = info.newConnections
        } else if let sink {
            response = try await wrapped.send(request, bodySink: sink)
        } else {
            response = try await wrapped.send(request)
        }
        let finished = ContinuousClock.now
        state.withLock { s in
            s.latencies[request.method, default: []].append(finished - started)
            if s.firstAnswerAt[request.method] == nil { s.firstAnswerAt[request.method] = finished }
            s.newConnections += opened
        }
        return response
    }

    public func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        count(request)
        return try await wrapped.stream(request)
    }

    /// Requests sent so far, by method.
    public var byMethod: [HTTPMethod: Int] { state.withLock { $0.counts } }

    /// Every request sent so far.
    public var total: Int { state.withLock { $0.counts.values.reduce(0, +) } }

    /// Requests that can change something: `POST`, `PUT`, `PATCH` and `DELETE`.
    public var writes: Int { state.withLock { $0.counts.filter { $0.key != .get }.values.reduce(0, +) } }

    /// How long each answered `send` of `method` took, request to whole response.
    public func latencies(_ method: HTTPMethod) -> LatencySummary {
        LatencySummary(state.withLock { $0.latencies[method] ?? [] })
    }

    /// When the first answered `send` of `method` returned.
    public func firstAnswer(_ method: HTTPMethod) -> ContinuousClock.Instant? {
        state.withLock { $0.firstAnswerAt[method] }
    }

    /// Connections libcurl opened for `send`s (0 when the wrapped transport is not a
    /// `CurlTransport`).
    public var newConnections: Int { state.withLock { $0.newConnections } }

    /// Sets every count back to zero and forgets the timings.
    public func reset() { state.withLock { $0 = State() } }

    private func count(_ request: HTTPRequest) { state.withLock { $0.counts[request.method, default: 0] += 1 } }
}
