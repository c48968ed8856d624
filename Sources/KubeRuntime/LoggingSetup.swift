import Foundation
import Logging

/// The log line formats.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One JSON object per line (`JSONLogHandler`). For production.
    case json
    /// Human-readable lines (`TextLogHandler`). For development.
    case text
}

/// Process-wide logging configuration.
public enum LoggingSetup {
    /// Parses a level name, case-insensitively: `trace`, `debug`, `info`, `notice`,
    /// `warning` (or `warn`), `error`, `critical`. `nil` for anything else.
    public static func level(_ name: String) -> Logger.Level? {
        switch name.lowercased().trimmingCharacters(in: .whitespaces) {
        case "warn": return .warning
        case "err": return .error
        case let s: return Logger.Level(rawValue: s)
        }
    }

    /// Installs the handler for `format` at `level` for every logger, writing to `sink`
    /// (standard error by default). Call once, at startup: swift-log allows one bootstrap per
    /// process.
    public static func bootstrap(format: LogFormat, level: Logger.Level, sink: LogSink = .standardError) {
        LoggingSystem.bootstrap { label in makeHandler(label: label, format: format, level: level, sink: sink) }
    }

    /// The handler `bootstrap` installs, for use without bootstrapping (tests, libraries).
    public static func makeHandler(label: String, format: LogFormat, level: Logger.Level, sink: LogSink)
        -> any LogHandler
    {
        switch format {
        case .json: return JSONLogHandler(label: label, level: level, sink: sink)
        case .text: return TextLogHandler(label: label, level: level, sink: sink)
        }
    }
}
