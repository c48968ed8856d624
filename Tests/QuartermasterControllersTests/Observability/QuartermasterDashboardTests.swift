import Foundation
import Testing
import Yams

@testable import QuartermasterControllers

/// The generated Grafana dashboard is well formed, and every query is valid PromQL (checked by
/// promtool as recording rules, Grafana's variables substituted).
@Suite struct QuartermasterDashboardTests {
    @Test func theJSONIsAGrafanaDashboardWithEveryPanelOnTheGrid() async throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try QuartermasterDashboard.json().utf8)) as? [String: Any])
        #expect(object["uid"] as? String == QuartermasterDashboard.uid)
        #expect(object["schemaVersion"] as? Int == 39)
        let variables = ((object["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(variables == ["datasource", "tenant", "namespace"])
        let panels = try #require(object["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == panels.count, "panel ids are unique")
        let drawn = panels.filter { $0["type"] as? String != "row" }
        #expect(drawn.count == QuartermasterDashboard.panels.count)
        #expect(panels.filter { $0["type"] as? String == "row" }.count == QuartermasterDashboard.rows.count)
        for panel in drawn {
            let title = panel["title"] as? String ?? "?"
            let grid = panel["gridPos"] as? [String: Int] ?? [:]
            #expect((grid["x"] ?? -1) >= 0 && (grid["x"] ?? 0) + (grid["w"] ?? 0) <= 24, "\(title): \(grid)")
            #expect((panel["datasource"] as? [String: String])?["uid"] == "${datasource}", "\(title)")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty && targets.allSatisfy { !($0["expr"] as? String ?? "").isEmpty }, "\(title)")
            #expect(!(panel["description"] as? String ?? "").isEmpty, "\(title)")
        }
        let expressions = QuartermasterDashboard.panels.flatMap { $0.queries.map(\.expression) }
        #expect(!expressions.contains { $0.contains("vector(0)") }, "no query hides missing data")
    }

    @Test(.enabled(if: AlertRulesPromtoolTests.promtoolAvailable, AlertRulesPromtoolTests.skipMessage))
    func everyQueryIsValidPromQL() async throws {
        var rules: [[String: Any]] = []
        for (index, panel) in QuartermasterDashboard.panels.enumerated() {
            for (queryIndex, query) in panel.queries.enumerated() {
                rules.append(["record": "dashboard:panel_\(index)_\(queryIndex)", "expr": QuartermasterDashboard.resolved(query.expression, tenant: "acme", namespace: "acme")])
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qm-dashboard-\(UUID().uuidString).yaml")
        try Yams.dump(object: ["groups": [["name": "dashboard", "rules": rules]]]).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await AlertRulesPromtoolTests.promtool(["check", "rules", file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS: \(rules.count) rules found"), "\(result.output)")
    }
}
