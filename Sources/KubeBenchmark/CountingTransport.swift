import Foundation
import KubeClient
import KubeCore
import Synchronization

/// An `HTTPTransport` that forwards to another one and counts the requests by method.
///
/// Streams (watches) count as `GET`s. Counts start at zero and can be reset.
public final class CountingTransport: HTTPTransport {
    public let wrapped: any HTTPTransport
    private let counts = Mutex<[HTTPMethod: Int]>([:])

    public init(wrapping transport: any HTTPTransport) { wrapped = transport }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        count(request)
        return try await wrapped.send(request)
    }

    public func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        count(request)
        return try await wrapped.stream(request)
    }

    /// Requests sent so far, by method.
    public var byMethod: [HTTPMethod: Int] { counts.withLock { $0 } }

    /// Every request sent so far.
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }

    /// Requests that can change something: `POST`, `PUT`, `PATCH` and `DELETE`.
    public var writes: Int { counts.withLock { $0.filter { $0.key != .get }.values.reduce(0, +) } }

    /// Sets every count back to zero.
    public func reset() { counts.withLock { $0 = [:] } }

    private func count(_ request: HTTPRequest) { counts.withLock { $0[request.method, default: 0] += 1 } }
}
