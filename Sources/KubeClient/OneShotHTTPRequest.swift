import CCurl
import Foundation

/// One HTTP or HTTPS request on a libcurl easy handle of its own, performed on a thread of its
/// own (``BlockingWork``): for services other than the API server that need request headers and
/// answer with response headers that matter, such as a container registry.
///
/// Guarantees: no redirects are followed, no connection is reused, no cookies are kept; TLS
/// verifies the peer and host names against the system's certificate authorities (or
/// ``certificateAuthorityPEM``); plain `http://` is refused unless ``allowsPlainHTTP`` is set;
/// the whole exchange is bounded by ``timeout`` and the body by ``maxBodySize``. Header values
/// (credentials included) never appear in an error.
public struct OneShotHTTPRequest: Sendable {
    /// `GET`, `HEAD` (reads no body) or `POST` (sends ``body``).
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case head = "HEAD"
        case post = "POST"
    }

    /// The answer: status, the status line as sent (`HTTP/1.1 404 Not Found`; HTTP/2 has no
    /// reason phrase), headers by lower-cased name (the last value of a repeated header), body.
    public struct Response: Sendable, Hashable {
        public var status: Int
        public var statusLine: String
        public var headers: [String: String]
        public var body: Data

        public init(status: Int, statusLine: String, headers: [String: String], body: Data) {
            self.status = status
            self.statusLine = statusLine
            self.headers = headers
            self.body = body
        }

        /// The header `name` (any case), `nil` when absent.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public var method: Method
    /// `https://...`, or `http://...` when ``allowsPlainHTTP``.
    public var url: String
    /// Request headers, sent in this order. Names must be tokens; values single lines.
    public var headers: [(name: String, value: String)]
    /// Bounds the whole exchange (connect included). Default 10 s.
    public var timeout: Duration
    /// The largest body read; a larger one fails with `TransportError.bodyTooLarge`. Default 1 MiB.
    public var maxBodySize: Int
    /// `true` permits `http://` URLs. Default `false`.
    public var allowsPlainHTTP: Bool
    /// Certificate authorities (PEM) trusted instead of the system's; `nil` (default): the system's.
    public var certificateAuthorityPEM: Data?
    /// What a `POST` sends (its `Content-Type` is one of ``headers``); ignored otherwise. Default empty.
    public var body: Data

    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [],
        timeout: Duration = .seconds(10), maxBodySize: Int = 1 << 20, allowsPlainHTTP: Bool = false,
        certificateAuthorityPEM: Data? = nil, body: Data = Data()
    ) {
        self.body = body
        self.method = method
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.maxBodySize = maxBodySize
        self.allowsPlainHTTP = allowsPlainHTTP
        self.certificateAuthorityPEM = certificateAuthorityPEM
    }

    /// Sends the request. Fails with `TransportError`: `.timedOut` past ``timeout``,
    /// `.connection` when nothing answers, `.tls` when the peer is not trusted,
    /// `.bodyTooLarge` past ``maxBodySize`` bytes, `.other` for a URL with another scheme
    /// (or `http://` without ``allowsPlainHTTP``) or an invalid header.
    public func perform() async throws -> Response {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || (allowsPlainHTTP && lowered.hasPrefix("http://")) else {
            throw TransportError.other(
                allowsPlainHTTP ? "only http:// and https:// URLs are fetched" : "only https:// URLs are fetched")
        }
        for header in headers {
            guard !header.name.isEmpty,
                !header.name.contains(where: { $0 == ":" || $0.isNewline || $0.isWhitespace }),
                !header.value.contains(where: \.isNewline)
            else {
                throw TransportError.other("invalid request header '\(header.name.filter { !$0.isNewline })'")
            }
        }
        try CurlGlobal.ensureInitialized()
        let request = self
        return try await BlockingWork.run { try request.performBlocking() }
    }

    private func performBlocking() throws -> Response {
        guard let easy = curl_easy_init() else { throw TransportError.other("curl_easy_init failed") }
        defer { curl_easy_cleanup(easy) }
        let sink = OneShotSink(limit: maxBodySize)
        let errorSize = Int(qm_error_size())
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        defer { errorBuffer.deallocate() }

        func check(_ code: CURLcode, _ what: String) throws {
            guard code == CURLE_OK else {
                throw TransportError.other("libcurl rejected \(what): \(String(cString: curl_easy_strerror(code)))")
            }
        }
        try check(url.withCString { qm_easy_setopt_str(easy, CURLOPT_URL, $0) }, "the URL")
        try check(qm_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try check(qm_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        try check(qm_easy_setopt_long(easy, CURLOPT_FORBID_REUSE, 1), "FORBID_REUSE")
        try check(qm_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds), "TIMEOUT_MS")
        try check(qm_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout.curlMilliseconds), "CONNECTTIMEOUT_MS")
        try check(qm_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBodySize)), "MAXFILESIZE")
        try check(qm_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        if method == .head { try check(qm_easy_setopt_long(easy, CURLOPT_NOBODY, 1), "NOBODY") }
        if method == .post {
            try check(qm_easy_setopt_long(easy, CURLOPT_POST, 1), "POST")
            try check(qm_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "POSTFIELDSIZE")
            // COPYPOSTFIELDS copies now, so the bytes need not outlive this call.
            var bytes = [UInt8](body)
            if bytes.isEmpty { bytes = [0] }
            try bytes.withUnsafeMutableBytes { raw in
                try check(qm_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, raw.baseAddress), "COPYPOSTFIELDS")
            }
        }
        if let pem = certificateAuthorityPEM {
            try pem.withUnsafeBytes { bytes in
                var blob = curl_blob(
                    data: UnsafeMutableRawPointer(mutating: bytes.baseAddress), len: bytes.count, flags: qm_blob_copy())
                try check(qm_easy_setopt_blob(easy, CURLOPT_CAINFO_BLOB, &blob), "the certificate authority")
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        defer { if let list { curl_slist_free_all(list) } }
        // Without these, libcurl would add an `Expect:` and its own `Accept: */*`.
        for line in headers.map({ $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(list, line) else {
                throw TransportError.other("out of memory building headers")
            }
            list = appended
        }
        try check(qm_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list), "HTTPHEADER")
        try check(qm_easy_setopt_write(easy, oneShotWrite), "WRITEFUNCTION")
        try check(qm_easy_setopt_header(easy, oneShotHeader), "HEADERFUNCTION")
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        try check(qm_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, unmanaged.toOpaque()), "WRITEDATA")
        try check(qm_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, unmanaged.toOpaque()), "HEADERDATA")

        let code = curl_easy_perform(easy)
        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED { throw TransportError.bodyTooLarge(limit: maxBodySize) }
        guard code == CURLE_OK else {
            throw TransportError.from(curlCode: code, errorBuffer: String(cString: errorBuffer))
        }
        var status = 0
        _ = qm_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, statusLine: sink.statusLine, headers: sink.headers, body: sink.body)
    }
}

