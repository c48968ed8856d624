import Foundation
import KubeClient
import KubeCore
import Synchronization

/// A test double for `HTTPTransport`: answers requests from a script and records every request
/// it was sent, so tests can assert the exact requests a step makes.
///
/// Each step is matched in order against the handlers; the first handler whose `match` returns
/// a response answers. An unmatched request is answered 599 and recorded, so a test that
/// forgot to expect it fails on the recorded list.
public final class ScriptedTransport: HTTPTransport {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse?
    public typealias StreamHandler = @Sendable (HTTPRequest) -> HTTPLineStream?

    private let state = Mutex<State>(State())
    private struct State {
        var handlers: [Handler] = []
        var streamHandlers: [StreamHandler] = []
        var requests: [HTTPRequest] = []
    }

    public init() {}

    /// Adds a handler for `send`.
    public func on(_ handler: @escaping Handler) { state.withLock { $0.handlers.append(handler) } }

    /// Answers `method path` (query ignored) with `status` and a JSON body.
    public func on(_ method: HTTPMethod, _ path: String, status: Int = 200, json: String) {
        on { req in
            req.method == method && req.path == path
                ? HTTPResponse(status: status, headers: ["content-type": "application/json"], body: Data(json.utf8))
                : nil
        }
    }

    /// Adds a handler for `stream`.
    public func onStream(_ handler: @escaping StreamHandler) { state.withLock { $0.streamHandlers.append(handler) } }

    /// Every request sent so far (with credentials headers as sent).
    public var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// Forgets the recorded requests (handlers stay).
    public func clearRequests() { state.withLock { $0.requests.removeAll() } }

    /// Requests that change something (everything but GET).
    public var writes: [HTTPRequest] { requests.filter { $0.method != .get } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let handlers = state.withLock { s in
            s.requests.append(request)
            return s.handlers
        }
        for h in handlers { if let r = h(request) { return r } }
        return HTTPResponse(status: 599, body: Data("no scripted answer for \(request)".utf8))
    }

    public func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        let handlers = state.withLock { s in
            s.requests.append(request)
            return s.streamHandlers
        }
        for h in handlers { if let r = h(request) { return r } }
        let (lines, c) = AsyncThrowingStream.makeStream(of: Data.self)
        c.finish()
        return HTTPLineStream(status: 599, headers: [:], lines: lines)
    }
}
