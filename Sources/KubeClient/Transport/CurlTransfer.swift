import CCurl
import Foundation
import KubeCore
import Synchronization

/// One request on its libcurl easy handle, with the state its callbacks fill in.
///
/// Threading: it is configured on the caller's thread before being submitted to the
/// `CurlMultiLoop`; from then on every mutable field is touched only by the loop thread (the
/// libcurl callbacks run there too). `cancelRequested` is the one field other threads write.
/// Each continuation is resumed exactly once: by the loop thread, or by the submitter when the
/// loop refused the transfer.
final class CurlTransfer: @unchecked Sendable {
    enum Mode {
        /// `send`: the whole body, capped, within `CURLOPT_TIMEOUT_MS`.
        case whole
        /// `stream`: head within `headTimeout`, then lines until the end, failing after `idle`
        /// without bytes.
        case stream(headTimeout: Duration, idle: Duration)
    }

    let easy: UnsafeMutableRawPointer
    let mode: Mode
    let cancelRequested = Atomic<Bool>(false)

    // Completion, set before submission.
    var wholeContinuation: CheckedContinuation<(HTTPResponse, TransferInfo), any Error>?
    var headContinuation: CheckedContinuation<HTTPLineStream, any Error>?
    /// The consumer's side of a stream; set before submission, dropped at cleanup.
    var streamBuffer: StreamLineBuffer?
    /// For `.whole`: where a 2xx body goes as it arrives instead of being held (no overall size
    /// cap then: the sink bounds what it keeps).
    private let bodySink: (any HTTPBodySink)?
    /// What the sink threw, which ends the transfer.
    private var sinkError: (any Error)?

    // Loop-thread state.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var responseHeaders: [String: String] = [:]
    private var body = Data()
    private let maxBodySize: Int
    private var exceededBodySize = false
    private let maxLineSize: Int
    private var exceededLineSize = false
    private(set) var headDelivered = false
    /// Chosen by the response's `Content-Type` when its body starts.
    private var splitter: StreamSplitter?
    var started = ContinuousClock.now
    var lastActivity = ContinuousClock.now
    private var cleanedUp = false

