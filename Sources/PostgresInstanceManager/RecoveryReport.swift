import Foundation
import KubeCore

/// `/status.recovery` after a recovery bootstrap (`null` otherwise), persisted in
/// `<pgdata>/quartermaster/recovery.json` so that a restart still reports it.
///
/// ```json
/// {"backupID":"20261203T101500","reachedLSN":"0/5000060","reachedTime":"2026-12-03T10:17:44Z",
///  "targetReached":true,"message":null}
/// ```
///
/// `reachedLSN`: where the recovered server left the source's timeline (the switch point in
/// the new timeline's history file). `reachedTime`: the commit time of the last transaction
/// replayed (`pg_last_xact_replay_timestamp()`; `null` when none was). `targetReached` false
/// with `message` when PostgreSQL ended recovery without reaching the target (for example a
/// target beyond the end of the archive): the manager then keeps the data and does not promote.
/// `message` is an addition to the contract's fields.
public struct RecoveryReport: Codable, Hashable, Sendable {
    public var backupID: String
    public var reachedLSN: String?
    public var reachedTime: String?
    public var targetReached: Bool
    public var message: String?

    public init(
        backupID: String, reachedLSN: String? = nil, reachedTime: String? = nil, targetReached: Bool,
        message: String? = nil
    ) {
        self.backupID = backupID
        self.reachedLSN = reachedLSN
        self.reachedTime = reachedTime
        self.targetReached = targetReached
        self.message = message
    }

    private enum CodingKeys: String, CodingKey { case backupID, reachedLSN, reachedTime, targetReached, message }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(backupID, forKey: .backupID)
        try c.encode(reachedLSN, forKey: .reachedLSN)
        try c.encode(reachedTime, forKey: .reachedTime)
        try c.encode(targetReached, forKey: .targetReached)
        try c.encode(message, forKey: .message)
    }

    public static func read(from path: String) -> RecoveryReport? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? KubeJSON.decode(RecoveryReport.self, from: data)
    }

    /// The switch point of the newest timeline history file's last entry
    /// (`<parent TLI>\t<LSN>\t<reason>`); `nil` without one.
    public static func switchPoint(history: String) -> String? {
        let entries = history.split(whereSeparator: \.isNewline).filter {
            let t = $0.trimmingCharacters(in: .whitespaces)
            return !t.isEmpty && !t.hasPrefix("#")
        }
        guard let last = entries.last else { return nil }
        let fields = last.split(whereSeparator: { $0 == "\t" || $0 == " " })
        return fields.count >= 2 ? String(fields[1]) : nil
    }

    /// The newest `XXXXXXXX.history` in `directory`, read; `nil` without one.
    public static func newestHistory(in directory: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let histories = names.filter { $0.range(of: #"^[0-9A-F]{8}\.history$"#, options: .regularExpression) != nil }
        guard let newest = histories.sorted().last else { return nil }
        return try? String(contentsOfFile: directory + "/" + newest, encoding: .utf8)
    }

    /// The line PostgreSQL logs when recovery ends short of its target, or the last FATAL line,
    /// from its output `log`.
    public static func failureLine(log: String) -> String? {
        let lines = log.split(whereSeparator: \.isNewline).map(String.init)
        return lines.last(where: { $0.contains("recovery ended before configured recovery target was reached") })
            ?? lines.last(where: { $0.contains("FATAL") })
    }
}
