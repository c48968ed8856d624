import Foundation
import Logging
import Synchronization

/// The admission webhook as something the manager runs on every replica (not only the leader):
/// the certificate manager keeps the Secret and the bundle current, and the server serves the
/// Secret's certificate, reloaded when it changes.
///
/// `runCaches()` (every replica) reconciles the certificates, starts the server, then
/// re-reconciles every `checkInterval` (default 1 hour, on the injected `clock`); a failed
/// round is logged and retried at the next. `hasSynced` (so `/readyz`) is `true` once serving.
/// `runWorkers()` returns at once.
public final class AdmissionWebhook: Runnable {
    public let name = "admission-webhook"
    public let server: AdmissionWebhookServer
    public let certificates: WebhookCertificateManager
    public let checkInterval: Duration
    private let clock: any RuntimeClock
    private let logger: Logger
    private let served = Mutex<WebhookCertificateSet?>(nil)

    /// - Parameters:
    ///   - checkInterval: default 1 hour (renewals happen 30 days ahead by default).
    ///   - clock: default `ContinuousRuntimeClock()`.
    public init(
        server: AdmissionWebhookServer, certificates: WebhookCertificateManager, checkInterval: Duration = .seconds(3600),
        clock: any RuntimeClock = ContinuousRuntimeClock(), logger: Logger = Logger(label: "kube.webhook")
    ) {
        self.server = server
        self.certificates = certificates
        self.checkInterval = checkInterval
        self.clock = clock
        self.logger = logger
    }

    public var hasSynced: Bool { server.isServing || server.address == .disabled }

    /// The certificates being served, once serving.
    public var servedCertificates: WebhookCertificateSet? { served.withLock { $0 } }

    /// One round: reconciles the certificates, then starts the server or reloads it when the
    /// serving certificate changed. Returns what is served.
    @discardableResult
    public func refresh() async throws -> WebhookCertificateSet {
        let set = try await certificates.reconcile()
        let previous = served.withLock { $0 }
        if !server.isServing {
            try server.start(serving: set.serving)
        } else if previous?.serving != set.serving {
            try server.reload(set.serving)
            logger.info("admission webhook reloaded its serving certificate")
        }
        served.withLock { $0 = set }
        return set
    }

    public func runCaches() async throws {
        guard server.address != .disabled else { return }
        defer { server.stop() }
        while !Task.isCancelled {
            do { try await refresh() } catch is CancellationError { return } catch {
                logger.error("admission webhook certificates", metadata: ["error": "\(error)"])
            }
            do { try await clock.sleep(for: server.isServing ? checkInterval : .seconds(5)) } catch { return }
        }
    }

    public func runWorkers() async throws {}
}
