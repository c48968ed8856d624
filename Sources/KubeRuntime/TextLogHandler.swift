import Foundation
import KubeCore
import Logging

/// A swift-log handler writing human-readable lines:
/// `2024-05-01T10:00:00.123Z info [label] message key=value key2=value2`.
///
/// Metadata is flattened and sorted as in `JSONLogHandler`; values containing spaces, quotes
/// or `=` are quoted.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink
    private let now: @Sendable () -> Date

    public init(
        label: String, level: Logger.Level = .info, sink: LogSink = .standardError,
        metadataProvider: Logger.MetadataProvider? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.logLevel = level
        self.sink = sink
        self.metadataProvider = metadataProvider
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(APITimestamp.milliTime(now())) \(event.level.rawValue) [\(label)] \(event.message)"
        var flat: [(String, String)] = []
        Self.flatten(merged, prefix: "", into: &flat)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            line += " \(key)=\(Self.quoteIfNeeded(value))"
        }
        sink.emit(line + "\n")
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into out: inout [(String, String)]) {
        for (key, value) in metadata {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .dictionary(let nested) = value {
                flatten(nested, prefix: name, into: &out)
            } else {
                out.append((name, JSONLogHandler.plain(value)))
            }
        }
    }

    private static func quoteIfNeeded(_ s: String) -> String {
        if s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) {
            return JSONLogHandler.quote(s)
        }
        return s
    }
}
