import Foundation

/// One plain-HTTP GET or JSON POST (a ``OneShotHTTPRequest`` restricted to `http://`): for small
/// documents served by something other than the API server, such as a pod's status endpoint.
/// No TLS, no redirects, no connection reuse, no credentials; the whole exchange bounded by
/// `timeout` and the body by `maxBodySize`.
public enum PlainHTTPGet {
    /// The status code and the whole body.
    public struct Response: Sendable, Hashable {
        public var status: Int
        public var body: Data

        public init(status: Int, body: Data) {
            self.status = status
            self.body = body
        }
    }

    /// GETs `url` (`http://` only). Fails with `TransportError`: `.timedOut` past `timeout`,
    /// `.connection` when nothing answers, `.bodyTooLarge` past `maxBodySize` bytes, `.other`
    /// for a URL that is not `http://`.
    public static func get(_ url: String, timeout: Duration, maxBodySize: Int) async throws -> Response {
        try await perform(OneShotHTTPRequest(method: .get, url: url), timeout: timeout, maxBodySize: maxBodySize)
    }

    /// POSTs `body` (`Content-Type: application/json`) to `url` (`http://` only), bounded and
    /// failing as ``get(_:timeout:maxBodySize:)``.
    public static func post(_ url: String, json body: Data, timeout: Duration, maxBodySize: Int) async throws -> Response {
        try await perform(
            OneShotHTTPRequest(method: .post, url: url, headers: [("Content-Type", "application/json")], body: body),
            timeout: timeout, maxBodySize: maxBodySize)
    }

    /// `request` as a plain-HTTP ``OneShotHTTPRequest`` with these bounds.
    private static func perform(_ request: OneShotHTTPRequest, timeout: Duration, maxBodySize: Int) async throws -> Response {
        guard request.url.lowercased().hasPrefix("http://") else {
            throw TransportError.other("only http:// URLs are fetched")
        }
        var request = request
        request.timeout = timeout
        request.maxBodySize = maxBodySize
        request.allowsPlainHTTP = true
        let response = try await request.perform()
        return Response(status: response.status, body: response.body)
    }
}