    /// Builds the easy handle for `request`. Throws `TransportError.other` when libcurl rejects
    /// an option (the message names the option, never its value).
    init(
        request: HTTPRequest, endpoint: ServerEndpoint, tls: TLSConfiguration, options: TransportOptions, mode: Mode,
        bodySink: (any HTTPBodySink)? = nil
    ) throws {
        guard let easy = curl_easy_init() else { throw TransportError.other("curl_easy_init failed") }
        self.easy = easy
        self.mode = mode
        self.bodySink = bodySink
        self.maxBodySize = options.maxBodySize
        self.maxLineSize = options.maxLineSize
        let size = Int(qm_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        do {
            try configure(request: request, endpoint: endpoint, tls: tls, options: options)
        } catch {
            cleanup()
            throw error
        }
    }

    deinit { cleanup() }

    // MARK: Configuration

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw TransportError.other("libcurl rejected \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func setLong(_ option: CURLoption, _ value: Int, _ what: String) throws {
        try check(qm_easy_setopt_long(easy, option, value), what)
    }

    private func setString(_ option: CURLoption, _ value: String, _ what: String) throws {
        try check(value.withCString { qm_easy_setopt_str(easy, option, $0) }, what)
    }

    private func setBlob(_ option: CURLoption, _ data: Data, _ what: String) throws {
        try data.withUnsafeBytes { bytes in
            var blob = curl_blob(
                data: UnsafeMutableRawPointer(mutating: bytes.baseAddress), len: bytes.count, flags: qm_blob_copy())
            try check(qm_easy_setopt_blob(easy, option, &blob), what)
        }
    }

    private func configure(
        request: HTTPRequest, endpoint: ServerEndpoint, tls: TLSConfiguration, options: TransportOptions
    ) throws {
        try setString(CURLOPT_URL, endpoint.url(for: request.target, serverName: tls.serverName), "the URL")
        if let serverName = tls.serverName {
            connectToList = curl_slist_append(nil, endpoint.connectTo(serverName: serverName))
            try check(qm_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, connectToList), "CONNECT_TO")
        }
        try setLong(CURLOPT_NOSIGNAL, 1, "NOSIGNAL")
        try check(qm_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        // A body for a sink (a large list) goes over HTTP/1.1, each on a connection of its own:
        // libcurl 7.88 (Debian 12's) stalled one of two large responses multiplexed on one
        // HTTP/2 connection until the request timed out (an informer cache's lists at start).
        let version = bodySink == nil ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1
        try setLong(CURLOPT_HTTP_VERSION, Int(version), "HTTP_VERSION")
        try setLong(CURLOPT_PIPEWAIT, 1, "PIPEWAIT")
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.curlMilliseconds, "CONNECTTIMEOUT_MS")
        try setLong(CURLOPT_TCP_KEEPALIVE, 1, "TCP_KEEPALIVE")
        try setLong(CURLOPT_TCP_KEEPIDLE, options.keepAliveInterval.wholeSecondsRoundedUp, "TCP_KEEPIDLE")
        try setLong(CURLOPT_TCP_KEEPINTVL, options.keepAliveProbeInterval.wholeSecondsRoundedUp, "TCP_KEEPINTVL")
        try check(TCPSocketTuning(options: options).install(on: easy), "SOCKOPTFUNCTION")
        try setLong(CURLOPT_UPKEEP_INTERVAL_MS, options.keepAliveInterval.curlMilliseconds, "UPKEEP_INTERVAL_MS")
        try setString(CURLOPT_USERAGENT, options.userAgent, "USERAGENT")
        switch mode {
        case .whole:
            try setLong(CURLOPT_TIMEOUT_MS, (request.timeout ?? options.requestTimeout).curlMilliseconds, "TIMEOUT_MS")
            if bodySink == nil {
                try check(
                    qm_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBodySize)), "MAXFILESIZE")
            }
            // Any encoding libcurl can decode; the size cap applies to the decoded body.
            try setString(CURLOPT_ACCEPT_ENCODING, "", "ACCEPT_ENCODING")
        case .stream:
            break
        }

        // Method and body.
        if request.method != .get && request.method != .post {
            try setString(CURLOPT_CUSTOMREQUEST, request.method.rawValue, "CUSTOMREQUEST")
        }
        if request.method == .post || request.body != nil {
            let payload = request.body ?? Data()
            try check(qm_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count)), "POSTFIELDSIZE")
            try payload.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies now, so the bytes need not outlive this call.
                var empty: UInt8 = 0
                let pointer = bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                try withUnsafeMutablePointer(to: &empty) { emptyPointer in
                    try check(
                        qm_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, pointer ?? UnsafeMutableRawPointer(emptyPointer)),
                        "COPYPOSTFIELDS")
                }
            }
        }

        // Headers.
        var headers: [String] = []
        var hasAccept = false
        var hasContentType = false
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, !name.contains(where: { $0 == ":" || $0.isNewline || $0.isWhitespace }),
                !value.contains(where: \.isNewline)
            else {
                throw TransportError.other("invalid header '\(name.filter { !$0.isNewline })' in \(request)")
            }
            if name.lowercased() == "accept" { hasAccept = true }
            if name.lowercased() == "content-type" { hasContentType = true }
            headers.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !hasAccept { headers.append("Accept: application/json") }
        // Without these, libcurl would add its own `Expect: 100-continue` and, for a body,
        // `Content-Type: application/x-www-form-urlencoded`.
        headers.append("Expect:")
        if !hasContentType { headers.append("Content-Type:") }
        for header in headers {
            guard let appended = curl_slist_append(headerList, header) else {
                throw TransportError.other("out of memory building headers")
            }
            headerList = appended
        }
        try check(qm_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")

        // TLS.
        if let ca = tls.certificateAuthorityPEM { try setBlob(CURLOPT_CAINFO_BLOB, ca, "the certificate authority") }
        if let identity = request.clientIdentity ?? tls.clientIdentity {
            try setString(CURLOPT_SSLCERTTYPE, "PEM", "SSLCERTTYPE")
            try setBlob(CURLOPT_SSLCERT_BLOB, identity.certificatePEM, "the client certificate")
            try setString(CURLOPT_SSLKEYTYPE, "PEM", "SSLKEYTYPE")
            try setBlob(CURLOPT_SSLKEY_BLOB, identity.keyPEM, "the client key")
        }
        if tls.insecureSkipVerify {
            try setLong(CURLOPT_SSL_VERIFYPEER, 0, "SSL_VERIFYPEER")
            try setLong(CURLOPT_SSL_VERIFYHOST, 0, "SSL_VERIFYHOST")
        }

        // Callbacks.
        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(qm_easy_setopt_write(easy, curlTransferWrite), "WRITEFUNCTION")
        try check(qm_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, me), "WRITEDATA")
        try check(qm_easy_setopt_header(easy, curlTransferHeader), "HEADERFUNCTION")
        try check(qm_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, me), "HEADERDATA")
    }

    // MARK: Callbacks (loop thread, inside curl_multi_perform)

    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        switch HTTPHeaderLine(bytes) {
        case .statusLine:
            responseHeaders = [:]  // a new response head (after a 1xx)
        case .end:
            let status = responseCode
            if status >= 200 { headComplete(status: status) }
        case .field(let name, let value):
            if let existing = responseHeaders[name] {
                responseHeaders[name] = existing + ", " + value
            } else {
                responseHeaders[name] = value
            }
        case .other:
            break
        }
        return bytes.count
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        switch mode {
        case .whole:
            if let bodySink, (200..<300).contains(responseCode) {
                do {
                    try bodySink.receive(bytes)
                } catch {
                    sinkError = error
                    return 0  // aborts the transfer with CURLE_WRITE_ERROR
                }
                return bytes.count
            }
            guard body.count + bytes.count <= maxBodySize else {
                exceededBodySize = true
                return 0  // aborts the transfer with CURLE_WRITE_ERROR
            }
            body.append(contentsOf: bytes)
            return bytes.count
        case .stream:
            if !headDelivered { headComplete(status: responseCode) }
            guard let buffer = streamBuffer else { return 0 }
            if buffer.shouldPause() { return Int(qm_writefunc_pause()) }
            var splitter = self.splitter ?? StreamSplitter(contentType: responseHeaders["content-type"])
            self.splitter = nil  // not shared while fed, so its pending bytes are not copied
            let lines = splitter.feed(bytes)
            self.splitter = splitter
            // An unfinished line over the cap fails now, before more of it is buffered; a
            // finished one over the cap fails instead of reaching the consumer.
            if splitter.pendingCount > maxLineSize || lines.contains(where: { $0.count > maxLineSize }) {
                exceededLineSize = true
                return 0  // aborts the transfer with CURLE_WRITE_ERROR
            }
            buffer.deliver(lines)
            return bytes.count
        }
    }

    /// For streams: hands the head to the waiting `stream` call.
    private func headComplete(status: Int) {
        guard case .stream = mode, !headDelivered, let buffer = streamBuffer else { return }
        headDelivered = true
        let token = StreamConsumerToken(buffer: buffer)
        let lines = AsyncThrowingStream<Data, any Error>(unfolding: { try await token.buffer.next() })
        let continuation = headContinuation
        headContinuation = nil
        continuation?.resume(returning: HTTPLineStream(status: status, headers: responseHeaders, lines: lines))
    }

    private var responseCode: Int {
        var code = 0
        _ = qm_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    // MARK: Completion (loop thread, after removal from the multi handle)

    /// The transfer ended with libcurl's `code`.
    func complete(code: CURLcode) {
        if code == CURLE_OK {
            switch mode {
            case .whole:
                let response = HTTPResponse(status: responseCode, headers: responseHeaders, body: body)
                body = Data()
                let continuation = wholeContinuation
                wholeContinuation = nil
                continuation?.resume(returning: (response, info))
            case .stream:
                if !headDelivered { headComplete(status: responseCode) }
                if let last = splitter?.finish() {
                    guard last.count <= maxLineSize else {
                        fail(TransportError.lineTooLong(limit: maxLineSize))
                        return
                    }
                    streamBuffer?.deliver([last])
                }
                streamBuffer?.finish(nil)
            }
        } else if let sinkError {
            fail(sinkError)
        } else if exceededLineSize {
            fail(TransportError.lineTooLong(limit: maxLineSize))
        } else if exceededBodySize || code == CURLE_FILESIZE_EXCEEDED {
            fail(TransportError.bodyTooLarge(limit: maxBodySize))
        } else {
            let message = String(cString: errorBuffer)
            fail(TransportError.from(curlCode: code, errorBuffer: message))
        }
    }

    /// The transfer ended with `error` (libcurl's, or cancellation, a timer, shutdown).
    func fail(_ error: any Error) {
        let whole = wholeContinuation
        let head = headContinuation
        wholeContinuation = nil
        headContinuation = nil
        whole?.resume(throwing: error)
        head?.resume(throwing: error)
        if headDelivered { streamBuffer?.finish(error) }
    }

    /// How the request was carried.
    var info: TransferInfo {
        var version = 0
        _ = qm_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
        var connects = 0
        _ = qm_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        let name: String
        switch version {
        case Int(CURL_HTTP_VERSION_1_0): name = "1.0"
        case Int(CURL_HTTP_VERSION_1_1): name = "1.1"
        case Int(CURL_HTTP_VERSION_2_0): name = "2"
        case Int(CURL_HTTP_VERSION_3): name = "3"
        default: name = "unknown"
        }
        return TransferInfo(httpVersion: name, newConnections: connects)
    }

    /// Frees the easy handle and everything it points to. Idempotent. The handle must no
    /// longer be in a multi handle.
    func cleanup() {
        guard !cleanedUp else { return }
        cleanedUp = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        headerList = nil
        connectToList = nil
        errorBuffer.deallocate()
        streamBuffer = nil
        body = Data()
    }
}

private func curlTransferWrite(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private func curlTransferHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
}
