import Foundation
import Logging

/// The admission webhook's HTTPS endpoint: POSTs of AdmissionReviews routed by path to
/// validators (``AdmissionWebhookRouter``), over TLS with a certificate that can be replaced
/// while serving (``reload(_:)``).
///
/// TLS is OpenSSL 3's (the system library the API client's libcurl already links), HTTP/1.1 with
/// keep-alive; see `TLSListener` for the bounds. A malformed review is answered 400, never a
/// crash.
public final class AdmissionWebhookServer: Sendable {
    /// Default bound of a request body: 8 MiB (an AdmissionReview holds the object and the old
    /// object, each at most the API server's 3 MiB request limit, plus the review).
    public static let defaultMaxBodyBytes = 8 * 1024 * 1024

    public let address: BindAddress
    private let router: AdmissionWebhookRouter
    private let maxBodyBytes: Int
    private let logger: Logger
    private let listener = ListenerSlot()

    /// - Parameters:
    ///   - address: where to listen; `.disabled` makes ``start(serving:)`` do nothing.
    ///   - routes: validators by exact path.
    ///   - maxBodyBytes: default ``defaultMaxBodyBytes``.
    public init(
        address: BindAddress, routes: [String: AdmissionValidator], maxBodyBytes: Int = defaultMaxBodyBytes,
        logger: Logger = Logger(label: "kube.webhook")
    ) {
        self.address = address
        self.router = AdmissionWebhookRouter(routes: routes)
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// Starts listening with `certificate` (returns the port; `nil` when disabled). Throws when
    /// the certificate is unusable or the address cannot be bound, or when already started.
    @discardableResult
    public func start(serving certificate: ServingCertificate) throws -> UInt16? {
        guard case .listen(let host, let port) = address else { return nil }
        let context = try TLSServingContext(certificatePEM: certificate.certificatePEM, privateKeyPEM: certificate.privateKeyPEM)
        let router = self.router
        let tls = TLSListener(context: context, maxBodyBytes: maxBodyBytes, logger: logger) { request in
            await router.respond(to: request)
        }
        try listener.set(tls)
        do {
            let bound = try tls.start(host: host, port: port)
            logger.info("admission webhook serving", metadata: ["address": "\(address)", "port": "\(bound)"])
            return bound
        } catch {
            listener.clear()
            throw error
        }
    }

    /// Serves `certificate` to new connections from now on. Throws (and keeps the old one)
    /// when it is unusable.
    public func reload(_ certificate: ServingCertificate) throws {
        let context = try TLSServingContext(certificatePEM: certificate.certificatePEM, privateKeyPEM: certificate.privateKeyPEM)
        listener.get()?.reload(context)
    }

    /// `true` once listening.
    public var isServing: Bool { listener.get()?.port != nil }

    /// The port listened on, once listening.
    public var port: UInt16? { listener.get()?.port }

    /// Stops listening and closes every connection.
    public func stop() { listener.get()?.stop() }
}

import Synchronization

private final class ListenerSlot: Sendable {
    private let slot = Mutex<TLSListener?>(nil)
    func set(_ l: TLSListener) throws {
        try slot.withLock { s in
            guard s == nil else { throw TLSError("the webhook server is already started") }
            s = l
        }
    }
    func clear() { slot.withLock { $0 = nil } }
    func get() -> TLSListener? { slot.withLock { $0 } }
}
