import CCurl
import Foundation

/// One plain-HTTP GET on a libcurl easy handle of its own, performed on a thread of its own
/// (``BlockingWork``): for small documents served by something other than the API server, such
/// as a pod's status endpoint. No TLS, no redirects, no connection reuse, no credentials; the
/// whole exchange bounded by `timeout` and the body by `maxBodySize`.
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
        guard url.lowercased().hasPrefix("http://") else {
            throw TransportError.other("only http:// URLs are fetched")
        }
        try CurlGlobal.ensureInitialized()
        return try await BlockingWork.run { try perform(url, body: nil, timeout: timeout, maxBodySize: maxBodySize) }
    }

    /// POSTs `body` (`Content-Type: application/json`) to `url` (`http://` only), bounded and
    /// failing as ``get(_:timeout:maxBodySize:)``.
    public static func post(_ url: String, json body: Data, timeout: Duration, maxBodySize: Int) async throws -> Response {
        guard url.lowercased().hasPrefix("http://") else {
            throw TransportError.other("only http:// URLs are fetched")
        }
        try CurlGlobal.ensureInitialized()
        return try await BlockingWork.run { try perform(url, body: body, timeout: timeout, maxBodySize: maxBodySize) }
    }

    private static func perform(_ url: String, body: Data?, timeout: Duration, maxBodySize: Int) throws -> Response {
        guard let easy = curl_easy_init() else { throw TransportError.other("curl_easy_init failed") }
        defer { curl_easy_cleanup(easy) }
        let sink = BodySink(limit: maxBodySize)
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
        try check(qm_easy_setopt_write(easy, plainHTTPGetWrite), "WRITEFUNCTION")
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { if let headers { curl_slist_free_all(headers) } }
        if let body {
            headers = curl_slist_append(nil, "Content-Type: application/json")
            try check(qm_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers), "HTTPHEADER")
            try check(qm_easy_setopt_long(easy, CURLOPT_POST, 1), "POST")
            try check(qm_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "POSTFIELDSIZE")
            // COPYPOSTFIELDS copies now, so the bytes need not outlive this call.
            var bytes = [UInt8](body)
            if bytes.isEmpty { bytes = [0] }
            try bytes.withUnsafeMutableBytes { raw in
                try check(qm_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, raw.baseAddress), "COPYPOSTFIELDS")
            }
        }
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        try check(qm_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, unmanaged.toOpaque()), "WRITEDATA")

        let code = curl_easy_perform(easy)
        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED { throw TransportError.bodyTooLarge(limit: maxBodySize) }
        guard code == CURLE_OK else {
            throw TransportError.from(curlCode: code, errorBuffer: String(cString: errorBuffer))
        }
        var status = 0
        _ = qm_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: sink.body)
    }
}

/// The body of one ``PlainHTTPGet``, filled by libcurl's write callback on the performing
/// thread only.
private final class BodySink {
    let limit: Int
    var body = Data()
    var exceeded = false
    init(limit: Int) { self.limit = limit }
}

private func plainHTTPGetWrite(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let user else { return 0 }
    let sink = Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    guard sink.body.count + n <= sink.limit else {
        sink.exceeded = true
        return 0  // aborts the transfer
    }
    if let data, n > 0 { sink.body.append(UnsafeRawBufferPointer(start: data, count: n).bindMemory(to: UInt8.self)) }
    return n
}
