/// Facts about how one request was carried, from libcurl.
public struct TransferInfo: Sendable, Hashable {
    /// The HTTP version used: `"1.0"`, `"1.1"`, `"2"`, `"3"`, or `"unknown"`.
    public var httpVersion: String
    /// New connections opened for this request; `0` means an existing one was reused.
    public var newConnections: Int

    public init(httpVersion: String, newConnections: Int) {
        self.httpVersion = httpVersion
        self.newConnections = newConnections
    }
}
