import Foundation
import KubeCore
import Logging

/// A swift-log handler writing one JSON object per line:
/// `{"ts":"2024-05-01T10:00:00.123Z","level":"info","logger":"label","msg":"...", ...metadata}`.
///
/// `ts` is RFC 3339 in UTC with milliseconds. Metadata (handler's, then the call's, which wins)
/// is flattened: nested dictionaries become dotted keys (`a.b`), arrays become JSON arrays of
/// strings, everything else a string. Metadata keys that collide with `ts`, `level`, `logger`
/// or `msg` get a `meta.` prefix. Metadata keys are sorted.
public struct JSONLogHandler: LogHandler {
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

        var out = "{"
        out += "\"ts\":" + JSONLogHandler.quote(APITimestamp.milliTime(now()))
        out += ",\"level\":" + JSONLogHandler.quote(event.level.rawValue)
        out += ",\"logger\":" + JSONLogHandler.quote(label)
        out += ",\"msg\":" + JSONLogHandler.quote(event.message.description)
        var flat: [(String, String)] = []
        JSONLogHandler.flatten(merged, prefix: "", into: &flat)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            let name = ["ts", "level", "logger", "msg"].contains(key) ? "meta.\(key)" : key
            out += "," + JSONLogHandler.quote(name) + ":" + value
        }
        out += "}\n"
        sink.emit(out)
    }

    /// Flattens metadata into (key, JSON-encoded value) pairs.
    static func flatten(_ metadata: Logger.Metadata, prefix: String, into out: inout [(String, String)]) {
        for (key, value) in metadata {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case .dictionary(let nested): flatten(nested, prefix: name, into: &out)
            case .array(let items): out.append((name, "[" + items.map { quote(plain($0)) }.joined(separator: ",") + "]"))
            case .string(let s): out.append((name, quote(s)))
            case .stringConvertible(let c): out.append((name, quote(c.description)))
            }
        }
    }

    /// A metadata value as plain text (for array items and the text format).
    static func plain(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let items): return "[" + items.map(plain).joined(separator: ",") + "]"
        case .dictionary(let d):
            return "{" + d.sorted { $0.key < $1.key }.map { "\($0.key)=\(plain($0.value))" }.joined(separator: ",")
                + "}"
        }
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
