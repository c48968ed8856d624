import Foundation
import KubeCore

extension KubeClient {
    /// A client for `configuration` over a new `CurlTransport`.
    ///
    /// Uses the configuration's server, TLS settings and credentials; the default namespace is
    /// the configuration's (or `default`), and `host` (reported to `observer`) is the server's
    /// `host:port`.
    ///
    /// - Parameters:
    ///   - options: transport timeouts and limits (default `TransportOptions()`).
    ///   - fieldManager: the client's `fieldManager`. Default `nil`.
    ///   - protobuf: the client's ``KubeClient/protobuf``. Default `true`.
    ///   - observer: called after every request with method, status code and host; default
    ///     does nothing.
    /// - Throws: `TransportError.other` when the server URL is invalid or libcurl cannot start.
    public convenience init(
        configuration: ClientConfiguration, options: TransportOptions = .init(), fieldManager: String? = nil,
        protobuf: Bool = true,
        observer: @escaping @Sendable (_ method: String, _ code: String, _ host: String) -> Void = { _, _, _ in }
    ) throws {
        let transport = try CurlTransport(server: configuration.server, tls: configuration.tls, options: options)
        self.init(
            transport: transport, credentials: configuration.credentials,
            defaultNamespace: configuration.namespace ?? "default", host: transport.hostAndPort,
            fieldManager: fieldManager, protobuf: protobuf, observer: observer)
    }

    /// A client that acts as the operator `identity`: its requests carry
    /// `identity.userAgent` (replacing `options.userAgent`) and its writes
    /// `identity.fieldManager`. Otherwise as `init(configuration:options:observer:)`.
    public convenience init(
        configuration: ClientConfiguration, identity: OperatorIdentity, options: TransportOptions = .init(),
        protobuf: Bool = true,
        observer: @escaping @Sendable (_ method: String, _ code: String, _ host: String) -> Void = { _, _, _ in }
    ) throws {
        var options = options
        options.userAgent = identity.userAgent
        try self.init(
            configuration: configuration, options: options, fieldManager: identity.fieldManager, protobuf: protobuf,
            observer: observer)
    }
}
