import Foundation
import SourceBuild
import Testing

@Suite struct SourceReportTests {
    let commit = String(repeating: "3f", count: 20)

    @Test func roundTripsAndStaysCompact() throws {
        let report = SourceReport(
            commit: commit,
            analysis: SourceAnalysis(language: .python, framework: "flask", startCommand: "gunicorn app:app", port: 8000, env: ["DATABASE_URL", "SECRET_KEY"]))
        let data = try report.encoded()
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(!text.contains("\n"))
        #expect(try SourceReport.decode("\n" + text + "\n") == report)
    }

    @Test func dropsEnvironmentNamesUntilItFits() throws {
        let names = (0..<400).map { "VARIABLE_NUMBER_\($0)" }
        let report = SourceReport(commit: commit, analysis: SourceAnalysis(language: .node, env: names))
        let data = try report.encoded()
        #expect(data.count <= SourceReport.maxBytes)
        let decoded = try SourceReport.decode(String(decoding: data, as: UTF8.self))
        let kept = try #require(decoded.analysis?.env)
        #expect(kept.count < names.count && !kept.isEmpty)
        #expect(kept == Array(names.prefix(kept.count)))
    }

    @Test(arguments: ["", "abc", String(repeating: "G", count: 40), String(repeating: "A", count: 40)])
    func refusesCommitsThatAreNotFortyLowercaseHex(_ bad: String) {
        #expect(throws: SourceReport.ReportError.self) { try SourceReport.decode(#"{"commit":"\#(bad)"}"#) }
        #expect(throws: SourceReport.ReportError.self) { try SourceReport(commit: bad).encoded() }
    }

    @Test func refusesOversizedAndUnreadableMessages() {
        #expect(throws: SourceReport.ReportError.tooLarge(bytes: 5000)) {
            try SourceReport.decode("  " + String(repeating: "x", count: 5000) + "\n")
        }
        #expect(throws: SourceReport.ReportError.self) { try SourceReport.decode("sha256:abc") }
        #expect(throws: SourceReport.ReportError.self) { try SourceReport.decode(#"{"commit":"\#(commit)","analysis":{"language":"cobol"}}"#) }
    }
}
