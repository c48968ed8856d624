import Foundation
import KubeCore

/// What authenticates a request at a given moment.
public struct Credentials: Sendable, Hashable {
    /// Sent as `Authorization: Bearer ...`. Never logged.
    public var bearerToken: String?
    /// HTTP basic auth, for old kubeconfigs (`username`/`password`). Never logged.
    public var basic: (username: String, password: String)? {
        get { basicUser.map { ($0, basicPassword ?? "") } }
        set { basicUser = newValue?.username; basicPassword = newValue?.password }
    }
    private var basicUser: String?
    private var basicPassword: String?

    /// A client certificate to present (exec plugins may return one). Never logged.
    public var clientIdentity: ClientIdentity?

    public init(bearerToken: String? = nil, clientIdentity: ClientIdentity? = nil) {
        self.bearerToken = bearerToken
        self.clientIdentity = clientIdentity
    }

    /// The `Authorization` header value, if any.
    public var authorizationHeader: String? {
        if let bearerToken { return "Bearer \(bearerToken)" }
        if let basic {
            return "Basic " + Data("\(basic.username):\(basic.password)".utf8).base64EncodedString()
        }
        return nil
    }
}

/// Supplies credentials for each request, refreshing them when they expire (token files,
/// exec plugins).
public protocol CredentialProvider: Sendable {
    /// The credentials to use now.
    func credentials() async throws -> Credentials
    /// Called after a 401: drop anything cached so the next call fetches anew.
    func invalidate() async
}

/// Fixed credentials (or none).
public struct StaticCredentials: CredentialProvider {
    public let value: Credentials
    public init(_ value: Credentials = Credentials()) { self.value = value }
    public func credentials() async throws -> Credentials { value }
    public func invalidate() async {}
}
