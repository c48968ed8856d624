import CCurl

/// `curl_global_init`, run once per process. Swift initializes globals exactly once, under a
/// lock, so concurrent first uses are safe.
private let curlGlobalInitResult: CURLcode = curl_global_init(qm_global_default())

enum CurlGlobal {
    /// Initializes libcurl on first call; throws if that failed.
    static func ensureInitialized() throws {
        let code = curlGlobalInitResult
        guard code == CURLE_OK else {
            throw TransportError.other("curl_global_init failed: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
