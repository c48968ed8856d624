import Foundation
import KubeClient

extension InstanceStatusClient {
    public func startBackup(podIP: String, name: String) async throws -> BackupReport { throw InstanceStatusError.unsupported }
    public func backup(podIP: String, name: String) async throws -> BackupReport? { throw InstanceStatusError.unsupported }
    public func backupCatalog(podIP: String) async throws -> BackupCatalog { throw InstanceStatusError.unsupported }
    public func startRetention(podIP: String, policy: String) async throws { throw InstanceStatusError.unsupported }
    public func retention(podIP: String) async throws -> RetentionReport? { throw InstanceStatusError.unsupported }
}

/// The backup routes of the instance manager (the contract's IM HTTP API), each bounded like
/// ``HTTPInstanceStatusClient/report(podIP:)``: ``HTTPInstanceStatusClient/timeout``,
/// ``InstanceStatusEndpoint/maxBodySize``, pod IP literals only.
extension HTTPInstanceStatusClient {
    /// A backup name is a Kubernetes object name: it goes into the path as is only when it is one.
    static func isObjectName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 253
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 }
    }

    private func url(_ podIP: String, _ path: String) throws -> String {
        guard let url = InstanceStatusEndpoint.url(podIP: podIP, port: port, path: path) else {
            throw InstanceStatusError.invalidPodIP
        }
        return url
    }

    private func get(_ podIP: String, _ path: String, timeout: Duration? = nil) async throws -> PlainHTTPGet.Response {
        try await PlainHTTPGet.get(
            try url(podIP, path), timeout: timeout ?? self.timeout, maxBodySize: InstanceStatusEndpoint.maxBodySize)
    }

    /// How long `GET /backups` may take: 30 s. The instance manager lists the object store
    /// (`barman-cloud-backup-list`, a Python process and S3 requests) while the request waits, which
    /// takes seconds on a busy node; the operator asks at most every 5 minutes per instance.
    public static let catalogTimeout = Duration.seconds(30)

    private func post(_ podIP: String, _ path: String, _ body: [String: String]) async throws -> PlainHTTPGet.Response {
        let data = try JSONEncoder().encode(body)
        return try await PlainHTTPGet.post(
            try url(podIP, path), json: data, timeout: timeout, maxBodySize: InstanceStatusEndpoint.maxBodySize)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: PlainHTTPGet.Response) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: response.body) } catch { throw InstanceStatusError.undecodable }
    }

    private func conflict(_ response: PlainHTTPGet.Response) -> InstanceStatusError {
        struct Problem: Decodable { var error: String? }
        let message = (try? JSONDecoder().decode(Problem.self, from: response.body))?.error ?? "conflict"
        return .conflict(String(message.prefix(1024)))
    }

    public func startBackup(podIP: String, name: String) async throws -> BackupReport {
        guard Self.isObjectName(name) else { throw InstanceStatusError.status(400) }
        let response = try await post(podIP, "/backups", ["name": name])
        switch response.status {
        case 200, 201, 202: return try decode(BackupReport.self, response)
        case 409: throw conflict(response)
        default: throw InstanceStatusError.status(response.status)
        }
    }

    public func backup(podIP: String, name: String) async throws -> BackupReport? {
        guard Self.isObjectName(name) else { throw InstanceStatusError.status(400) }
        let response = try await get(podIP, "/backups/\(name)")
        switch response.status {
        case 200: return try decode(BackupReport.self, response)
        case 404: return nil
        default: throw InstanceStatusError.status(response.status)
        }
    }

    public func backupCatalog(podIP: String) async throws -> BackupCatalog {
        let response = try await get(podIP, "/backups", timeout: Self.catalogTimeout)
        guard response.status == 200 else { throw InstanceStatusError.status(response.status) }
        return try decode(BackupCatalog.self, response)
    }

    public func startRetention(podIP: String, policy: String) async throws {
        let response = try await post(podIP, "/retention", ["policy": policy])
        switch response.status {
        case 200, 202: return
        case 409: throw conflict(response)
        default: throw InstanceStatusError.status(response.status)
        }
    }

    public func retention(podIP: String) async throws -> RetentionReport? {
        let response = try await get(podIP, "/retention")
        switch response.status {
        case 200: return try decode(RetentionReport.self, response)
        case 404: return nil
        default: throw InstanceStatusError.status(response.status)
        }
    }
}
