import Foundation

/// Counts requests in a kube-apiserver JSON audit log (one event per line), from a byte
/// offset on, to cross-check what a client says it sent.
public struct AuditLogCounter: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The log's current size: pass it to `count(from:)` later to count only newer requests.
    public func currentOffset() -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// Completed requests (stage `ResponseComplete`) logged after `offset` whose user agent
    /// starts with `userAgentPrefix` and whose verb is in `verbs`.
    public func count(from offset: UInt64, userAgentPrefix: String, verbs: Set<String>) throws -> Int {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let data = try handle.readToEnd() ?? Data()
        var n = 0
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            guard let event = try? JSONDecoder().decode(AuditEvent.self, from: Data(line)) else { continue }
            if event.stage == "ResponseComplete", verbs.contains(event.verb ?? ""),
                (event.userAgent ?? "").hasPrefix(userAgentPrefix)
            {
                n += 1
            }
        }
        return n
    }

    /// The write verbs of the audit log.
    public static let writeVerbs: Set<String> = ["create", "update", "patch", "delete", "deletecollection"]

    private struct AuditEvent: Decodable {
        var stage: String?
        var verb: String?
        var userAgent: String?
    }
}