/// What libcurl's callbacks of one ``OneShotHTTPRequest`` collect, on the performing thread only.
private final class OneShotSink {
    let limit: Int
    var body = Data()
    var exceeded = false
    var statusLine = ""
    var headers: [String: String] = [:]
    /// Header bytes are bounded too (64 KiB), so a server cannot grow them without limit.
    var headerBytes = 0
    init(limit: Int) { self.limit = limit }
}

private func oneShotWrite(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let user else { return 0 }
    let sink = Unmanaged<OneShotSink>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    guard sink.body.count + n <= sink.limit else {
        sink.exceeded = true
        return 0  // aborts the transfer
    }
    if let data, n > 0 { sink.body.append(UnsafeRawBufferPointer(start: data, count: n).bindMemory(to: UInt8.self)) }
    return n
}

private func oneShotHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let user else { return 0 }
    let sink = Unmanaged<OneShotSink>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    sink.headerBytes += n
    guard sink.headerBytes <= 64 * 1024 else { return 0 }
    guard let data, n > 0 else { return n }
    var line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
    while line.last?.isNewline == true { line.removeLast() }
    if line.hasPrefix("HTTP/") {
        sink.statusLine = line  // a new response head (after a 1xx)
        sink.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        sink.headers[name] = value
    }
    return n
}
