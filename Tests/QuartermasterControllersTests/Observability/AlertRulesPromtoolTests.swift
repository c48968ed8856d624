import Foundation
import KubeTestSupport
import Testing
import Yams

@testable import QuartermasterControllers

/// The generated alert rules, checked and unit-tested by Prometheus' own `promtool` (Debian's
/// `prometheus` package; `.ci/run` installs it) on `config/prometheus/alerts_test.yaml`.
@Suite struct AlertRulesPromtoolTests {
    static let root = GeneratedManifestsDriftTests.root
    static let promtool = "/usr/bin/promtool"
    static let promtoolAvailable = FileManager.default.isExecutableFile(atPath: promtool)
    static let skipMessage: Comment = "SKIPPED: promtool is missing (apt-get install prometheus)"

    /// Runs promtool with `arguments` in `config/prometheus`; its status and combined output.
    static func promtool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = arguments
        process.currentDirectoryURL = root.appendingPathComponent("config/prometheus")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("qm-promtool-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        await process.exited()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    @Test(.enabled(if: promtoolAvailable, skipMessage))
    func theRuleFileIsValid() async throws {
        let result = try await Self.promtool(["check", "rules", "alerts.yaml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS: \(QuartermasterAlerts.all.count) rules found"), "\(result.output)")
    }

    @Test(.enabled(if: promtoolAvailable, skipMessage))
    func everyAlertFiresAndStaysQuietAsTheUnitTestsSay() async throws {
        let result = try await Self.promtool(["test", "rules", "alerts_test.yaml"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    /// Every rule is expected to fire in at least one test case, with its annotations.
    @Test func everyAlertHasAFiringTestCase() async throws {
        let text = try String(
            contentsOf: Self.root.appendingPathComponent("config/prometheus/alerts_test.yaml"), encoding: .utf8)
        let tests = try #require((try Yams.load(yaml: text) as? [String: Any])?["tests"] as? [[String: Any]])
        var firing: Set<String> = []
        for test in tests {
            for check in test["alert_rule_test"] as? [[String: Any]] ?? [] {
                guard let name = check["alertname"] as? String, let alerts = check["exp_alerts"] as? [[String: Any]],
                    !alerts.isEmpty
                else { continue }
                if alerts.allSatisfy({ $0["exp_annotations"] != nil }) { firing.insert(name) }
            }
        }
        let missing = QuartermasterAlerts.all.map(\.name).filter { !firing.contains($0) }
        #expect(missing.isEmpty, "no firing test case with annotations for \(missing)")
    }

    /// The three renderings hold the same rules: the rule file parsed equals the declaration,
    /// and the PrometheusRule's spec equals the rule file.
    @Test func theRuleFileAndThePrometheusRuleSayTheSame() async throws {
        let ruleFile = try #require(try Yams.load(yaml: QuartermasterAlerts.yaml(.ruleFile)) as? [String: Any])
        let groups = try #require(ruleFile["groups"] as? [[String: Any]])
        #expect(groups.count == 1)
        let rules = try #require(groups.first?["rules"] as? [[String: Any]])
        #expect(rules.count == QuartermasterAlerts.all.count)
        for (parsed, rule) in zip(rules, QuartermasterAlerts.all) {
            #expect(parsed["alert"] as? String == rule.name)
            #expect(parsed["expr"] as? String == rule.expression)
            #expect(parsed["for"] as? String == rule.duration)
            #expect((parsed["labels"] as? [String: Any])?["severity"] as? String == rule.severity.rawValue)
            let annotations = parsed["annotations"] as? [String: Any]
            #expect(annotations?["summary"] as? String == rule.summary)
            #expect(annotations?["description"] as? String == rule.description)
        }
        let object = try #require(try Yams.load(yaml: QuartermasterAlerts.yaml(.prometheusRule)) as? [String: Any])
        #expect(object["kind"] as? String == "PrometheusRule")
        let spec = try #require(object["spec"] as? [String: Any])
        #expect(NSDictionary(dictionary: spec).isEqual(to: ruleFile))
    }

    /// docs/observability.md has a row per alert: what fires it and what to do.
    @Test func everyAlertIsDocumented() async throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/observability.md"), encoding: .utf8)
        for rule in QuartermasterAlerts.all {
            #expect(doc.contains("| `\(rule.name)` | \(rule.severity.rawValue) |"), "docs/observability.md: no row for \(rule.name)")
        }
    }

    @Test func helmEscapingKeepsAlertTemplatesLiteral() {
        #expect(QuartermasterAlerts.helmEscaped("{{ $labels.name }} at {{ $value | humanize }}")
            == #"{{ "{{" }} $labels.name {{ "}}" }} at {{ "{{" }} $value | humanize {{ "}}" }}"#)
        #expect(QuartermasterAlerts.helmEscaped("no braces { } here") == "no braces { } here")
        #expect(QuartermasterAlerts.doubleQuoted("a \"b\" \\ c\nd") == #""a \"b\" \\ c\nd""#)
    }
}
