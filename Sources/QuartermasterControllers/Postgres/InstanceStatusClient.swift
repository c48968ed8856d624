#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import KubeClient

/// Asks an instance manager for its ``InstanceReport``. Injected into the reconciler
/// (``ControllerSettings/instanceStatusClient``) so unit tests answer without HTTP;
/// production uses ``HTTPInstanceStatusClient``.
public protocol InstanceStatusClient: Sendable {
    /// The report of the instance manager at `podIP` (an IPv4 or IPv6 literal), port
    /// ``InstanceStatusEndpoint/port``. Throws when it cannot be had: the instance then counts
    /// as not reporting.
    func report(podIP: String) async throws -> InstanceReport

    // Backups (issue 12): defaults in `InstanceStatusClient+Backups.swift` throw
    // ``InstanceStatusError/unsupported``, so a double answering reports only need not answer these.
    /// `POST /backups {"name"}`: starts (or, for the same name, reports) a backup. Throws
    /// ``InstanceStatusError/conflict(_:)`` on 409 (another backup runs, or not the primary).
    func startBackup(podIP: String, name: String) async throws -> BackupReport
    /// `GET /backups/<name>`; `nil` on 404 (the instance manager does not know it: pod replaced).
    func backup(podIP: String, name: String) async throws -> BackupReport?
    /// `GET /backups`: the store's catalog.
    func backupCatalog(podIP: String) async throws -> BackupCatalog
    /// `POST /retention {"policy"}`.
    func startRetention(podIP: String, policy: String) async throws
    /// `GET /retention`; `nil` on 404 (none ran).
    func retention(podIP: String) async throws -> RetentionReport?
}

/// Where instance managers serve their status.
public enum InstanceStatusEndpoint {
    /// 8000.
    public static let port = 8000
    /// `/status`.
    public static let path = "/status"
    /// Largest report read: 64 KiB.
    public static let maxBodySize = 64 << 10

    /// `http://<podIP>:8000/status`, IPv6 in brackets; `nil` when `podIP` is not an IP literal
    /// (a pod's status is outside input: it never names a host or carries a path).
    public static func url(podIP: String, port: Int = port) -> String? {
        url(podIP: podIP, port: port, path: path)
    }

    /// `http://<podIP>:<port><path>` for an IP literal `podIP`, else `nil`.
    public static func url(podIP: String, port: Int, path: String) -> String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, podIP, &v4) == 1 { return "http://\(podIP):\(port)\(path)" }
        if inet_pton(AF_INET6, podIP, &v6) == 1 { return "http://[\(podIP)]:\(port)\(path)" }
        return nil
    }
}

/// The production ``InstanceStatusClient``: one plain-HTTP GET (``PlainHTTPGet``, libcurl) with
/// a short timeout, the body capped at ``InstanceStatusEndpoint/maxBodySize``.
public struct HTTPInstanceStatusClient: InstanceStatusClient {
    /// The whole request's bound. Default 2 s.
    public var timeout: Duration
    /// The port the instance managers listen on. Default ``InstanceStatusEndpoint/port``.
    public var port: Int

    public init(timeout: Duration = .seconds(2), port: Int = InstanceStatusEndpoint.port) {
        self.timeout = timeout
        self.port = port
    }

    public func report(podIP: String) async throws -> InstanceReport {
        guard let url = InstanceStatusEndpoint.url(podIP: podIP, port: port) else {
            throw InstanceStatusError.invalidPodIP
        }
        let response = try await PlainHTTPGet.get(url, timeout: timeout, maxBodySize: InstanceStatusEndpoint.maxBodySize)
        guard response.status == 200 else { throw InstanceStatusError.status(response.status) }
        do {
            return try JSONDecoder().decode(InstanceReport.self, from: response.body)
        } catch {
            throw InstanceStatusError.undecodable
        }
    }
}

/// Why a report could not be had (beyond `TransportError`).
public enum InstanceStatusError: Error, Sendable, Hashable {
    case invalidPodIP
    case status(Int)
    case undecodable
    /// 409 with the instance manager's `error`.
    case conflict(String)
    /// The client does not implement the call.
    case unsupported
}
