import Foundation
import KubeCore
import Synchronization

/// A fresh temporary directory for one test, removed when released.
final class ConfigTempDir: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "qm-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `name` (subdirectories created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let full = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: full))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
        }
        return full
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: path + "/" + name, encoding: .utf8)
    }
}

/// A settable wall clock for expiry tests.
final class ConfigTestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

enum ConfigFixtures {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nQ0EgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
    static let certPEM = "-----BEGIN CERTIFICATE-----\nY2xpZW50IGNlcnQ=\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN PRIVATE KEY-----\nY2xpZW50IGtleQ==\n-----END PRIVATE KEY-----\n"

    static func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    static func date(_ s: String) -> Date {
        guard let d = APITimestamp.parse(s) else { fatalError("bad test date \(s)") }
        return d
    }
}
