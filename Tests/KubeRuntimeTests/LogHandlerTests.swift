import Foundation
import Logging
import Testing

@testable import KubeRuntime

@Suite struct LogHandlerTests {
    static let fixed = Date(timeIntervalSince1970: 1_700_000_000.25)

    static func json(_ capture: CapturedLogs, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "qm.test") {
            JSONLogHandler(label: $0, level: level, sink: capture.sink, now: { LogHandlerTests.fixed })
        }
        logger[metadataKey: "controller"] = "widgets"
        return logger
    }

    static func object(_ line: String) throws -> [String: Any] {
        let o = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(o as? [String: Any])
    }

    @Test func jsonLineHasTheFixedFieldsFirstAndFlattenedMetadata() throws {
        let capture = CapturedLogs()
        let logger = Self.json(capture)
        logger.info(
            "reconciled \"w1\"\nok",
            metadata: [
                "object": ["namespace": "a", "name": "w1"], "attempts": "\(3)", "tags": ["x", "y"], "msg": "clash",
            ])
        let lines = capture.all
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        #expect(line.hasPrefix("{\"ts\":\"2023-11-14T22:13:20.250Z\",\"level\":\"info\",\"logger\":\"qm.test\",\"msg\":"))
        let o = try Self.object(line)
        #expect(o["msg"] as? String == "reconciled \"w1\"\nok")
        #expect(o["object.namespace"] as? String == "a")
        #expect(o["object.name"] as? String == "w1")
        #expect(o["attempts"] as? String == "3")
        #expect(o["tags"] as? [String] == ["x", "y"])
        #expect(o["controller"] as? String == "widgets")
        #expect(o["meta.msg"] as? String == "clash")
        #expect(o.count == 10)
    }

    @Test func callMetadataOverridesHandlerMetadata() throws {
        let capture = CapturedLogs()
        Self.json(capture).warning("w", metadata: ["controller": "other"])
        let o = try Self.object(try #require(capture.all.first))
        #expect(o["controller"] as? String == "other")
        #expect(o["level"] as? String == "warning")
    }

    @Test func levelsBelowTheThresholdAreDropped() {
        let capture = CapturedLogs()
        let logger = Self.json(capture, level: .notice)
        logger.info("no")
        logger.debug("no")
        logger.notice("yes")
        logger.error("yes")
        #expect(capture.all.count == 2)
    }

    @Test func controlCharactersAreEscaped() throws {
        let capture = CapturedLogs()
        Self.json(capture).info("tab\there \u{1}")
        let line = try #require(capture.all.first)
        #expect(line.contains("tab\\there \\u0001"))
        #expect(try Self.object(line)["msg"] as? String == "tab\there \u{1}")
    }

    @Test func textFormat() throws {
        let capture = CapturedLogs()
        var logger = Logger(label: "qm") {
            TextLogHandler(label: $0, level: .info, sink: capture.sink, now: { LogHandlerTests.fixed })
        }
        logger[metadataKey: "b"] = "two words"
        logger.info("hello", metadata: ["a": "1", "n": ["k": "v"]])
        #expect(capture.all == ["2023-11-14T22:13:20.250Z info [qm] hello a=1 b=\"two words\" n.k=v\n"])
    }

    @Test func levelParsing() {
        #expect(LoggingSetup.level("INFO") == .info)
        #expect(LoggingSetup.level("debug") == .debug)
        #expect(LoggingSetup.level("warn") == .warning)
        #expect(LoggingSetup.level("Warning") == .warning)
        #expect(LoggingSetup.level("trace") == .trace)
        #expect(LoggingSetup.level("critical") == .critical)
        #expect(LoggingSetup.level("loud") == nil)
        #expect(LogFormat(rawValue: "json") == .json)
        #expect(LogFormat(rawValue: "text") == .text)
    }

    @Test func makeHandlerPicksTheFormat() throws {
        let capture = CapturedLogs()
        let logger = Logger(label: "x") {
            LoggingSetup.makeHandler(label: $0, format: .json, level: .info, sink: capture.sink)
        }
        logger.info("hi")
        #expect(try Self.object(try #require(capture.all.first))["msg"] as? String == "hi")
    }
}
